"""Every organiser view: owner, organiser, outsider (404) and anonymous (login) access; CSRF on changes."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Membership, Role
from organisers.models import Invitation, PaperImport

OWNER_ONLY = {"members", "export_log", "remove_member", "revoke_invitation", "paper_delete", "invite"}


@pytest.fixture
def objects(campaign, statement, alice, bob):
    invitation = Invitation.objects.create(
        campaign=campaign,
        email="dora@example.org",
        role=Role.ORGANISER,
        expires_at=timezone.now() + timedelta(days=7),
    )
    batch = PaperImport.objects.create(statement=statement, filename="rally.csv")
    return {
        "campaign": campaign,
        "statement": statement,
        "invitation": invitation,
        "batch": batch,
        "bob_membership": Membership.objects.get(user=bob),
    }


def _views(o):
    """(name, method, url, data) for every organiser view of one campaign."""
    c, s = o["campaign"].slug, o["statement"].slug
    statement_data = {"title": "New words", "body": "We stand together.", "status": "draft", "action": "save"}
    return [
        ("campaign", "get", reverse("organisers:campaign", args=[c]), None),
        ("members", "get", reverse("organisers:members", args=[c]), None),
        (
            "invite",
            "post",
            reverse("organisers:members", args=[c]),
            {"email": "eve@example.org", "role": "organiser"},
        ),
        (
            "remove_member",
            "post",
            reverse("organisers:remove_member", args=[c, o["bob_membership"].uuid]),
            {},
        ),
        (
            "revoke_invitation",
            "post",
            reverse("organisers:revoke_invitation", args=[c, o["invitation"].uuid]),
            {},
        ),
        ("export_log", "get", reverse("organisers:export_log", args=[c]), None),
        ("statement_create", "get", reverse("organisers:statement_create", args=[c]), None),
        ("statement_create_post", "post", reverse("organisers:statement_create", args=[c]), statement_data),
        ("statement", "get", reverse("organisers:statement", args=[c, s]), None),
        ("statement_edit", "get", reverse("organisers:statement_edit", args=[c, s]), None),
        ("statement_edit_post", "post", reverse("organisers:statement_edit", args=[c, s]), statement_data),
        ("export", "get", reverse("organisers:export", args=[c, s]), None),
        ("export_download", "get", reverse("organisers:statement_export", args=[c, s]), None),
        ("publication_csv", "get", reverse("organisers:publication_list_csv", args=[c, s]), None),
        ("publication_txt", "get", reverse("organisers:publication_list_text", args=[c, s]), None),
        ("paper_import", "get", reverse("organisers:paper_import", args=[c, s]), None),
        ("paper_delete", "post", reverse("organisers:paper_delete", args=[c, s, o["batch"].uuid]), {}),
    ]


VIEW_NAMES = [
    "campaign",
    "members",
    "invite",
    "remove_member",
    "revoke_invitation",
    "export_log",
    "statement_create",
    "statement_create_post",
    "statement",
    "statement_edit",
    "statement_edit_post",
    "export",
    "export_download",
    "publication_csv",
    "publication_txt",
    "paper_import",
    "paper_delete",
]


def _request(client, objects, name):
    _name, method, url, data = next(view for view in _views(objects) if view[0] == name)
    if method == "get":
        return client.get(url)
    return client.post(url, data)


def _ok(response):
    return response.status_code in (200, 303)


@pytest.mark.parametrize("name", VIEW_NAMES)
def test_it_lets_the_owner_use_every_view(client, objects, alice, name):
    client.force_login(alice)

    response = _request(client, objects, name)

    assert _ok(response), (name, response.status_code)


@pytest.mark.parametrize("name", VIEW_NAMES)
def test_it_lets_an_organiser_use_all_but_the_owners_views(client, objects, bob, name):
    client.force_login(bob)

    response = _request(client, objects, name)

    if name in OWNER_ONLY:
        assert response.status_code == 403, name
    else:
        assert _ok(response), (name, response.status_code)


@pytest.mark.parametrize("name", VIEW_NAMES)
def test_it_answers_404_to_a_member_of_another_campaign(client, objects, charlie, name):
    client.force_login(charlie)

    response = _request(client, objects, name)

    assert response.status_code == 404, name


@pytest.mark.parametrize("name", VIEW_NAMES)
def test_it_sends_anonymous_visitors_to_log_in(client, objects, name):
    response = _request(client, objects, name)

    assert response.status_code == 302, name
    assert response["Location"].startswith("/accounts/login/?next=")


def test_it_answers_404_for_an_unknown_campaign_even_to_members(as_alice):
    assert as_alice.get("/dashboard/c/no-such-campaign/").status_code == 404


def test_it_answers_404_for_another_campaigns_statement_under_ones_own_campaign(
    as_alice, campaign, other_statement
):
    url = reverse("organisers:statement", args=[campaign.slug, other_statement.slug])

    assert as_alice.get(url).status_code == 404


def test_it_sends_anonymous_visitors_from_the_dashboard_home_to_log_in(client, db):
    response = client.get("/dashboard/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/dashboard/"


STATE_CHANGES = [
    "invite",
    "remove_member",
    "revoke_invitation",
    "statement_create_post",
    "statement_edit_post",
    "paper_delete",
]


@pytest.mark.parametrize("name", STATE_CHANGES)
def test_it_refuses_state_changes_without_a_csrf_token(objects, alice, name):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    _name, method, url, data = next(view for view in _views(objects) if view[0] == name)

    response = browser.post(url, data)

    assert response.status_code == 403
    assert Membership.objects.filter(campaign=objects["campaign"]).count() == 2
    assert Invitation.objects.filter(campaign=objects["campaign"]).count() == 1
    assert PaperImport.objects.count() == 1
    objects["statement"].refresh_from_db()
    assert objects["statement"].title != "New words"


def test_it_accepts_a_state_change_with_the_csrf_token(objects, alice):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    url = reverse("organisers:revoke_invitation", args=[objects["campaign"].slug, objects["invitation"].uuid])
    browser.get(reverse("organisers:members", args=[objects["campaign"].slug]))

    response = browser.post(url, {"csrfmiddlewaretoken": browser.cookies["csrftoken"].value})

    assert response.status_code == 303
    assert not Invitation.objects.exists()
