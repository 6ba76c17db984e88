"""outbox.render: subject, text and HTML from an app's three templates, in the recipient's language."""

import pytest

import outbox


@pytest.fixture
def templates(tmp_path, settings):
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "hello_subject.txt").write_text("{% load i18n %}\n  {% translate 'Sign' %}  {{ name }}\n")
    (folder / "hello.txt").write_text("Hi {{ name }}")
    (folder / "hello.html").write_text("<p>Hi {{ name }}</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]


def test_it_renders_the_three_parts_with_a_one_line_subject(templates):
    email = outbox.render("demo/hello", {"name": "Ana"}, "en")

    assert email.subject == "Sign Ana"
    assert email.text == "Hi Ana"
    assert email.html == "<p>Hi Ana</p>"


def test_it_renders_in_the_language_given(templates):
    email = outbox.render("demo/hello", {"name": "Ana"}, "es")

    assert email.subject == "Firmar Ana"
