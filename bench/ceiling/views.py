from django.http import HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_GET, require_POST

from campaign.http import same_origin_post

from .models import Row


@require_GET
def hello(request):
    return HttpResponse("hello\n", content_type="text/plain")


@require_POST
@same_origin_post  # as the signing view: no CSRF token, the Origin checked
def insert(request):
    Row.objects.create(name=request.POST.get("name", "")[:100], email=request.POST.get("email", "")[:254])
    response = HttpResponseRedirect("/bench/hello")
    response.status_code = 303
    return response
