import pytest

from tests.events.factories import EventFactory


@pytest.fixture
def event(campaign):
    return EventFactory(campaign=campaign, slug="rally", title="Emergency rally for Peru")


@pytest.fixture
def mailed(django_capture_on_commit_callbacks):
    """Run what the code queued on commit (tasks run in-process in unit tests)."""

    def _run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return _run
