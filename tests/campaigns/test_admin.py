"""The campaign's admin: registered once, by campaigns, with its translations and members inline
and a link to its statements in moderation's list."""

import pytest
from django.contrib import admin

from campaigns.models import Campaign, Membership, Role
from tests.factories import CampaignFactory, StatementFactory

CAMPAIGNS = "/admin/campaigns/campaign/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.org", "pw")


@pytest.fixture
def superuser_client(client, superuser, settings):
    settings.MFA_REQUIRED_FOR_STAFF = False
    client.force_login(superuser)
    return client


def test_it_is_registered_once_by_the_campaigns_app():
    assert type(admin.site.get_model_admin(Campaign)).__module__ == "campaigns.admin"


def test_a_superuser_appoints_a_new_campaigns_first_owner(superuser_client, django_user_model):
    owner = django_user_model.objects.create_user("ana", "ana@example.org", "pw")
    management = {"TOTAL_FORMS": "1", "INITIAL_FORMS": "0", "MIN_NUM_FORMS": "0", "MAX_NUM_FORMS": "1000"}
    data = {
        "title": "Solidarity with Chile",
        "slug": "chile",
        "summary": "",
        **{f"translations-{key}": value for key, value in management.items()},
        **{f"memberships-{key}": value for key, value in management.items()},
        "translations-TOTAL_FORMS": "0",
        "memberships-0-user": str(owner.pk),
        "memberships-0-role": Role.OWNER,
    }

    response = superuser_client.post(CAMPAIGNS + "add/", data)

    assert response.status_code == 302, response.context["errors"] if response.context else response
    membership = Membership.objects.get(campaign__slug="chile")
    assert (membership.user, membership.role) == (owner, Role.OWNER)


def test_the_change_page_links_to_the_campaigns_statements_with_their_number(superuser_client, campaign):
    StatementFactory.create_batch(2, campaign=campaign)
    StatementFactory(campaign=CampaignFactory())

    html = superuser_client.get(f"{CAMPAIGNS}{campaign.pk}/change/").content.decode()

    statements = f"/admin/petitions/statement/?campaign__id__exact={campaign.pk}"
    link = f'<a href="{statements}">2 statements: see the list</a>'
    assert link in html
    assert 'name="memberships-0-user"' in html
    assert 'name="translations-TOTAL_FORMS"' in html
    listed = superuser_client.get(f"/admin/petitions/statement/?campaign__id__exact={campaign.pk}")
    assert listed.status_code == 200
    assert listed.context["cl"].result_count == 2


def test_the_add_page_has_no_statements_yet(superuser_client):
    response = superuser_client.get(CAMPAIGNS + "add/")

    assert response.status_code == 200
    assert "/admin/petitions/statement/?campaign" not in response.content.decode()
