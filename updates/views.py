"""Organisers write, preview, test and send updates; signers unsubscribe with one click."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaign.queue import enqueue_on_commit
from organisers.views import member_required
from petitions.models import Statement

from . import services
from .forms import UpdateForm
from .models import Update
from .tasks import send_test_update
from .tokens import TEST_PAYLOAD, InvalidToken, read_unsubscribe_token


def _see_other(url):
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def _update(membership, update_uuid) -> Update:
    return get_object_or_404(
        Update.objects.select_related("statement__campaign"),
        uuid=update_uuid,
        statement__campaign=membership.campaign,
    )


def _detail_url(update: Update) -> str:
    return reverse("updates:detail", args=[update.statement.campaign.slug, update.uuid])


# --- Organisers ---------------------------------------------------------------------------------


@require_GET
@member_required
def update_list(request, membership):
    campaign = membership.campaign
    updates = Update.objects.filter(statement__campaign=campaign).select_related("statement")
    statements = Statement.objects.filter(campaign=campaign).exclude(status=Statement.Status.DRAFT)
    return render(
        request,
        "updates/list.html",
        {"campaign": campaign, "membership": membership, "updates": updates, "statements": statements},
    )


@require_http_methods(["GET", "POST"])
@member_required
def update_create(request, membership, statement_slug):
    statement = get_object_or_404(Statement, campaign=membership.campaign, slug=statement_slug)
    form = UpdateForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            update = form.save(commit=False)
            update.statement = statement
            update.created_by = request.user
            update.save()
            return _see_other(_detail_url(update))
        status = 400
    else:
        status = 200
    context = {"campaign": membership.campaign, "statement": statement, "form": form}
    return render(request, "updates/form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@member_required
def update_edit(request, membership, update_uuid):
    update = _update(membership, update_uuid)
    if update.status != Update.Status.DRAFT:
        return _see_other(_detail_url(update))
    form = UpdateForm(request.POST or None, instance=update)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            form.save()
            return _see_other(_detail_url(update))
        status = 400
    context = {"campaign": membership.campaign, "statement": update.statement, "form": form, "update": update}
    return render(request, "updates/form.html", context, status=status)


@require_GET
@member_required
def update_detail(request, membership, update_uuid):
    update = _update(membership, update_uuid)
    context = {
        "campaign": membership.campaign,
        "update": update,
        "statement": update.statement,
        "recipient_count": services.recipient_count(update.statement)
        if update.status == Update.Status.DRAFT
        else update.recipients,
    }
    return render(request, "updates/detail.html", context)


@require_POST
@member_required
def update_send_test(request, membership, update_uuid):
    update = _update(membership, update_uuid)
    enqueue_on_commit(send_test_update, update.pk, request.user.pk, translation.get_language() or "")
    messages.success(request, _("A test email is on its way to %(email)s.") % {"email": request.user.email})
    return _see_other(_detail_url(update))


@require_POST
@member_required
def update_send(request, membership, update_uuid):
    update = _update(membership, update_uuid)
    if services.start_sending(update):
        messages.success(
            request,
            _("Sending to %(count)s signers. Progress shows below.") % {"count": update.recipients},
        )
    return _see_other(_detail_url(update))


# --- Signers --------------------------------------------------------------------------------------


@csrf_exempt  # RFC 8058 one-click: mail providers POST here without a form; the token authenticates.
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    try:
        payload = read_unsubscribe_token(token)
    except InvalidToken:
        return render(request, "updates/unsubscribe.html", {"invalid": True}, status=400)
    if payload == TEST_PAYLOAD:
        return render(request, "updates/unsubscribe.html", {"test": True})
    if request.method == "POST":
        campaign = services.unsubscribe(payload)
        return render(request, "updates/unsubscribe.html", {"done": True, "campaign": campaign})
    campaign = services.campaign_of(payload)
    return render(request, "updates/unsubscribe.html", {"campaign": campaign})
