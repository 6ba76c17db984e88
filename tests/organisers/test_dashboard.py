"""The dashboard: totals per statement, per-statement figures, and writing statements."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from outbox.models import OutboxMessage
from petitions.models import Signature, Statement
from tests.factories import ConfirmedSignatureFactory, SignatureFactory, StatementFactory


def test_it_shows_each_statement_with_its_totals(as_alice, statement):
    ConfirmedSignatureFactory.create_batch(3, statement=statement)
    ConfirmedSignatureFactory(statement=statement, created_at=timezone.now() - timedelta(days=3))
    SignatureFactory.create_batch(2, statement=statement)
    ConfirmedSignatureFactory(statement=statement, show_publicly=True, listing=Signature.Listing.PENDING)

    response = as_alice.get("/dashboard/")

    assert response.status_code == 200
    row = next(s for s in response.context["campaigns"][0][1] if s.pk == statement.pk)
    assert (row.confirmed, row.pending, row.listings_pending, row.today) == (5, 2, 1, 6)
    assert b"Democracy for Peru" in response.content


def test_it_marks_statements_awaiting_approval(as_bob, campaign):
    StatementFactory(campaign=campaign, title="Unapproved words", approved_at=None)

    response = as_bob.get(reverse("organisers:campaign", args=[campaign.slug]))

    assert b"Awaiting approval" in response.content


def test_it_shows_figures_by_day_country_and_kind(as_bob, campaign, statement):
    ConfirmedSignatureFactory.create_batch(2, statement=statement, country="PE")
    ConfirmedSignatureFactory(
        statement=statement, country="ES", created_at=timezone.now() - timedelta(days=2)
    )
    ConfirmedSignatureFactory(
        statement=statement, country="PE", kind=Signature.Kind.ORGANISATION, organisation="CGTP"
    )

    response = as_bob.get(reverse("organisers:statement", args=[campaign.slug, statement.slug]))

    assert response.status_code == 200
    assert response.context["by_country"] == [("Peru", 3), ("Spain", 1)]
    assert (response.context["individuals"], response.context["organisations"]) == (3, 1)
    bars = response.context["chart"]["bars"]
    assert len(bars) == 30
    assert [bar["n"] for bar in bars[-3:]] == [1, 0, 3]
    assert bars[-1]["height"] == response.context["chart"]["height"]
    html = response.content.decode()
    assert "<svg" in html and "<rect" in html
    # No inline style or script in our pages (the CSP forbids them); the embed code shown for
    # copying to other sites is text in a textarea, escaped.
    assert not re.search(r"<[a-z][^>]*\sstyle=", html) and "<script>" not in html


def test_it_shows_mail_not_sent_because_the_address_bounced_or_complained(as_bob, campaign, statement):
    from outbox.models import OutboxMessage
    from outbox.suppression import SUPPRESSED

    for status, error in [("sent", ""), ("sent", ""), ("dropped", SUPPRESSED + "bounce"), ("dropped", "")]:
        OutboxMessage.objects.create(
            kind="tests.note", to="x@example.org", statement_id=statement.pk, status=status, last_error=error
        )

    response = as_bob.get(reverse("organisers:statement", args=[campaign.slug, statement.slug]))

    html = re.sub(r"\s+", " ", response.content.decode())
    assert "<dt>Emails sent</dt><dd>2</dd>" in html
    assert "<dt>Not sent: address bounced or complained</dt><dd>1</dd>" in html


def test_it_lists_the_latest_signatures(as_bob, campaign, statement):
    ConfirmedSignatureFactory(statement=statement, name="Rosa Luxemburg")

    response = as_bob.get(reverse("organisers:statement", args=[campaign.slug, statement.slug]))

    assert b"Rosa Luxemburg" in response.content


def _statement_data(**overrides):
    return {
        "title": "Free the detained",
        "body": "We call for **their release**.\n\n<script>alert(1)</script>",
        "target": "2000",
        "closes_at": "2030-01-31T18:00",
        "status": "open",
        "ask_organisation": "on",
        "action": "save",
        **overrides,
    }


def test_it_creates_a_statement_that_awaits_approval(as_bob, client, campaign):
    response = as_bob.post(reverse("organisers:statement_create", args=[campaign.slug]), _statement_data())

    statement = Statement.objects.get(title="Free the detained")
    assert response.status_code == 303
    assert response["Location"] == reverse("organisers:statement", args=[campaign.slug, "free-the-detained"])
    assert statement.campaign == campaign
    assert statement.approved_at is None
    assert statement.target == 2000
    assert statement.closes_at.isoformat() == "2030-01-31T18:00:00+00:00"
    assert statement.ask_organisation and not statement.ask_location
    assert "<strong>their release</strong>" in statement.body_html and "<script>" not in statement.body_html
    assert not Statement.objects.public().filter(pk=statement.pk).exists()
    client.logout()
    assert client.get(f"/c/{campaign.slug}/free-the-detained/").status_code == 404


def test_it_publishes_at_once_a_statement_written_by_staff(client, campaign, bob):
    bob.is_staff = True
    bob.save()
    client.force_login(bob)

    client.post(reverse("organisers:statement_create", args=[campaign.slug]), _statement_data())

    assert Statement.objects.public().filter(title="Free the detained").exists()


def test_it_publishes_at_once_when_approval_is_turned_off(as_bob, campaign, settings):
    settings.ORGANISER_CONTENT_NEEDS_APPROVAL = False

    as_bob.post(reverse("organisers:statement_create", args=[campaign.slug]), _statement_data())

    assert Statement.objects.public().filter(title="Free the detained").exists()


def test_it_gives_a_new_statement_a_free_slug(as_bob, campaign):
    StatementFactory(campaign=campaign, slug="free-the-detained")

    as_bob.post(reverse("organisers:statement_create", args=[campaign.slug]), _statement_data())

    assert Statement.objects.filter(campaign=campaign, slug="free-the-detained-2").exists()


def test_it_previews_without_saving(as_bob, campaign):
    response = as_bob.post(
        reverse("organisers:statement_create", args=[campaign.slug]), _statement_data(action="preview")
    )

    assert response.status_code == 200
    assert "<strong>their release</strong>" in response.content.decode()
    assert "<script>alert" not in response.content.decode()
    assert not Statement.objects.filter(title="Free the detained").exists()


def test_it_shows_errors_next_to_fields(as_bob, campaign):
    response = as_bob.post(
        reverse("organisers:statement_create", args=[campaign.slug]),
        _statement_data(title="", target="many", closes_at="soon", status="published"),
    )

    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"title", "target", "closes_at", "status"}
    assert not Statement.objects.filter(body__startswith="We call").exists()


def test_it_edits_and_closes_a_statement(as_bob, campaign, statement, settings):
    settings.ORGANISER_CONTENT_NEEDS_APPROVAL = False  # what review changes: tests/moderation
    url = reverse("organisers:statement_edit", args=[campaign.slug, statement.slug])

    response = as_bob.post(url, _statement_data(title="New title", status="closed", target=""))

    assert response.status_code == 303
    statement.refresh_from_db()
    assert (statement.title, statement.status, statement.target) == ("New title", "closed", None)
    assert statement.slug == "statement"
    assert statement.approved_at is not None


def test_it_hides_unapproved_statements_from_the_public_site(client, campaign, statement):
    statement.approved_at = None
    statement.save()

    assert client.get(statement.get_absolute_url()).status_code == 404
    assert not Statement.objects.public().exists()


def test_a_statement_titled_like_a_page_of_the_site_gets_a_slug_of_its_own(
    as_bob, client, campaign, settings
):
    settings.ORGANISER_CONTENT_NEEDS_APPROVAL = False

    as_bob.post(reverse("organisers:statement_create", args=[campaign.slug]), _statement_data(title="Events"))

    statement = Statement.objects.get(title="Events")
    assert statement.slug == "events-2"
    for page in ("", "check-your-email/", "signatories/"):
        assert client.get(f"/c/{campaign.slug}/events-2/{page}").status_code == 200, page


def test_it_shows_each_statements_mail_due_sent_failed_and_oldest_unsent(as_bob, campaign, statement):
    now = timezone.now()
    for status, due_at in [
        ("pending", now - timedelta(minutes=7)),  # due for seven minutes: the oldest unsent
        ("pending", now - timedelta(seconds=5)),
        ("pending", now + timedelta(minutes=5)),  # a retry, not due yet
        ("sent", now),
        ("sent", now),
        ("failed", now),
    ]:
        OutboxMessage.objects.create(
            kind="petitions.signature",
            to="x@example.org",
            statement_id=statement.pk,
            status=status,
            due_at=due_at,
        )
    OutboxMessage.objects.create(
        kind="petitions.signature", to="y@example.org", statement_id=statement.pk + 999
    )

    page = as_bob.get(reverse("organisers:campaign", args=[campaign.slug]))
    detail = as_bob.get(reverse("organisers:statement", args=[campaign.slug, statement.slug]))

    (row,) = [s for s in page.context["statements"] if s.pk == statement.pk]
    assert (row.mail["due"], row.mail["sent"], row.mail["failed"]) == (2, 2, 1)
    assert row.mail["oldest_unsent_at"] == now - timedelta(minutes=7)
    shown = r'<td class="num">2</td>\s*<td class="num">2</td>\s*<td class="num"><strong>1</strong></td>\s*'
    shown += r'<td class="num">7\xa0minutes ago</td>'
    for response in (page, detail):
        assert re.search(shown, response.content.decode())
