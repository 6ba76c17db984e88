"""The mail caps: one IP address cannot make the platform mail many addresses, one address is mailed
at most MAX_MAILS_PER_ADDRESS_PER_DAY times a statement, and the abuse checks cost one Redis round
trip per submission."""

import pytest
import redis
from django.core import mail

from events.models import Attendee
from moderation import services as moderation
from outbox import sender
from petitions.models import Signature
from safety import abuse
from tests.events.factories import EventFactory
from tests.factories import StatementFactory

pytestmark = [pytest.mark.django_db, pytest.mark.services]

EVENT_URL = "/c/peru/events/rally/"


@pytest.fixture
def cap(settings):
    settings.MAIL_CAP_PER_IP_PER_HOUR = 5
    return settings


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_a_burst_from_one_ip_mails_at_most_the_cap_and_answers_every_submission_alike(cap, sign):
    responses = [sign(ip="198.51.100.7", email=f"victim{i}@example.org") for i in range(12)]

    # Every answer is the same 303 to the same page: nothing tells the sender which were mailed.
    assert {(r.status_code, r["Location"]) for r in responses} == {
        (303, "/c/peru/statement/check-your-email/")
    }
    assert recipients() == sorted(f"victim{i}@example.org" for i in range(5))
    statuses = list(Signature.objects.order_by("pk").values_list("status", "hold_reason", "mails_requested"))
    assert statuses[:5] == [("pending", "", 1)] * 5
    # Kept for a moderator, unmailed, not counted.
    assert statuses[5:] == [("held", abuse.HOLD_IP_MAIL_CAP, 0)] * 7


def test_the_check_your_email_page_is_the_same_over_the_cap(cap, client, sign):
    sign(ip="198.51.100.7", email="first@example.org")
    under = client.get("/c/peru/statement/check-your-email/").content
    for i in range(6):
        sign(ip="198.51.100.7", email=f"more{i}@example.org")

    assert client.get("/c/peru/statement/check-your-email/").content == under


def test_other_ips_are_mailed_as_usual(cap, sign):
    for i in range(6):
        sign(ip="198.51.100.7", email=f"a{i}@example.org")
    sign(ip="198.51.100.8", email="b@example.org")

    assert "b@example.org" in recipients()
    assert Signature.objects.get(email="b@example.org").status == "pending"


def test_the_cap_spans_statements_and_events(cap, client, statement, django_capture_on_commit_callbacks):
    other = StatementFactory(campaign=statement.campaign, slug="other")
    EventFactory(campaign=statement.campaign, slug="rally")
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(3):
            client.post(statement.get_absolute_url(), _form(f"s{i}@example.org"), REMOTE_ADDR="198.51.100.7")
        for i in range(2):
            client.post(other.get_absolute_url(), _form(f"o{i}@example.org"), REMOTE_ADDR="198.51.100.7")
        response = client.post(EVENT_URL, _form("e@example.org"), REMOTE_ADDR="198.51.100.7")
    sender.drain()

    assert response.status_code == 303
    assert "e@example.org" not in recipients()
    attendee = Attendee.objects.get(email="e@example.org")
    assert (attendee.hold_reason, attendee.reserved_until) == (abuse.HOLD_IP_MAIL_CAP, None)
    assert len(recipients()) == 5


def test_an_address_that_is_not_mailed_again_does_not_use_up_the_ips_cap(cap, sign, settings):
    # The address's own daily cap silences the 4th and 5th submissions: no mail, so the IP's
    # allowance is left for others.
    for _ in range(5):
        sign(ip="198.51.100.7", email="same@example.org")
    for i in range(2):
        sign(ip="198.51.100.7", email=f"other{i}@example.org")

    assert recipients().count("same@example.org") == settings.MAX_MAILS_PER_ADDRESS_PER_DAY
    assert {"other0@example.org", "other1@example.org"} <= set(recipients())


def test_a_moderator_releasing_a_held_submission_mails_it(
    cap, sign, moderator, django_capture_on_commit_callbacks
):
    for i in range(6):
        sign(ip="198.51.100.7", email=f"p{i}@example.org")
    held = Signature.objects.get(status="held")

    with django_capture_on_commit_callbacks(execute=True):
        moderation.restore(moderator, [held.pk], "a school's shared connection")

    held.refresh_from_db()
    assert (held.status, held.mails_requested) == ("pending", 1)
    assert held.email in recipients()


def test_without_redis_the_address_cap_comes_from_the_database(settings, sign, caplog):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    for _ in range(5):
        sign(ip="198.51.100.7", email="same@example.org")

    assert recipients().count("same@example.org") == settings.MAX_MAILS_PER_ADDRESS_PER_DAY
    assert "unavailable" in caplog.text


def test_one_redis_round_trip_per_submission(cap, settings, sign, monkeypatch):
    settings.SIGNING_RATE_LIMITS_ENABLED = True
    sign(email="warm@example.org")  # loads the script into Redis (once per process)
    client = abuse._redis()
    calls = []
    execute = client.execute_command
    monkeypatch.setattr(
        client, "execute_command", lambda *args, **kw: calls.append(args[0]) or execute(*args, **kw)
    )

    sign(email="counted@example.org")

    assert calls == ["EVALSHA"]
    assert Signature.objects.get(email="counted@example.org").mails_requested == 1


def test_the_counters_keep_neither_emails_nor_ips(cap, settings, sign):
    settings.SIGNING_RATE_LIMITS_ENABLED = True
    sign(ip="198.51.100.7", email="secret.person@example.org")

    keys = [key.decode() for key in redis.Redis.from_url(settings.REDIS_URL).scan_iter(match=abuse._key("*"))]
    assert keys
    assert not [key for key in keys if "secret" in key or "@" in key or "198.51.100.7" in key]


def _form(email: str) -> dict:
    return {"name": "Some One", "email": email, "country": "PE", "kind": "individual"}
