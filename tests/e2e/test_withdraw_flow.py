"""End to end: a signer withdraws with the link in their confirmation email, and the public count
goes down, through gunicorn, the real worker and SMTP."""

import pytest

from petitions.models import Signature
from tests.e2e.test_signing_flow import confirm_link, count, sign
from tests.factories import CampaignFactory, StatementFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_a_signer_withdraws_from_the_confirmation_email(e2e):
    statement = StatementFactory(campaign=CampaignFactory(slug="peru-withdraw"), slug="democracia")
    browser = e2e.browser()
    sign(browser, statement, name="Ana Torres", email="ana@example.org")
    (mail,) = e2e.mailbox.wait_for(1, to="ana@example.org")
    assert e2e.browser().get(confirm_link(e2e, mail)).status == 200
    e2e.tally()
    assert count(browser, statement) == 1

    # When Ana opens the withdrawal link from the same email and confirms
    (link,) = mail.links(f"{e2e.site_url}/withdraw/")
    assert f'href="{link}"' in mail.html
    signer = e2e.browser()
    page = signer.get(link)
    assert page.status == 200
    form = page.form("withdraw-form")
    done = signer.post(form.action or page.url, form.submission())

    # Then her signature is withdrawn and erased, and the public count is back to zero
    assert done.status == 200
    assert "withdrawn" in done.body
    signature = Signature.objects.get(statement=statement)
    assert signature.status == Signature.Status.WITHDRAWN
    assert signature.email == "" and signature.name == "(anonymised)"
    assert count(browser, statement) == 0
    e2e.tally()
    assert count(browser, statement) == 0
