"""django-anymail's webhooks (/anymail/<provider>/tracking/), answered only with ANYMAIL_WEBHOOK_SECRET.

Without a secret anymail would accept anyone's posts (it only warns), and a forged bounce or
complaint would stop all mail to any address; so then every webhook answers 404.
"""

from functools import wraps

from anymail import urls as anymail_urls
from django.conf import settings
from django.http import Http404
from django.urls import URLPattern
from django.views.decorators.csrf import csrf_exempt


def _secret_required(view):
    @csrf_exempt
    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not settings.ANYMAIL.get("WEBHOOK_SECRET"):
            raise Http404
        return view(request, *args, **kwargs)

    return guarded


app_name = "anymail"
urlpatterns = [
    URLPattern(pattern.pattern, _secret_required(pattern.callback), pattern.default_args, pattern.name)
    for pattern in anymail_urls.urlpatterns
]
