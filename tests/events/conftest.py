import icalendar
import pytest

from tests.events.factories import EventFactory

# alice owns the campaign, bob organises it, charlie organises another one (see tests/organisers).
from tests.organisers.conftest import (  # noqa: F401
    _empty_cache,
    alice,
    as_alice,
    as_bob,
    as_charlie,
    bob,
    charlie,
    other_campaign,
)


@pytest.fixture
def event(campaign):
    return EventFactory(campaign=campaign, slug="rally", title="Emergency rally for Peru")


def calendar_of(message) -> tuple:
    """The invitation attached to a sent message: its MIME part and the calendar in it, parsed."""
    [part] = message.attachments
    return part, icalendar.Calendar.from_ical(part.get_payload(decode=True))


@pytest.fixture
def mailed(django_capture_on_commit_callbacks):
    """Run what the code queued on commit (tasks run in-process in unit tests)."""

    def _run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return _run
