import pytest
from django.contrib.auth import get_user_model

from moderation.management.commands.setup_moderators import setup_moderators


@pytest.fixture
def moderator(db):
    user = get_user_model().objects.create_user("mo", "mo@moderators.example", "pw", is_staff=True)
    user.groups.add(setup_moderators())
    return user


@pytest.fixture
def moderator_client(client, moderator, settings):
    settings.MFA_REQUIRED_FOR_STAFF = False
    client.force_login(moderator)
    return client
