"""Abuse checks at signing: what gets held for review, and what the signer sees (the same page)."""

import re

import pytest
from django.core import mail

from petitions.models import Signature
from safety import abuse
from safety.models import BlockRule

pytestmark = pytest.mark.django_db


def block(kind, value):
    return BlockRule.objects.create(kind=kind, value=value)


def test_it_holds_a_blocked_email_but_still_mails_its_owner_and_counts_nothing(sign, statement):
    block("email", "spam@example.org")

    response = sign(email="Spam@Example.org")

    assert response.status_code == 303
    assert response["Location"] == "/c/peru/statement/check-your-email/"
    signature = Signature.objects.get()
    assert signature.status == Signature.Status.HELD
    assert signature.hold_reason == abuse.HOLD_BLOCKED_EMAIL
    # The page says an email was sent: it was. Confirming it does not count it (see test_totals).
    assert [m.to for m in mail.outbox] == [["Spam@Example.org"]]
    statement.refresh_from_db()
    assert statement.signature_count == 0


@pytest.mark.parametrize(
    ("rule", "email", "held"),
    [
        ("example.net", "a@example.net", True),
        ("example.net", "a@mail.example.net", False),
        ("*.example.net", "a@mail.example.net", True),
        ("*.example.net", "a@deep.mail.example.net", True),
        ("*.example.net", "a@example.net", True),
        ("*.example.net", "a@notexample.net", False),
        ("*.example.net", "a@example.net.evil.org", False),
    ],
)
def test_it_matches_domains_and_wildcards(sign, rule, email, held):
    block("domain", rule)

    sign(email=email)

    assert (Signature.objects.get().status == Signature.Status.HELD) is held


@pytest.mark.parametrize(
    ("rule", "ip", "held"),
    [
        ("198.51.100.0/24", "198.51.100.77", True),
        ("198.51.100.0/24", "198.51.101.1", False),
        ("198.51.100.7", "198.51.100.7", True),
        ("2001:db8::/32", "2001:db8:1::5", True),
        ("2001:db8::/32", "2001:db9::5", False),
        ("198.51.100.0/24", "::ffff:198.51.100.3", True),
    ],
)
def test_it_matches_ip_ranges(sign, rule, ip, held):
    block("ip", rule)

    sign(ip=ip)

    assert (Signature.objects.get().status == Signature.Status.HELD) is held


def test_it_ignores_a_forwarded_for_header_without_trusted_proxies(client, statement, settings):
    block("ip", "198.51.100.0/24")
    settings.TRUSTED_PROXY_COUNT = 0

    # A blocked client claims to be someone else; another client claims to be the blocked range.
    client.post(
        "/c/peru/statement/",
        {**_data("a@example.org")},
        REMOTE_ADDR="198.51.100.9",
        HTTP_X_FORWARDED_FOR="203.0.113.50",
    )
    client.post(
        "/c/peru/statement/",
        {**_data("b@example.org")},
        REMOTE_ADDR="203.0.113.60",
        HTTP_X_FORWARDED_FOR="198.51.100.9",
    )

    assert Signature.objects.get(email="a@example.org").status == Signature.Status.HELD
    assert Signature.objects.get(email="b@example.org").status == Signature.Status.PENDING


def test_it_reads_the_client_from_the_trusted_proxys_entry_only(client, statement, settings):
    block("ip", "198.51.100.0/24")
    settings.TRUSTED_PROXY_COUNT = 1

    # Behind one proxy: the client spoofs a leading entry; the proxy appends the real address.
    client.post(
        "/c/peru/statement/",
        _data("a@example.org"),
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.1, 198.51.100.9",
    )
    client.post(
        "/c/peru/statement/",
        _data("b@example.org"),
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.9, 203.0.113.1",
    )

    assert Signature.objects.get(email="a@example.org").status == Signature.Status.HELD
    assert Signature.objects.get(email="b@example.org").status == Signature.Status.PENDING


@pytest.mark.parametrize(
    ("proxies", "header", "expected"),
    [
        (0, "1.1.1.1", "10.0.0.2"),
        (1, "", "10.0.0.2"),
        (1, "1.1.1.1, 2.2.2.2", "2.2.2.2"),
        (2, "1.1.1.1, 2.2.2.2, 3.3.3.3", "2.2.2.2"),
        (2, "3.3.3.3", "3.3.3.3"),
        (1, "not-an-ip", "10.0.0.2"),
    ],
)
def test_it_computes_the_client_ip(settings, proxies, header, expected):
    settings.TRUSTED_PROXY_COUNT = proxies

    assert abuse.client_ip({"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": header}) == expected


def test_it_never_stores_the_ip_itself(sign):
    sign(ip="198.51.100.9")

    signature = Signature.objects.get()
    assert "198.51.100" not in str(Signature.objects.values().get())
    assert len(signature.ip_hash) == 64


def test_it_rejects_a_disposable_domain_next_to_the_email_field(client, statement):
    response = client.post("/c/peru/statement/", _data("someone@mailinator.com"))

    assert response.status_code == 400
    assert "disposable" in str(response.context["form"].errors["email"])
    assert 'id="id_email_error"' in response.content.decode()
    assert Signature.objects.count() == 0


def test_it_rejects_a_subdomain_of_a_disposable_domain(client, statement):
    response = client.post("/c/peru/statement/", _data("someone@eu.mailinator.com"))

    assert response.status_code == 400


def test_it_accepts_ordinary_domains():
    assert not abuse.is_disposable("ana@example.org")
    assert not abuse.is_disposable("ana@gmail.com")
    assert abuse.is_disposable("ana@Mailinator.COM")


def test_it_mails_a_form_sent_back_at_once_and_keeps_its_fill_time_for_moderators(
    client, statement, settings, django_capture_on_commit_callbacks
):
    settings.SIGNING_MIN_FILL_SECONDS = 3
    page = client.get("/c/peru/statement/")
    started = re.search(r'name="started" value="([^"]+)"', page.content.decode()).group(1)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/c/peru/statement/", {**_data("a@example.org"), "started": started})

    assert response.status_code == 303
    signature = Signature.objects.get()
    assert signature.status == Signature.Status.PENDING
    assert signature.hold_reason == ""
    assert signature.fill_ms is not None and abuse.is_quick(signature.fill_ms)
    assert [m.to for m in mail.outbox] == [["a@example.org"]]


def test_it_accepts_a_form_filled_at_human_speed(
    client, statement, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.SIGNING_MIN_FILL_SECONDS = 3
    real_time = abuse.time.time
    monkeypatch.setattr(abuse.time, "time", lambda: real_time() - 10)
    started = abuse.form_started_token()
    monkeypatch.setattr(abuse.time, "time", real_time)

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/c/peru/statement/", {**_data("a@example.org"), "started": started})

    assert Signature.objects.get().status == Signature.Status.PENDING
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("started", [None, "", "forged", "1700000000000"])
def test_it_holds_a_form_without_a_valid_start_time(client, statement, settings, started):
    settings.SIGNING_MIN_FILL_SECONDS = 3

    client.post("/c/peru/statement/", _data("a@example.org", started=started))

    signature = Signature.objects.get()
    assert signature.status == Signature.Status.HELD
    assert signature.hold_reason == abuse.HOLD_NO_FORM_TIME


def test_it_renders_the_start_time_in_the_form(client, statement):
    page = client.get("/c/peru/statement/")

    assert 'name="started"' in page.content.decode()


def test_it_mails_the_owner_when_they_sign_again_after_a_held_submission(sign, statement):
    # Someone signs in the owner's name from a blocked address range: held.
    block("ip", "198.51.100.0/24")
    sign(email="ana@example.org", ip="198.51.100.7", show_publicly="on", consent_contact="on")

    # The owner signs from home, choosing neither: their own email comes, with their own choices.
    response = sign(email="ana@example.org", ip="203.0.113.9")

    assert response.status_code == 303
    assert len(mail.outbox) == 2
    own = mail.outbox[1].body
    assert "your name is not listed publicly" in own
    assert "will not contact you" in own


def _data(email, **extra):
    data = {"name": "Ana Torres", "email": email, "country": "PE", "kind": "individual"}
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}
