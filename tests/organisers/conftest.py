"""alice owns the campaign, bob organises it, charlie is an organiser of another campaign."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.cache import cache

from campaigns.models import Membership, Role
from tests.factories import CampaignFactory, StatementFactory

PASSWORD = "correct horse battery staple"


def make_user(email: str, *, staff: bool = False):
    user = get_user_model().objects.create_user(
        username=email.split("@")[0], email=email, password=PASSWORD, is_staff=staff
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.fixture(autouse=True)
def _empty_cache():
    # allauth's rate limits and used TOTP codes live in the cache: no test inherits another's.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def alice(campaign):
    user = make_user("alice@example.org")
    Membership.objects.create(campaign=campaign, user=user, role=Role.OWNER)
    return user


@pytest.fixture
def bob(campaign):
    user = make_user("bob@example.org")
    Membership.objects.create(campaign=campaign, user=user, role=Role.ORGANISER)
    return user


@pytest.fixture
def other_campaign(db):
    return CampaignFactory(slug="chile", title="Solidarity with Chile")


@pytest.fixture
def other_statement(other_campaign):
    return StatementFactory(campaign=other_campaign, slug="chile-statement", title="Chile")


@pytest.fixture
def charlie(other_campaign):
    user = make_user("charlie@example.org")
    Membership.objects.create(campaign=other_campaign, user=user, role=Role.OWNER)
    return user


@pytest.fixture
def as_alice(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def as_bob(client, bob):
    client.force_login(bob)
    return client


@pytest.fixture
def as_charlie(client, charlie):
    client.force_login(charlie)
    return client
