"""End to end: an update goes out through the real worker and SMTP, one signer unsubscribes with one
click (RFC 8058, no cookie, no CSRF token), and the next update leaves them out."""

import pytest

from tests.factories import CampaignFactory, ConfirmedSignatureFactory, StatementFactory
from updates import services
from updates.models import Update

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_an_update_respects_a_one_click_unsubscribe(e2e):
    # Given three signers who agreed to be contacted and one who did not
    statement = StatementFactory(campaign=CampaignFactory(slug="peru-updates"), slug="democracia")
    for name in ("ana", "ben", "cai"):
        ConfirmedSignatureFactory(statement=statement, email=f"{name}@example.org", consent_contact=True)
    ConfirmedSignatureFactory(statement=statement, email="dan@example.org", consent_contact=False)

    # When the organisers send an update
    first = Update.objects.create(statement=statement, subject="Delivered", body="We delivered it.")
    assert services.start_sending(first)

    # Then the worker mails each consenting signer once, with one-click unsubscribe headers
    for name in ("ana", "ben", "cai"):
        e2e.mailbox.wait_for(1, to=f"{name}@example.org")
    e2e.wait_until(lambda: Update.objects.get(pk=first.pk).status == Update.Status.SENT, what="update sent")
    assert len(e2e.mailbox.mails) == 3
    (ben_mail,) = e2e.mailbox.wait_for(1, to="ben@example.org")
    assert ben_mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = str(ben_mail.message["List-Unsubscribe"]).strip("<>")
    assert link.startswith(f"{e2e.site_url}/unsubscribe/")
    assert link in ben_mail.text

    # When Ben's mail provider posts the one-click unsubscribe, with no cookie and no CSRF token
    response = e2e.browser().post(link, {"List-Unsubscribe": "One-Click"})
    assert response.status == 200

    # Then the next update reaches Ana and Cai only
    e2e.mailbox.clear()
    second = Update.objects.create(statement=statement, subject="Next steps", body="Join us.")
    services.start_sending(second)
    e2e.mailbox.wait_for(1, to="ana@example.org")
    e2e.mailbox.wait_for(1, to="cai@example.org")
    e2e.wait_until(lambda: Update.objects.get(pk=second.pk).status == Update.Status.SENT, what="update sent")
    assert sorted(r for mail in e2e.mailbox.mails for r in mail.recipients) == [
        "ana@example.org",
        "cai@example.org",
    ]
