from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader

from campaigns.translations import localise_campaign
from petitions.models import campaigns_with_open_statements


def home(request):
    campaigns = [localise_campaign(campaign) for campaign in campaigns_with_open_statements()]
    return render(request, "home.html", {"campaigns": campaigns})


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors here: whatever broke may be what they need.
    return HttpResponse(loader.get_template("500.html").render(), status=500)
