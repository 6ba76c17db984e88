"""The moderation queues in the admin: one list per decision, counts of what waits, filters that fit."""

import pytest

from petitions.models import Signature
from safety.models import AuditEntry
from tests.factories import ConfirmedSignatureFactory, SignatureFactory

pytestmark = pytest.mark.django_db

LISTINGS = "/admin/moderation/listingawaitingapproval/"
ORGANISATIONS = "/admin/moderation/organisationawaitingapproval/"
HELD = "/admin/moderation/heldforreview/"


def listing(statement, **kwargs):
    return ConfirmedSignatureFactory(statement=statement, show_publicly=True, listing="pending", **kwargs)


def test_it_keeps_individuals_organisations_and_held_signatures_in_lists_of_their_own(
    moderator_client, statement
):
    person = listing(statement, name="Ana Torres")
    union = listing(statement, kind="organisation", organisation="Unite", role="Chair")
    held = SignatureFactory(statement=statement, status=Signature.Status.HELD, hold_reason="rate_ip")

    shown = {
        url: list(moderator_client.get(url).context["cl"].result_list)
        for url in (LISTINGS, ORGANISATIONS, HELD)
    }

    assert shown == {LISTINGS: [person], ORGANISATIONS: [union], HELD: [held]}


def test_it_counts_what_waits_on_the_admin_index(moderator_client, statement):
    listing(statement)
    listing(statement)
    SignatureFactory(statement=statement, status=Signature.Status.HELD)

    page = moderator_client.get("/admin/").content.decode()

    assert "Public listings awaiting approval (2)" in page
    assert "Signatures held for review (1)" in page
    assert "Organisations awaiting approval (0)" in page


def test_it_releases_a_held_signature_with_one_click_and_audits_it(moderator_client, moderator, statement):
    held = SignatureFactory(statement=statement, status=Signature.Status.HELD, hold_reason="rate_ip")

    response = moderator_client.post(f"{HELD}{held.pk}/decide/release/")

    assert response.status_code == 302
    held.refresh_from_db()
    assert held.status == Signature.Status.PENDING
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.object_id) == (moderator, "restore", str(held.uuid))


def test_it_puts_the_decision_buttons_first_in_each_row(moderator_client, statement):
    listing(statement, name="Ana Torres")

    page = moderator_client.get(LISTINGS).content.decode()

    assert page.index('aria-label="Approve: Ana Torres"') < page.index("Ana Torres</a>")


def test_it_filters_by_country_with_a_drop_down_of_the_countries_present(moderator_client, statement):
    listing(statement, name="Ana Torres", country="PE")
    listing(statement, name="Tom Hughes", country="GB")

    page = moderator_client.get(LISTINGS).content.decode()
    peru = moderator_client.get(LISTINGS, {"country": "PE", "q": "a"})

    assert '<select name="country"' in page
    assert page.count("<option") < 10  # the countries present, not all 250
    assert [s.name for s in peru.context["cl"].result_list] == ["Ana Torres"]
    assert '<input type="hidden" name="q" value="a">' in peru.content.decode()


def test_it_names_reminders_sent_in_plain_english(admin_client, settings):
    settings.MFA_REQUIRED_FOR_STAFF = False

    page = admin_client.get("/admin/").content.decode()

    assert "Reminders sent" in page and "Reminder sents" not in page
