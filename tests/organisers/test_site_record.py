from django.conf import settings
from django.contrib.sites.models import Site
from django.core.management import call_command

from organisers.site import domain


def test_it_gives_the_site_record_site_urls_host_after_migrate(db):
    site = Site.objects.get(pk=settings.SITE_ID)

    assert site.domain == domain()
    assert site.name == settings.SITE_NAME
    assert site.domain != "example.com"


def test_it_follows_a_changed_site_url_at_the_next_migrate(db, settings):
    settings.SITE_URL = "https://solidarity.example.net"
    settings.SITE_NAME = "Solidaridad"

    call_command("migrate", verbosity=0)

    site = Site.objects.get_current()
    assert (site.domain, site.name) == ("solidarity.example.net", "Solidaridad")
