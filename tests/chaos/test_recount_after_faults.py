"""After every fault above (this module runs last), a full recount changes nothing.

The public totals (count.json) equal the truth (the confirmed signatures in PostgreSQL), the nightly
recount finds nothing to correct, and every signature of the whole session was mailed exactly as
many times as it asked for.
"""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.e2e.conftest import wait_until

pytestmark = pytest.mark.services


def _totals(chaos) -> dict[str, tuple[int, int]]:
    rows = chaos.sql(
        "SELECT c.slug, s.slug, s.signature_count,"
        " (SELECT count(*) FROM petitions_signature g WHERE g.statement_id = s.id AND g.status = 'confirmed')"
        " FROM petitions_statement s JOIN petitions_campaign c ON c.id = s.campaign_id"
        " WHERE s.status <> 'draft'"
    )
    return {f"/c/{campaign}/{slug}/": (stored, truth) for campaign, slug, stored, truth in rows}


def test_a_full_recount_after_the_faults_changes_nothing(chaos):
    # Given people confirm every other signature made during the faults, from their emails
    links = sorted(link for mail in chaos.mailbox.mails for link in mail.links(f"{chaos.site_url}/confirm/"))[
        ::2
    ]
    with ThreadPoolExecutor(4) as pool:
        statuses = set(pool.map(lambda link: chaos.browser().get(link).status, links))
    assert statuses <= {200}

    # And the periodic tally has caught up (beat runs it every second)
    def caught_up():
        return not chaos.sql("SELECT 1 FROM petitions_signature WHERE status = 'confirmed' AND NOT counted")

    chaos.run_task("petitions.tasks.tally_all")
    wait_until(caught_up, what="the tally to count every confirmation", timeout=20)
    before = _totals(chaos)
    assert before, "no statements: run the whole tests/chaos directory"
    browser = chaos.browser()
    public_before = {url: browser.get(url + "count.json").json()["signature_count"] for url in before}

    # When the full recount runs on the worker
    started = chaos.sql("SELECT now()")[0][0]
    chaos.run_task("petitions.tasks.recount_all")
    wait_until(
        lambda: (
            not chaos.sql(
                "SELECT 1 FROM petitions_statement"
                " WHERE status <> 'draft' AND (counted_at IS NULL OR counted_at < %s)",
                (started,),
            )
        ),
        what="the recount to visit every statement",
        timeout=30,
    )

    # Then it changed nothing, and the public totals are the truth
    after = _totals(chaos)
    public_after = {url: browser.get(url + "count.json").json()["signature_count"] for url in after}
    print(f"\nafter the faults: {sorted((url, truth) for url, (_, truth) in after.items())}")
    assert after == before
    assert public_after == public_before == {url: truth for url, (_, truth) in after.items()}
    corrected = [
        s.name for s in chaos.services if "recount corrected" in s.log_path.read_text(errors="replace")
    ]
    assert not corrected, f"the recount corrected a total: see {corrected}"

    # And every signature of the session was mailed, exactly as many times as was asked
    wait_until(
        lambda: not chaos.sql("SELECT 1 FROM outbox_outboxmessage WHERE status = 'pending'"),
        what="the senders to send every mail still due",
        timeout=30,
        interval=0.5,
    )
    time.sleep(3)
    requested = dict(chaos.sql("SELECT email, mails_requested FROM petitions_signature"))
    received = chaos.mailbox.per_recipient("")
    assert {email: received.get(email, 0) for email in requested} == requested
