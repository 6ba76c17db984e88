from django.contrib import admin
from django.urls import include, path

from api.urls import api_urls
from monitoring import views as monitoring_views

from . import views
from .i18n import language_patterns

# Pages whose URL carries no language: they follow the visitor's choice (cookie) or browser.
language_neutral = [
    path("healthz", monitoring_views.healthz, name="healthz"),
    path("readyz", monitoring_views.readyz, name="readyz"),
    path("metrics", monitoring_views.prometheus, name="metrics"),
    path("anymail/", include("outbox.urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("dashboard/", include("organisers.urls")),
    path("dashboard/", include("funds.urls")),
    *api_urls,
    path("", include("api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
# Public pages carry their language in the URL (/es/c/peru/; English without a prefix), so a link
# can be sent to Spanish speakers, and a page is the same for everyone who opens that URL.
urlpatterns = language_neutral + language_patterns(
    path("", views.home, name="home"),
    path("", include("sharing.urls")),
    path("", include("funds.public_urls")),
    path("", include("events.urls")),
    path("", include("privacy.urls")),
    path("", include("updates.urls")),
    path("", include("petitions.urls")),
)

handler400 = "campaign.views.bad_request"
handler404 = "campaign.views.page_not_found"
handler500 = "campaign.views.server_error"
