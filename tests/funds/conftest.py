import pytest
from django.contrib.auth import get_user_model

from tests.funds.factories import FundFactory


@pytest.fixture
def fund(campaign):
    return FundFactory(campaign=campaign)


@pytest.fixture
def moderator(db):
    return get_user_model().objects.create_user(
        "mod", "mod@example.org", "pw", is_staff=True, is_superuser=True
    )
