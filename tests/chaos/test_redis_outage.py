"""Redis stops in the middle of a signing burst, and comes back empty.

Every signature that got its 303 is in PostgreSQL; signing goes on while Redis is down, quickly and
without a single error; the outbox senders go on sending from PostgreSQL, and every confirmation
goes out exactly once.
"""

import re
import threading
import time

import pytest

from tests.e2e.conftest import wait_until

pytestmark = pytest.mark.services


def test_it_keeps_signing_through_a_redis_outage_and_mails_everyone_once_after(chaos):
    statement = chaos.new_statement("redis-outage")
    worker, sender = chaos.worker, chaos.sender
    outcomes = []
    down_at = up_at = None
    done = threading.Event()

    def burst():
        while not done.is_set():
            outcomes.extend(statement.sign_many(12, workers=4, prefix=f"b{len(outcomes)}-"))

    # Given a signing burst under way
    signer = threading.Thread(target=burst)
    signer.start()
    try:
        wait_until(lambda: len(outcomes) >= 24, what="the burst to get going", timeout=30)
        # When Redis stops (and with it the broker, the queued tasks and the cache)
        down_at = time.monotonic()
        chaos.redis.stop()
        during = len(outcomes)
        wait_until(lambda: len(outcomes) >= during + 48, what="signing while Redis is down", timeout=40)
        # Pages that read the cache (allauth's login rate limit) still answer while Redis is down
        browser = chaos.browser()
        login = browser.get("/accounts/login/")
        assert login.status == 200
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.body).group(1)
        data = {"csrfmiddlewaretoken": token, "login": "nobody@example.org", "password": "not-it"}
        attempt = browser.post("/accounts/login/", data)
        assert attempt.status in (200, 400), attempt.body[:1000]
        assert statement.count_json() == 0
        # Mails of every other kind fall due meanwhile (sign-ups, reminders, updates, invitations...)
        others = chaos.mail_every_kind("redis-outage-kinds")
        # And Redis comes back, empty
        chaos.redis.start()
        up_at = time.monotonic()
        after = len(outcomes)
        wait_until(lambda: len(outcomes) >= after + 24, what="signing after Redis is back", timeout=40)
    finally:
        done.set()
        signer.join(60)
        if not chaos.redis.answers():
            chaos.redis.start()

    # Then every signing request got its 303, quickly, also while Redis was down
    statuses = sorted({o.status for o in outcomes})
    assert statuses == [303], [(o.status, o.body[:300]) for o in outcomes if o.status != 303][:3]
    while_down = [o for o in outcomes if down_at <= o.at + o.seconds and o.at <= up_at]
    assert len(while_down) >= 48
    slowest = max(o.seconds for o in while_down)
    print(f"\n{len(outcomes)} signatures, {len(while_down)} while Redis was down; slowest {slowest:.3f}s")
    assert slowest < 2.0, "a request waited on the dead broker"
    # And every one of them is in PostgreSQL
    signed = {o.email for o in outcomes}
    assert statement.stored_emails() == signed

    # And the workers rode out the outage: they reconnected rather than exiting
    assert (chaos.worker, chaos.sender) == (worker, sender)
    worker.assert_running()
    sender.assert_running()

    # And every confirmation goes out (the senders read the outbox in PostgreSQL, not Redis)
    wait_until(
        lambda: set(chaos.mailbox.per_recipient(statement.domain)) == signed,
        what="a confirmation for every signature",
        timeout=45,
        interval=0.5,
    )
    assert statement.unmailed() == 0
    # Exactly once each, even with new senders started by beat polling for a while longer
    time.sleep(6)
    counts = chaos.mailbox.per_recipient(statement.domain)
    twice = {email: n for email, n in counts.items() if n > 1}
    print(f"confirmations: {sum(counts.values())} for {len(signed)} signatures, {len(twice)} duplicates")
    assert not twice
    wait_until(
        lambda: set(chaos.mailbox.per_recipient("@redis-outage-kinds.test")) == others,
        what="every kind",
        timeout=30,
    )
    kinds = chaos.mailbox.per_recipient("@redis-outage-kinds.test")
    assert set(kinds) == others and max(kinds.values()) == 1
