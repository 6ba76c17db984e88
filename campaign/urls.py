from django.contrib import admin
from django.urls import URLResolver, include, path

from api import urls as api
from events import dashboard_urls as events_dashboard
from events import urls as events
from funds import public_urls as funds_public
from funds import urls as funds
from monitoring import views as monitoring_views
from organisers import urls as organisers
from petitions import urls as petitions
from privacy import urls as privacy
from sharing import dashboard_urls as sharing_dashboard
from sharing import urls as sharing
from updates import dashboard_urls as updates_dashboard
from updates import urls as updates

from . import views
from .i18n import language_patterns
from .model_moves import moved_admin_urls

# Where each app's pages live: this table alone (tests/test_url_layout.py holds every app to it).
# For each namespace, each of the app's URL lists under its prefix; the lists say nothing of where
# they are. Public pages are grouped by campaign (/c/<campaign>/…), not by app, and the links in
# emails (confirm/, withdraw/, unsubscribe/, my-place/) and short links (s/) stay at the top: those
# addresses are in mail already sent and on other sites, so they never move. Organisers' pages are
# the dashboard's, under /dashboard/c/<campaign>/.
CAMPAIGN = "c/<slug:campaign_slug>/"
DASHBOARD = "dashboard/" + CAMPAIGN
DASHBOARD_STATEMENT = DASHBOARD + "s/<slug:statement_slug>/"

# The dashboard, whose URLs carry no language.
DASHBOARD_APPS = {
    "organisers": [("dashboard/", organisers.urlpatterns)],
    "funds": [(DASHBOARD + "fund/", funds.urlpatterns)],
    "apikeys": [(DASHBOARD + "api/", api.urlpatterns)],
}
# The public pages, whose URLs carry the language. The dashboard pages of apps with public pages
# share their app's namespace, so they are here too (and answer under /es/dashboard/… as well).
PUBLIC_APPS = {
    "sharing": [
        ("s/", sharing.short_links),
        (CAMPAIGN, sharing.urlpatterns),
        (DASHBOARD_STATEMENT + "sharing/", sharing_dashboard.urlpatterns),
    ],
    "funds_public": [("funds/stripe/", funds_public.urlpatterns)],
    "events": [
        (CAMPAIGN + "events/", events.urlpatterns),
        ("my-place/", events.attendee),
        (DASHBOARD + "events/", events_dashboard.urlpatterns),
    ],
    "privacy": [("privacy/", privacy.urlpatterns), ("withdraw/", privacy.withdraw)],
    "updates": [
        ("unsubscribe/", updates.urlpatterns),
        (DASHBOARD + "updates/", updates_dashboard.urlpatterns),
        (DASHBOARD_STATEMENT + "updates/", updates_dashboard.statement),
    ],
    "petitions": [(CAMPAIGN, petitions.urlpatterns), ("confirm/", petitions.confirm)],
}


def mount(apps: dict[str, list[tuple[str, list]]]) -> list[URLResolver]:
    """Each namespace once, with each of its lists under its prefix (a namespace with one list under
    that prefix directly, so that other pages' paths pass it by without looking inside)."""
    mounted = []
    for namespace, parts in apps.items():
        if len(parts) == 1:
            ((prefix, urls),) = parts
            mounted.append(path(prefix, include((urls, namespace))))
        else:
            lists = [path(prefix, include(urls)) for prefix, urls in parts]
            mounted.append(path("", include((lists, namespace))))
    return mounted


# Pages whose URL carries no language: they follow the visitor's choice (cookie) or browser.
language_neutral = [
    path("healthz", monitoring_views.healthz, name="healthz"),
    path("readyz", monitoring_views.readyz, name="readyz"),
    path("metrics", monitoring_views.prometheus, name="metrics"),
    path("anymail/", include("outbox.urls")),
    *moved_admin_urls(),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    *mount(DASHBOARD_APPS),
    path("api/", api.api_urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
# Public pages carry their language in the URL (/es/c/peru/; English without a prefix), so a link
# can be sent to Spanish speakers, and a page is the same for everyone who opens that URL.
urlpatterns = language_neutral + language_patterns(
    path("", views.home, name="home"),
    *mount(PUBLIC_APPS),
)

handler400 = "campaign.views.bad_request"
handler404 = "campaign.views.page_not_found"
handler500 = "campaign.views.server_error"
