"""PostgreSQL restarts while people read and sign.

Requests that arrive while it is down get a clear 503 page (with Retry-After), never a 500 or a
stack trace; every signature that got its 303 is stored; service resumes on its own, without
restarting gunicorn or the workers, and the senders mail the signatures made after the restart.
"""

import threading
import time
import uuid

import pytest

from tests.e2e.conftest import wait_until

pytestmark = pytest.mark.services


def test_it_answers_503_while_postgres_restarts_and_resumes_on_its_own(chaos):
    statement = chaos.new_statement("postgres-restart")
    web, worker, sender = chaos.web, chaos.worker, chaos.sender
    browser, form = statement.sign_form()
    results = []  # (time, kind, status, body, headers, email)
    stop = threading.Event()

    def load(n: int):
        kinds = ["page", "count", "sign"]
        i = 0
        while not stop.is_set():
            kind = kinds[(i + n) % 3]
            i += 1
            email = ""
            began = time.monotonic()
            try:
                if kind == "page":
                    response = browser.get(statement.url)
                elif kind == "count":
                    response = browser.get(statement.url + "count.json")
                else:
                    email = f"p{n}-{i}-{uuid.uuid4().hex[:6]}{statement.domain}"
                    response = browser.post(statement.url, {**form, "email": email})
                results.append((began, kind, response.status, response.body, response.headers, email))
            except OSError as exc:
                results.append((began, kind, 0, str(exc), {}, email))

    # Mails of every kind the platform sends are due as it goes down
    others = chaos.mail_every_kind("postgres-restart-kinds")
    threads = [threading.Thread(target=load, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1.5)
        # When PostgreSQL restarts (fast shutdown: open sessions are terminated), twice over:
        # once with pg_ctl restart, once staying down for a few seconds
        chaos.postgres.restart("fast")
        time.sleep(1)
        down_from = time.monotonic()
        chaos.postgres.stop("fast")
        time.sleep(3)
        chaos.postgres.start()
        up_at = time.monotonic()
        time.sleep(4)
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)

    # Then nothing was a server error, and requests while it was down got the 503 page
    statuses = {}
    for _, kind, status, *_ in results:
        statuses[(kind, status)] = statuses.get((kind, status), 0) + 1
    print(f"\n{len(results)} requests around the restarts: {sorted(statuses.items())}")
    unexpected = [(k, s, b[:300]) for _, k, s, b, _, _ in results if s not in (200, 303, 503)]
    assert not unexpected
    unavailable = [(b, h) for _, _, s, b, h, _ in results if s == 503]
    assert unavailable, "no request arrived while PostgreSQL was down"
    for body, headers in unavailable:
        assert "Back in a moment" in body
        assert "Traceback" not in body and "OperationalError" not in body
        assert headers.get("Retry-After")
    assert any(down_from <= t <= up_at and s == 503 for t, _, s, *_ in results)

    # And service resumed on its own: everything after the restart (give it a second) succeeded
    after = [(k, s) for t, k, s, *_ in results if t > up_at + 1]
    assert after and all(s in (200, 303) for _, s in after), after
    web.assert_running()
    worker.assert_running()
    sender.assert_running()

    # And every signature that got its 303 is stored
    signed = {r[5] for r in results if r[1] == "sign" and r[2] == 303}
    assert signed and signed <= statement.stored_emails()

    # And the same senders' worker, which lost its database connection, mails a signature made now
    email = f"after-{uuid.uuid4().hex[:6]}{statement.domain}"
    assert browser.post(statement.url, {**form, "email": email}).status == 303
    wait_until(
        lambda: chaos.mailbox.per_recipient(statement.domain).get(email),
        what="the worker to mail a signature made after the restart",
        timeout=20,
    )

    # (the recount test checks that every signature of the session was mailed exactly once)
    # And the mails of every kind went out, each once
    def every_kind_sent():
        return set(chaos.mailbox.per_recipient("@postgres-restart-kinds.test")) == others

    try:
        wait_until(every_kind_sent, what="the mails of every kind", timeout=90)
    finally:
        missing = others - set(chaos.mailbox.per_recipient("@postgres-restart-kinds.test"))
        rows = chaos.sql(
            'SELECT "to", kind, status, attempts, last_error, lease_owner FROM outbox_outboxmessage'
            ' WHERE "to" = ANY(%s)',
            (sorted(missing),),
        )
        print(f"\nnot received after the restarts: {sorted(missing)}; their rows: {rows}")
    assert max(chaos.mailbox.per_recipient("@postgres-restart-kinds.test").values()) == 1
