"""The site's production settings plus the two ceiling views: what `make bench` runs its server with."""

from campaign.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "bench.ceiling"]  # noqa: F405
ROOT_URLCONF = "bench.ceiling.urls"
