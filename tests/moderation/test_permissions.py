"""Moderators are staff with least privilege: they moderate, and cannot touch accounts or content."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from moderation.management.commands.setup_moderators import GROUP
from tests.factories import ConfirmedSignatureFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/admin/moderation/listingawaitingapproval/",
        "/admin/safety/blockrule/",
        "/admin/safety/blockrule/add/",
        "/admin/safety/auditentry/",
        "/admin/moderation/trendingactivity/",
        "/admin/petitions/signature/",
    ],
)
def test_it_lets_a_moderator_moderate(moderator_client, url):
    assert moderator_client.get(url).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/admin/auth/user/",
        "/admin/auth/user/add/",
        "/admin/auth/group/",
        "/admin/auth/group/add/",
        "/admin/campaigns/campaign/add/",
        "/admin/petitions/statement/add/",
        "/admin/sites/site/",
    ],
)
def test_it_keeps_a_moderator_out_of_accounts_groups_and_settings(moderator_client, url):
    assert moderator_client.get(url).status_code == 403


def test_it_does_not_let_a_moderator_make_themselves_superuser(moderator_client, moderator):
    response = moderator_client.post(
        f"/admin/auth/user/{moderator.pk}/change/",
        {"username": "mo", "is_staff": "on", "is_superuser": "on", "is_active": "on"},
    )

    assert response.status_code == 403
    moderator.refresh_from_db()
    assert moderator.is_superuser is False


def test_it_does_not_let_a_moderator_delete_signatures(moderator_client, statement):
    signature = ConfirmedSignatureFactory(statement=statement)

    assert moderator_client.get(f"/admin/petitions/signature/{signature.pk}/delete/").status_code == 403
    actions = (
        moderator_client.get("/admin/petitions/signature/").context["action_form"].fields["action"].choices
    )
    assert "delete_selected" not in [name for name, _label in actions]


def test_it_keeps_people_who_are_not_staff_out(client, django_user_model):
    user = django_user_model.objects.create_user("signer", "signer@example.org", "pw")
    client.force_login(user)

    response = client.get("/admin/moderation/listingawaitingapproval/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_it_sets_up_the_group_idempotently_with_only_moderation_permissions(db):
    call_command("setup_moderators")
    call_command("setup_moderators")

    group = Group.objects.get(name=GROUP)
    codenames = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert ("petitions", "change_signature") in codenames
    assert ("moderation", "change_listingawaitingapproval") in codenames
    assert not any(app == "auth" for app, _codename in codenames)
    assert not any(codename.startswith("delete_") and app == "petitions" for app, codename in codenames)
    assert ("safety", "change_auditentry") not in codenames
