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


# --- The font: every character a title can hold is drawn, none as the missing-glyph box ---------

TITLES = {
    "en": "Solidarity with Peru — £3,526 raised for the people of Ayacucho",
    "es": "Firme la declaración — España y Perú: £3.526 recaudados por la niñez",
}


def _drawn(ch: str, font) -> bytes:
    from PIL import ImageDraw

    image = Image.new("L", (200, 200))
    ImageDraw.Draw(image).text((20, 20), ch, font=font, fill=255)
    return image.tobytes()


def _missing_glyphs(text: str, font) -> set[str]:
    # A character the font lacks is drawn as its .notdef box, the same as a private-use character.
    notdef = _drawn("\U0010fffd", font)
    return {ch for ch in set(text) if not ch.isspace() and _drawn(ch, font) == notdef}


def test_the_missing_glyph_check_catches_a_font_without_the_characters():
    from PIL import ImageFont

    assert _missing_glyphs("ó", ImageFont.load_default(size=40)) == {"ó"}


@pytest.mark.parametrize("language", ["en", "es"])
def test_it_has_a_glyph_for_every_character_of_english_and_spanish_titles(language, monkeypatch):
    drawn = []
    real = images.draw_card
    monkeypatch.setattr(images, "draw_card", lambda *args: drawn.append(args) or real(*args))
    statement = StatementFactory(title=TITLES[language], campaign__title="Perú — Ñuñoa, Asunción")

    png, _key = images.statement_image(statement)

    assert Image.open(io.BytesIO(png)).size == (1200, 630)
    texts = " ".join(drawn[0])
    assert {"—", "£", "ó", "ñ"} <= set(texts)
    for size, weight in [(36, 400), (54, 700), (54, 700), (30, 400)]:
        assert _missing_glyphs(texts, images.font(size, weight)) == set()


def test_it_draws_the_card_in_the_visitors_language(client, statement):
    from petitions.models import StatementTranslation

    StatementTranslation.objects.create(
        statement=statement, language="es", title="Firme la declaración", body="Texto"
    )
    english = client.get(URL)
    spanish = client.get("/es" + URL)

    assert english.content != spanish.content
    assert english["ETag"] != spanish["ETag"]


def test_a_long_title_is_wrapped_within_the_card_and_cut_after_a_word():
    from PIL import ImageDraw

    draw = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    font = images.font(54, 700)
    title = "Declaración de solidaridad con el pueblo peruano " * 6

    lines = images.wrap(draw, title, font, 1056, 4)

    assert len(lines) == 4
    assert all(draw.textlength(line, font=font) <= 1056 for line in lines)
    assert lines[-1].endswith("…")
    assert lines[-1][:-1].split()[-1] in title.split()  # whole words, not half of one
    assert " ".join(lines)[:-1].split() == title.split()[: len(" ".join(lines)[:-1].split())]


def test_a_single_word_longer_than_a_line_is_cut_to_fit():
    from PIL import ImageDraw

    draw = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    font = images.font(54, 700)

    lines = images.wrap(draw, "Anticonstitucionalmente" * 4, font, 600, 2)

    assert all(draw.textlength(line, font=font) <= 600 for line in lines)
    assert lines[0].endswith("…")
