"""Celery beat started twice by mistake: two schedulers queue every periodic task twice.

The tally and the recount run concurrently (on a worker with several processes) while people
confirm their signatures. The public count never runs ahead of the truth nor goes backwards, ends
equal to it, and the doubled outbox senders send nobody a second email.
"""

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.e2e.conftest import wait_until

pytestmark = pytest.mark.services

SIGNERS = 40


def test_it_keeps_totals_true_and_mails_once_with_two_beats(chaos):
    statement = chaos.new_statement("two-beats")
    outcomes = statement.sign_many(SIGNERS, workers=4, prefix="t")
    assert {o.status for o in outcomes} == {303}
    signed = {o.email for o in outcomes}
    wait_until(
        lambda: set(chaos.mailbox.per_recipient(statement.domain)) == signed,
        what="the confirmations",
        timeout=40,
        interval=0.5,
    )
    links = {}
    for mail in chaos.mailbox.mails:
        if mail.recipients[0] in signed:
            (links[mail.recipients[0]],) = mail.links(f"{chaos.site_url}/confirm/")

    # Given two beats, each queueing the tally twice a second, the recount every second and the
    # outbox senders every two seconds
    chaos.stop(chaos.beat)
    chaos.beat = None
    fast = {"TALLY_INTERVAL_SECONDS": 0.5, "RECOUNT_INTERVAL_SECONDS": 1, "OUTBOX_SENDER_SECONDS": 2}
    beats = [chaos.start_beat(**fast), chaos.start_beat(**fast)]
    samples = []
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            public = statement.count_json()
            truth = statement.confirmed()  # read after the count: the count may only lag it
            samples.append((public, truth))
            time.sleep(0.1)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        # When people confirm over a few seconds
        def confirm(email):
            time.sleep(random.uniform(0, 4))
            response = chaos.browser().get(links[email])
            return response.status

        with ThreadPoolExecutor(6) as pool:
            statuses = list(pool.map(confirm, sorted(signed)))
        assert set(statuses) == {200}

        # Then the public count catches up with the truth and stays there
        wait_until(lambda: statement.count_json() == SIGNERS, what="the count to reach the truth", timeout=20)
        time.sleep(3)
    finally:
        stop.set()
        watcher.join(10)
        for beat in beats:
            beat.assert_running()
            chaos.stop(beat)
        chaos.beat = chaos.start_beat()

    assert statement.count_json() == statement.confirmed() == SIGNERS
    publics = [public for public, _ in samples]
    print(f"\n{len(samples)} samples of count.json while two beats ran: {publics[0]} .. {publics[-1]}")
    assert all(public <= truth for public, truth in samples), "the count ran ahead of the truth"
    assert publics == sorted(publics), "the count went backwards"
    counted = chaos.sql(
        "SELECT count(*) FILTER (WHERE counted), count(*) FILTER (WHERE NOT counted)"
        " FROM petitions_signature WHERE statement_id = %s AND status = 'confirmed'",
        (statement.pk,),
    )[0]
    assert counted == (SIGNERS, 0)

    # And nobody got a second email from the doubled senders
    counts = chaos.mailbox.per_recipient(statement.domain)
    assert set(counts) == signed
    assert max(counts.values()) == 1
