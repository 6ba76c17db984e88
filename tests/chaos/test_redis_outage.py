"""Redis stops in the middle of a signing burst, and comes back empty.

Every signature that got its 303 is in PostgreSQL; signing goes on while Redis is down, quickly and
without a single error; once Redis is back, every pending confirmation goes out, each exactly once.
"""

import re
import threading
import time

import pytest

from tests.e2e.conftest import wait_until

pytestmark = pytest.mark.services


def test_it_keeps_signing_through_a_redis_outage_and_mails_everyone_once_after(chaos):
    statement = chaos.new_statement("redis-outage")
    worker = chaos.worker
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

    # And the worker rode out the outage: it reconnected rather than exiting
    assert chaos.worker is worker
    worker.assert_running()

    # And every confirmation goes out once Redis is back (the sweep finds those never queued)
    wait_until(
        lambda: set(chaos.mailbox.per_recipient(statement.domain)) == signed,
        what="a confirmation for every signature",
        timeout=45,
        interval=0.5,
    )
    assert statement.unmailed() == 0
    # Exactly once each, even with the sweep running every two seconds for a while longer
    chaos.run_task("petitions.tasks.sweep_unsent_mail")
    time.sleep(5)
    counts = chaos.mailbox.per_recipient(statement.domain)
    twice = {email: n for email, n in counts.items() if n > 1}
    print(f"confirmations: {sum(counts.values())} for {len(signed)} signatures, {len(twice)} duplicates")
    assert not twice
