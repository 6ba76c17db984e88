"""The statement a signing POST is for, kept for a couple of seconds; saving a change drops it."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from petitions.models import Signature, Statement
from tests.petitions.test_sign import URL, form_data


@pytest.fixture
def kept(settings):
    # Copies kept in Redis outlive each test's rolled-back database: start and end without any.
    settings.STATEMENT_PAGE_FRESH_SECONDS = 30
    cache.clear()
    yield
    cache.clear()


def statement_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if 'FROM "petitions_statement"' in q["sql"]]


def test_it_signs_the_second_time_without_looking_the_statement_up(client, statement, kept):
    client.post(URL, form_data(email="one@example.org"))

    with CaptureQueriesContext(connection) as queries:
        response = client.post(URL, form_data(email="two@example.org"))

    assert response.status_code == 303
    assert statement_queries(queries) == []
    assert Signature.objects.filter(statement=statement).count() == 2


def test_it_refuses_signatures_at_once_when_the_statement_is_closed(
    client, statement, kept, django_capture_on_commit_callbacks
):
    client.post(URL, form_data(email="one@example.org"))
    statement.status = Statement.Status.CLOSED
    with django_capture_on_commit_callbacks(execute=True):
        statement.save()

    response = client.post(URL, form_data(email="two@example.org"))

    assert response.status_code == 400
    assert Signature.objects.count() == 1


def test_it_uses_a_campaign_edit_at_once(client, statement, kept, django_capture_on_commit_callbacks):
    client.post(URL, form_data(email="one@example.org", consent_contact="on"))
    campaign = statement.campaign
    campaign.title = "Renamed campaign"
    with django_capture_on_commit_callbacks(execute=True):
        campaign.save()

    client.post(URL, form_data(email="two@example.org", consent_contact="on"))

    assert "Renamed campaign" in Signature.objects.get(email="two@example.org").consent_text


def test_it_still_answers_404_for_an_unknown_statement(client, statement, kept):
    client.post(URL, form_data())

    assert client.post("/c/peru/no-such-statement/", form_data()).status_code == 404
