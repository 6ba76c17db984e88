"""The confirm step: how many get the update, both parts as they will arrive, and only then a send."""

import html
import re

import pytest
from django.core import mail

from tests.factories import ConfirmedSignatureFactory
from updates.emails import PREVIEW_NAME
from updates.models import Update

BODY = """**Next step:** thousands of people signed.

Join the [online rally](https://example.org/rally?from=mail&x=1) on Saturday.

<script>alert(1)</script>

- bring a friend
- bring a sign
"""


@pytest.fixture
def update(update):
    Update.objects.filter(pk=update.pk).update(body=BODY)
    update.refresh_from_db()
    return update


def url(update, action):
    return f"/dashboard/c/{update.statement.campaign.slug}/updates/{update.uuid}/{action}"


def preview_text(page: str) -> str:
    return html.unescape(re.search(r'<pre class="mail-text">(.*?)</pre>', page, re.S).group(1))


def test_it_says_how_many_will_receive_it(client, alice, update, consenting):
    consenting()
    consenting()
    ConfirmedSignatureFactory(statement=update.statement, consent_contact=False)
    client.force_login(alice)

    page = client.get(url(update, "confirm/")).content.decode()

    assert "This update will go to <strong>2 signers</strong>" in page
    assert "Send to 2 signers now" in page


def test_the_text_part_is_readable_text(client, alice, update):
    client.force_login(alice)

    text = preview_text(client.get(url(update, "confirm/")).content.decode())

    assert "Next step: thousands of people signed." in text
    assert "online rally (https://example.org/rally?from=mail&x=1)" in text
    assert "- bring a friend" in text
    for markup in ("**", "](", "<script", "alert(1)", "<p>"):
        assert markup not in text


def test_the_preview_is_what_each_signer_receives(
    client, alice, update, consenting, django_capture_on_commit_callbacks
):
    ana = consenting(name="Ana", email="ana@example.org")
    client.force_login(alice)
    page = client.get(url(update, "confirm/")).content.decode()
    shown_html = client.get(url(update, "confirm/email.html")).content.decode()
    version = re.search(r'name="version" value="(\w+)"', page).group(1)

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url(update, "send/"), {"version": version}).status_code == 303

    [sent] = mail.outbox
    sent_html = sent.alternatives[0].content

    # Unsubscribe tokens are signed with a timestamp (the preview's is made per request): every
    # unsubscribe link is compared as a placeholder; test_unsubscribe checks what each one opens.
    def links_out(part: str) -> str:
        return re.sub(r"/unsubscribe/[^/\s\"]+/", "/unsubscribe/TOKEN/", part)

    def as_ana(part: str) -> str:
        return links_out(part.replace(PREVIEW_NAME, ana.name))

    assert as_ana(preview_text(page)) == links_out(sent.body)
    assert as_ana(shown_html) == links_out(sent_html)
    assert html.escape(sent.subject) in page


def test_the_html_preview_is_sandboxed(client, alice, update):
    client.force_login(alice)

    response = client.get(url(update, "confirm/email.html"))

    assert response["Content-Type"] == "text/html; charset=utf-8"
    policy = response["Content-Security-Policy"]
    assert "sandbox" in policy and "default-src 'none'" in policy and "script-src" not in policy
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert b"<script" not in response.content


def test_a_send_confirms_the_text_that_was_shown(client, alice, update, consenting):
    consenting()
    client.force_login(alice)
    shown = update.version
    Update.objects.filter(pk=update.pk).update(body="Something else entirely.")

    response = client.post(url(update, "send/"), {"version": shown})

    assert response.status_code == 409
    assert b"changed after you opened it" in response.content
    update.refresh_from_db()
    assert update.status == Update.Status.DRAFT
    assert mail.outbox == []


def test_a_send_without_the_confirm_step_is_refused(client, alice, update, consenting):
    consenting()
    client.force_login(alice)

    response = client.post(url(update, "send/"))

    assert response.status_code == 409
    update.refresh_from_db()
    assert update.status == Update.Status.DRAFT


def test_a_sent_update_has_no_confirm_step(client, alice, update):
    Update.objects.filter(pk=update.pk).update(status=Update.Status.SENT)
    client.force_login(alice)

    response = client.get(url(update, "confirm/"))

    assert response.status_code == 303
