"""The site's URLs plus the two ceiling views (ROOT_URLCONF in bench.settings)."""

from django.urls import path

from campaign.urls import handler400, handler404, handler500
from campaign.urls import language_neutral as site_language_neutral
from campaign.urls import urlpatterns as site_urlpatterns

from . import views

# The ceiling views carry no language, like the dashboard (campaign.i18n reads this list).
language_neutral = [
    path("bench/hello", views.hello, name="bench_hello"),
    path("bench/insert", views.insert, name="bench_insert"),
    *site_language_neutral,
]
urlpatterns = language_neutral[:2] + site_urlpatterns

__all__ = ["handler400", "handler404", "handler500", "language_neutral", "urlpatterns"]
