"""Senders: claim with a lease, send over one SMTP connection, mark each message as it is accepted."""

from datetime import timedelta

import pytest
from django.utils import timezone

import outbox
from outbox import sender
from outbox.models import OutboxMessage
from outbox.services import enqueue

pytestmark = pytest.mark.django_db

prefetches = []


@outbox.registry.prefetch("tests.batch")
def load_batch(messages):
    prefetches.append(sorted(message.ref for message in messages))
    if any(message.context.get("hook_fails") for message in messages):
        raise RuntimeError("prefetch bug")
    return {message.ref: f"loaded {message.ref}" for message in messages if message.ref != "gone"}


@outbox.registry.builder("tests.batch")
def build_batch(message):
    loaded = outbox.registry.prefetched(message, lambda message: f"alone {message.ref}")
    if loaded is None:
        return None
    return outbox.Email(subject=loaded, text=loaded)


@pytest.fixture(autouse=True)
def _no_send_on_commit(settings):
    settings.OUTBOX_SEND_ON_COMMIT = False


def note(to="ana@example.org", ref="1", **context):
    return enqueue("tests.note", to, ref=ref, context=context)


def test_it_sends_a_batch_over_one_smtp_connection(smtp):
    for n in range(5):
        note(to=f"p{n}@example.org", ref=n)

    assert sender.send_batch("s1") == 5

    assert smtp.sessions == 1
    assert sorted(m["To"] for m in smtp.messages) == [f"p{n}@example.org" for n in range(5)]
    assert OutboxMessage.objects.filter(status="sent", sent_at__isnull=False, lease_owner="s1").count() == 5


def test_it_sends_text_and_html_with_a_message_id_from_the_row(smtp, settings):
    settings.SITE_URL = "https://campaigns.example.net"
    message = note(ref="42")

    sender.drain()

    delivered = smtp.messages[0]
    assert delivered["Message-ID"] == f"<{message.uuid}@campaigns.example.net>"
    assert delivered["Subject"] == "Note 42"
    assert delivered.get_body(("plain",)).get_content().strip() == "Hello 42"
    assert delivered.get_body(("html",)).get_content().strip() == "<p>Hello 42</p>"


def test_it_fails_a_permanent_refusal_with_its_reason_and_never_retries(smtp):
    refused = note(to="refused@example.org")
    note(to="ana@example.org", ref="2")

    sender.drain()
    sender.drain()

    refused.refresh_from_db()
    assert refused.status == OutboxMessage.Status.FAILED
    assert refused.last_error.startswith("550")
    assert refused.attempts == 1
    assert [m["To"] for m in smtp.messages] == ["ana@example.org"]  # the batch went on


def test_it_backs_off_after_a_temporary_failure(smtp):
    busy = note(to="busy@example.org")

    sender.drain()

    busy.refresh_from_db()
    assert busy.status == OutboxMessage.Status.PENDING
    assert busy.last_error.startswith("451")
    assert busy.due_at > timezone.now() + timedelta(seconds=20)
    assert sender.send_batch("s1") == 0  # not due again yet


def test_it_fails_a_message_after_the_last_attempt(smtp, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    busy = note(to="busy@example.org")

    for _ in range(2):
        OutboxMessage.objects.filter(pk=busy.pk).update(due_at=timezone.now())
        sender.drain()

    busy.refresh_from_db()
    assert busy.status == OutboxMessage.Status.FAILED
    assert busy.last_error.startswith("gave up after 2 attempts: 451")


def test_it_retries_later_when_the_mail_server_is_down(settings):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }
    first, second = note(ref="1"), note(ref="2")

    assert sender.send_batch("s1") == 2

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.attempts, first.due_at > timezone.now()) == ("pending", 1, True)
    assert (second.attempts, second.lease_owner, second.due_at <= timezone.now()) == (0, "", True)


def test_it_never_claims_a_row_under_another_senders_lease(smtp):
    note()
    held = sender.claim("s1", limit=10)

    assert len(held) == 1
    assert sender.claim("s2", limit=10) == []


def test_a_claim_leases_the_oldest_due_pending_rows_of_its_channel_up_to_its_limit(smtp):
    now = timezone.now()
    rows = {}
    for name, due in (("third", 3), ("first", 30), ("second", 20), ("later", -60), ("fourth", 1)):
        rows[name] = note(ref=name)
        OutboxMessage.objects.filter(pk=rows[name].pk).update(due_at=now - timedelta(seconds=due))
    sent, held = note(ref="sent"), note(ref="held")
    OutboxMessage.objects.filter(pk=sent.pk).update(status="sent")
    OutboxMessage.objects.filter(pk=held.pk).update(
        lease_owner="other", lease_expires_at=now + timedelta(minutes=1)
    )
    webhook = note(ref="webhook")
    OutboxMessage.objects.filter(pk=webhook.pk).update(channel="webhook")

    claimed = sender.claim("s1", limit=3)

    # Oldest due first, whole rows as the builders need them, each stamped with the lease.
    assert [row.ref for row in claimed] == ["first", "second", "third"]
    assert all(row.kind == "tests.note" and row.to == "ana@example.org" for row in claimed)
    for row in claimed:
        stored = OutboxMessage.objects.get(pk=row.pk)
        assert (stored.lease_owner, stored.attempts, stored.status) == ("s1", 1, "pending")
        assert stored.lease_expires_at == row.lease_expires_at > timezone.now()
    # Not yet due, already sent, under another's lease, another channel: left where they are.
    assert [row.ref for row in sender.claim("s2", limit=10)] == ["fourth"]
    assert sender.claim("s3", limit=10) == []


def test_it_claims_again_a_row_whose_sender_died(smtp):
    message = note()
    sender.claim("dead", limit=10)
    OutboxMessage.objects.filter(pk=message.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))

    assert sender.send_batch("s2") == 1

    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 2)
    assert len(smtp.messages) == 1


def test_it_drops_a_message_its_builder_no_longer_wants(smtp):
    message = note(drop=True)

    sender.drain()

    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.DROPPED
    assert smtp.messages == []


def test_a_builder_error_delays_only_its_own_message(smtp):
    broken = note(ref="1", explode=True)
    note(to="bob@example.org", ref="2")

    sender.drain()

    broken.refresh_from_db()
    assert broken.status == OutboxMessage.Status.PENDING
    assert "builder bug" in broken.last_error
    assert [m["To"] for m in smtp.messages] == ["bob@example.org"]


def test_it_sends_nothing_before_it_is_due(smtp):
    enqueue("tests.note", "ana@example.org", due_at=timezone.now() + timedelta(minutes=5))

    assert sender.drain() == 0
    assert smtp.messages == []


def test_a_prefetch_hook_loads_a_whole_batch_at_once(smtp):
    prefetches.clear()
    for ref in ("1", "2", "gone"):
        enqueue("tests.batch", f"p{ref}@example.org", ref=ref)
    note(ref="3")

    assert sender.send_batch("s1") == 4

    assert prefetches == [["1", "2", "gone"]]
    assert sorted(m["Subject"] for m in smtp.messages) == ["Note 3", "loaded 1", "loaded 2"]
    assert OutboxMessage.objects.get(ref="gone").status == OutboxMessage.Status.DROPPED


def test_a_failing_prefetch_hook_leaves_its_messages_to_load_one_by_one(smtp):
    for ref in ("1", "2"):
        enqueue("tests.batch", f"p{ref}@example.org", ref=ref, context={"hook_fails": True})

    assert sender.send_batch("s1") == 2

    assert sorted(m["Subject"] for m in smtp.messages) == ["alone 1", "alone 2"]
    assert OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT).count() == 2


@pytest.mark.services  # PostgreSQL: elsewhere a transaction of its own
def test_a_sent_mark_is_one_statement_of_its_own(smtp, django_assert_num_queries):
    message = note()
    [row] = sender.claim("s1", limit=10)

    with django_assert_num_queries(1) as captured:
        sender.mark_sent(row)

    assert "set_config('synchronous_commit', 'off', true)" in captured.captured_queries[0]["sql"]
    message.refresh_from_db()
    assert (message.status, message.lease_owner, message.lease_expires_at) == ("sent", "s1", None)
    assert message.sent_at is not None


def test_a_sender_keeps_its_smtp_connection_while_batches_keep_coming(smtp, settings):
    settings.OUTBOX_BATCH_SIZE = 100
    for n in range(250):
        note(to=f"p{n}@example.org", ref=n)

    assert sender.drain() == 250

    assert smtp.sessions == 1  # three batches, one connection
    assert len(smtp.messages) == 250
    assert OutboxMessage.objects.filter(status="sent").count() == 250


def test_a_sender_opens_a_new_connection_after_so_many_messages(smtp, settings, monkeypatch):
    monkeypatch.setattr(sender, "MESSAGES_PER_CONNECTION", 100)
    settings.OUTBOX_BATCH_SIZE = 60
    for n in range(250):
        note(to=f"p{n}@example.org", ref=n)

    assert sender.drain() == 250

    # 60 + 60 = 120 messages over the first connection, 120 over the second, 10 over the third.
    assert smtp.sessions == 3
    assert len(smtp.messages) == 250


def test_a_sender_whose_connection_the_server_closes_sends_the_rest_over_a_new_one(smtp, settings):
    settings.OUTBOX_BATCH_SIZE = 100
    smtp.closing_after = 3  # "421 closing" to the fourth MAIL FROM of a session
    for n in range(10):
        note(to=f"p{n}@example.org", ref=n)

    sender.drain()

    # p3 and p7 met the 421: retried later, as any temporary failure; the rest went out over
    # three connections (p0-p2, p4-p6, p8-p9).
    rows = {row.ref: row for row in OutboxMessage.objects.all()}
    pending = sorted(ref for ref, row in rows.items() if row.status == "pending")
    assert pending == ["3", "7"]
    assert all(rows[ref].last_error.startswith("421 4.7.0") for ref in pending)
    assert all(rows[ref].due_at > timezone.now() for ref in pending)
    assert OutboxMessage.objects.filter(status="sent").count() == 8
    assert smtp.sessions == 3


def test_a_database_error_between_batches_closes_the_kept_connection(smtp, settings, monkeypatch):
    from django.db import OperationalError

    settings.OUTBOX_BATCH_SIZE = 2
    for n in range(3):
        note(to=f"p{n}@example.org", ref=n)
    batches = sender._Batches("s1", "email")
    assert batches.send() == 2
    kept = batches.transport
    assert kept.opened

    def database_away(*args, **kwargs):
        raise OperationalError("the database is restarting")

    monkeypatch.setattr(sender, "claim", database_away)
    with pytest.raises(OperationalError):
        batches.send()

    assert batches.transport is None
    assert not kept.opened  # QUIT sent, not left open


def test_a_running_sender_waits_a_poll_after_a_small_batch_so_a_surge_goes_in_fewer_batches(
    smtp, settings, monkeypatch
):
    settings.OUTBOX_BATCH_SIZE = 8  # a quarter of it: 2
    settings.OUTBOX_POLL_SECONDS = 0.25
    for n in range(9):
        note(to=f"p{n}@example.org", ref=n)
    events = []
    real_sleep, real_send_batch = sender.time.sleep, sender.send_batch

    def send_batch(*args, **kwargs):
        claimed = real_send_batch(*args, **kwargs)
        events.append(("claimed", claimed))
        return claimed

    def sleep(seconds):
        events.append(("slept", seconds))
        real_sleep(0.01)

    monkeypatch.setattr(sender, "send_batch", send_batch)
    monkeypatch.setattr(sender.time, "sleep", sleep)

    assert sender.run(0.1) == 9

    # A full batch at once, then one of 1 (less than a quarter): the sender waits before it
    # claims again.
    assert events[:4] == [("claimed", 8), ("claimed", 1), ("slept", 0.25), ("claimed", 0)]
    assert len(smtp.messages) == 9
