from datetime import timedelta

from django.utils import timezone

from petitions.models import Statement
from tests.factories import CampaignFactory, ConfirmedSignatureFactory, StatementFactory


def test_it_lists_campaigns_with_open_statements_on_home(client, statement):
    hidden = CampaignFactory(title="Only drafts here")
    StatementFactory(campaign=hidden, status=Statement.Status.DRAFT)

    response = client.get("/")

    assert response.status_code == 200
    assert b"Solidarity with Peru" in response.content
    assert b"Only drafts here" not in response.content


def test_it_shows_the_campaign_with_its_public_statements(client, statement):
    StatementFactory(campaign=statement.campaign, title="Secret draft", status=Statement.Status.DRAFT)

    response = client.get("/c/peru/")

    assert response.status_code == 200
    assert b"Democracy for Peru" in response.content
    assert b"Secret draft" not in response.content


def test_it_renders_the_statement_with_count_progress_and_form(client, statement):
    statement.signature_count = 250
    statement.save()

    response = client.get("/c/peru/statement/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>stand in solidarity</strong>" in html
    assert "250" in html
    assert 'value="25"' in html  # progress: 250 of 1000
    assert 'name="email"' in html
    assert 'name="csrfmiddlewaretoken"' not in html  # the same page for everyone: see test_shared_page.py


def test_it_hides_draft_statements(client, statement):
    statement.status = Statement.Status.DRAFT
    statement.save()

    assert client.get("/c/peru/statement/").status_code == 404
    assert client.get("/c/peru/statement/count.json").status_code == 404
    assert client.get("/c/peru/").status_code == 404


def test_it_shows_a_closed_statement_with_final_total_and_no_form(client, statement):
    statement.status = Statement.Status.CLOSED
    statement.signature_count = 1234
    statement.save()

    response = client.get("/c/peru/statement/")

    assert response.status_code == 200
    assert b"This statement is closed" in response.content
    assert b"1234" in response.content
    assert b'name="email"' not in response.content


def test_it_treats_a_statement_past_its_closing_date_as_closed(client, statement):
    statement.closes_at = timezone.now() - timedelta(minutes=1)
    statement.save()

    response = client.get("/c/peru/statement/")

    assert b"This statement is closed" in response.content
    assert client.get("/c/peru/statement/count.json").json()["status"] == "closed"


def test_count_json_reports_the_tallied_total_with_cors_and_short_caching(client, statement):
    ConfirmedSignatureFactory(statement=statement)  # confirmed but not tallied yet
    statement.signature_count = 41
    statement.save()

    response = client.get("/c/peru/statement/count.json")

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "max-age=5" in response["Cache-Control"]
    data = response.json()
    assert data["signature_count"] == 41
    assert data["target"] == 1000
    assert data["status"] == "open"
    assert "email" not in response.content.decode()


def test_it_sanitises_script_in_statement_bodies(client, statement):
    statement.body = (
        'Hello <script>alert(1)</script> <a href="javascript:alert(2)">x</a> <img src=x onerror=alert(3)>'
    )
    statement.save()

    html = client.get("/c/peru/statement/").content.decode()

    assert "<script>alert(1)" not in html
    assert 'href="javascript:' not in html
    assert "<img src=x onerror" not in html


def test_pages_send_a_content_security_policy_without_unsafe_inline(client, statement):
    response = client.get("/c/peru/statement/")

    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp


def test_the_progress_bar_shows_from_the_first_signature(client, statement):
    from petitions.models import Statement

    Statement.objects.filter(pk=statement.pk).update(target=5000, signature_count=5)

    html = client.get("/c/peru/statement/").content.decode()

    assert '<progress max="100" value="2"' in html


def test_the_progress_bar_is_empty_only_at_zero_and_never_full_before_the_target(statement):
    from petitions.models import visible_percent

    assert [visible_percent(n, 5000) for n in (0, 1, 5, 100, 2500, 4999, 5000, 9000)] == [
        0,
        2,
        2,
        2,
        50,
        99,
        100,
        100,
    ]
