import pytest
from django.core.cache import cache

from tests.events.factories import EventFactory


@pytest.fixture(autouse=True)
def _empty_cache():
    # Share images and spent widget tokens live in the cache: no test inherits another's.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def event(campaign):
    return EventFactory(campaign=campaign, slug="rally", title="Emergency rally for Peru")
