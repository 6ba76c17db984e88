import pytest

from campaigns.models import Membership, Role
from tests.factories import ConfirmedSignatureFactory
from tests.updates.factories import UpdateFactory


@pytest.fixture
def alice(django_user_model, campaign):
    """Owner of the campaign."""
    user = django_user_model.objects.create_user("alice", "alice@example.org", "pw")
    Membership.objects.create(campaign=campaign, user=user, role=Role.OWNER)
    return user


@pytest.fixture
def bob(django_user_model, campaign):
    """Organiser (not owner) of the campaign."""
    user = django_user_model.objects.create_user("bob", "bob@example.org", "pw")
    Membership.objects.create(campaign=campaign, user=user, role=Role.ORGANISER)
    return user


@pytest.fixture
def charlie(django_user_model):
    """Organiser of no campaign here."""
    return django_user_model.objects.create_user("charlie", "charlie@example.org", "pw")


@pytest.fixture
def update(statement, alice):
    return UpdateFactory(statement=statement, created_by=alice)


@pytest.fixture
def consenting(statement):
    def make(**kwargs):
        return ConfirmedSignatureFactory(statement=statement, consent_contact=True, **kwargs)

    return make


@pytest.fixture
def send_now(django_capture_on_commit_callbacks):
    """Start sending and run the queued batches in-process, as the embedded site does."""
    from updates import services

    def run(update):
        with django_capture_on_commit_callbacks(execute=True):
            return services.start_sending(update)

    return run
