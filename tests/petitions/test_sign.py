import re

import pytest
from django.core import mail

from outbox.models import OutboxMessage
from petitions.models import Signature, Statement

URL = "/c/peru/statement/"


def form_data(**overrides):
    data = {
        "name": "Ana Torres",
        "email": "ana@example.org",
        "country": "PE",
        "kind": "individual",
        "organisation": "",
        "role": "",
        "website": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def sign(client, statement, django_capture_on_commit_callbacks):
    def _sign(**overrides):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(URL, form_data(**overrides), REMOTE_ADDR="203.0.113.9")

    return _sign


def test_it_stores_a_pending_signature_and_redirects_to_check_your_email(sign, statement):
    response = sign(consent_contact="on", show_publicly="on")

    assert response.status_code == 303
    assert response["Location"] == "/c/peru/statement/check-your-email/"
    signature = Signature.objects.get()
    assert signature.status == Signature.Status.PENDING
    assert signature.email_normalized == "ana@example.org"
    assert signature.country == "PE"
    assert signature.show_publicly is True
    assert signature.listing == Signature.Listing.PENDING
    assert signature.consent_contact is True
    assert "Solidarity with Peru may contact me" in signature.consent_text
    assert signature.consent_at is not None
    statement.refresh_from_db()
    assert statement.signature_count == 0  # pending signatures never count


def test_it_sends_the_confirmation_email_with_an_absolute_link(sign, settings):
    sign()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ana@example.org"]
    assert "Democracy for Peru" in message.subject
    assert f"{settings.SITE_URL}/confirm/" in message.body
    html = message.alternatives[0].content
    assert f'href="{settings.SITE_URL}/confirm/' in html
    row = OutboxMessage.objects.get()
    assert (row.kind, row.ref, row.status) == ("petitions.signature", str(Signature.objects.get().pk), "sent")


def test_it_commits_the_signature_with_its_mail_and_leaves_nothing_for_after_the_commit(
    client, statement, settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_SEND_ON_COMMIT = False  # as with workers: senders find the row themselves
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(URL, form_data(), REMOTE_ADDR="203.0.113.9")

    assert response.status_code == 303
    assert callbacks == []  # no task queued: no broker round trip on the signing request
    row = OutboxMessage.objects.get()
    assert (row.ref, row.to, row.status) == (str(Signature.objects.get().pk), "ana@example.org", "pending")
    assert (row.statement_id, row.campaign_id) == (statement.pk, statement.campaign_id)


def test_it_defaults_to_not_listed_and_no_consent(sign):
    sign()

    signature = Signature.objects.get()
    assert signature.show_publicly is False
    assert signature.consent_contact is False
    assert signature.consent_text == ""


def test_it_stores_only_a_hash_of_the_ip_and_a_trimmed_user_agent(client, statement):
    client.post(URL, form_data(), REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="x" * 2000)

    signature = Signature.objects.get()
    assert "203.0.113.9" not in signature.ip_hash
    assert len(signature.ip_hash) == 64
    assert len(signature.user_agent) == 300


def test_it_records_utm_source_and_external_referrer_from_the_statement_page(client, statement):
    page = client.get(URL + "?utm_source=newsletter", HTTP_REFERER="https://news.example/article")
    assert b'value="newsletter"' in page.content
    # The referrer is not in the page (it is the same for everyone): its script fills it in.
    assert b"news.example" not in page.content

    client.post(URL, form_data(utm_source="newsletter", ref="https://news.example/article"))

    signature = Signature.objects.get()
    assert signature.utm_source == "newsletter"
    assert signature.referrer == "https://news.example/article"


def test_it_signs_on_behalf_of_an_organisation(sign):
    sign(kind="organisation", organisation="Unite the Union", role="Regional Secretary")

    signature = Signature.objects.get()
    assert signature.kind == Signature.Kind.ORGANISATION
    assert signature.organisation == "Unite the Union"
    assert signature.role == "Regional Secretary"


def test_it_ignores_organisation_fields_when_signing_as_an_individual(sign):
    sign(kind="individual", organisation="Somewhere", role="Boss")

    signature = Signature.objects.get()
    assert signature.organisation == ""
    assert signature.role == ""


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"name": "   "}, "name", "This field is required."),
        ({"name": "x" * 101}, "name", "at most 100 characters"),
        ({"email": ""}, "email", "This field is required."),
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        ({"email": "a" * 250 + "@example.org"}, "email", "at most 254 characters"),
        ({"country": ""}, "country", "This field is required."),
        ({"country": "XX"}, "country", "Select a valid choice."),
        ({"kind": "robot"}, "kind", "Select a valid choice."),
        ({"kind": "organisation", "role": "Chair"}, "organisation", "enter the organisation"),
        ({"kind": "organisation", "organisation": "Unite"}, "role", "enter your role"),
        ({"kind": "organisation", "organisation": "U" * 201, "role": "Chair"}, "organisation", "at most 200"),
    ],
)
def test_it_rejects_invalid_input_next_to_the_field_and_stores_nothing(
    client, statement, overrides, field, message
):
    response = client.post(URL, form_data(**overrides))

    assert response.status_code == 400
    assert message in str(response.context["form"].errors[field])
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert Signature.objects.count() == 0
    assert mail.outbox == []


def test_it_rejects_an_oversized_request_body_with_400(client, statement):
    response = client.post(URL, form_data(comment="x" * 400_000))

    assert response.status_code == 400
    assert Signature.objects.count() == 0


def test_it_limits_optional_text_fields(client, statement):
    statement.ask_comment = True
    statement.ask_location = True
    statement.save()

    response = client.post(URL, form_data(comment="c" * 1001, location="l" * 101))

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"comment", "location"}


def test_it_asks_only_the_questions_the_statement_asks(client, statement):
    statement.ask_organisation = False
    statement.save()

    html = client.get(URL).content.decode()

    assert 'name="organisation"' not in html
    assert 'name="location"' not in html
    assert 'name="comment"' not in html


def test_it_pretends_to_accept_honeypot_submissions_but_stores_nothing(sign):
    response = sign(website="http://spam.example")

    assert response.status_code == 303
    assert Signature.objects.count() == 0
    assert mail.outbox == []


def test_it_refuses_signatures_on_a_closed_statement(client, statement):
    statement.status = Statement.Status.CLOSED
    statement.save()

    response = client.post(URL, form_data())

    assert response.status_code == 400
    assert Signature.objects.count() == 0


def test_it_refuses_signatures_on_a_draft_statement(client, statement):
    statement.status = Statement.Status.DRAFT
    statement.save()

    assert client.post(URL, form_data()).status_code == 404
    assert Signature.objects.count() == 0


def test_it_refuses_a_post_from_another_sites_page(statement):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(URL, form_data(), HTTP_ORIGIN="https://evil.example")

    assert response.status_code == 403
    assert Signature.objects.count() == 0


def test_it_escapes_html_in_every_text_field_on_pages_and_emails(client, statement, sign):
    statement.ask_location = True
    statement.ask_comment = True
    statement.save()
    script = "<script>alert(1)</script>"

    bad = client.post(URL, form_data(name=script, email="bad", organisation=script, comment=script))
    response = sign(
        name=f"Ana {script}",
        kind="organisation",
        organisation=f"Org {script}",
        role=f"Chair {script}",
        location=script,
        comment=script,
    )

    assert script not in bad.content.decode()
    assert "&lt;script&gt;" in bad.content.decode()
    assert response.status_code == 303
    html = mail.outbox[0].alternatives[0].content
    assert script not in html
    assert "Ana &lt;script&gt;" in html


def _without_csrf(html):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


class TestDuplicates:
    def test_it_answers_identically_whether_or_not_the_email_signed(self, client, statement, sign):
        first = sign()
        second = sign(email="  ANA@Example.org ")

        assert first.status_code == second.status_code == 303
        assert first["Location"] == second["Location"]
        pages = [client.get(r["Location"]).content.decode() for r in (first, second)]
        assert _without_csrf(pages[0]) == _without_csrf(pages[1])

    def test_it_mails_one_address_at_most_three_times_a_day_whatever_is_submitted(self, sign):
        for _ in range(5):
            sign(email="Ana@example.org")

        assert Signature.objects.count() == 5  # every submission is kept, with its own choices
        assert len(mail.outbox) == 3
        assert all("confirm" in m.subject.lower() for m in mail.outbox)
        assert OutboxMessage.objects.filter(status="sent").count() == 3

    def test_it_sends_already_signed_once_confirmed(self, sign):
        sign()
        Signature.objects.update(status=Signature.Status.CONFIRMED)

        sign(name="Someone else")

        assert len(mail.outbox) == 2
        assert "already signed" in mail.outbox[1].subject
        # The new submission's link is offered, with its choices: the owner decides.
        assert "/confirm/" in mail.outbox[1].body
        assert Signature.objects.get(status=Signature.Status.CONFIRMED).name == "Ana Torres"
