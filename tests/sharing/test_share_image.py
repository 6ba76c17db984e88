import io

import pytest
from PIL import Image

from petitions.models import Statement
from sharing import images
from tests.factories import StatementFactory

pytestmark = pytest.mark.django_db

URL = "/c/peru/statement/share.png"


def _set_total(statement, count):
    Statement.objects.filter(pk=statement.pk).update(signature_count=count)


def test_it_serves_a_png_card_with_caching_headers(client, statement):
    response = client.get(URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "public" in response["Cache-Control"]
    assert "max-age=600" in response["Cache-Control"]
    assert response["ETag"]
    assert Image.open(io.BytesIO(response.content)).size == (1200, 630)


def test_it_answers_304_to_a_fresh_etag(client, statement):
    etag = client.get(URL)["ETag"]

    response = client.get(URL, headers={"if-none-match": etag})

    assert response.status_code == 304


def test_it_draws_the_image_once_per_total_bucket(client, statement, monkeypatch):
    drawn = []
    real = images.draw_card
    monkeypatch.setattr(images, "draw_card", lambda *args: drawn.append(args) or real(*args))
    _set_total(statement, 3526)
    client.get(URL)

    _set_total(statement, 3540)  # still "3,500+"
    client.get(URL)

    assert len(drawn) == 1
    assert drawn[0][2] == "3,500+ signatures"


def test_it_is_drawn_again_when_the_total_grows_past_its_bucket(client, statement):
    _set_total(statement, 3526)
    first = client.get(URL)

    _set_total(statement, 3600)
    second = client.get(URL)

    assert first["ETag"] != second["ETag"]
    assert first.content != second.content


def test_it_is_drawn_again_when_the_title_changes(client, statement):
    first = client.get(URL)

    statement.title = "A new title"
    statement.save()
    second = client.get(URL)

    assert first.content != second.content


def test_buckets_keep_two_significant_figures():
    assert [images.bucket(n) for n in (0, 7, 99, 100, 3526, 14474, 123456)] == [
        0,
        7,
        99,
        100,
        3500,
        14000,
        120000,
    ]


def test_small_totals_are_exact(client, statement):
    _set_total(statement, 1)
    assert images._signatures_text(1) == "1 signature"
    assert images._signatures_text(42) == "42 signatures"


def test_a_draft_statement_has_no_image(client, campaign):
    StatementFactory(campaign=campaign, slug="draft", status=Statement.Status.DRAFT)

    assert client.get("/c/peru/draft/share.png").status_code == 404


def test_the_campaign_image_is_served(client, campaign, statement):
    response = client.get("/c/peru/share.png")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
