"""English and Spanish: the language comes from the browser, the visitor can change it, and signers'
emails follow the language they signed in. Statements can carry their text in several languages."""

import ast
import gettext
from pathlib import Path

import pytest
from django.core import mail
from django.utils import translation

from petitions import services
from petitions.emails import signature_message
from petitions.models import StatementTranslation
from tests.factories import ConfirmedSignatureFactory, SignatureFactory

LOCALE = Path(__file__).resolve().parents[1] / "locale" / "es" / "LC_MESSAGES"


@pytest.fixture
def translated(statement):
    StatementTranslation.objects.create(
        statement=statement, language="es", title="Democracia para el Perú", body="Nosotros, **firmantes**."
    )
    return statement


def test_a_spanish_browser_gets_the_page_in_spanish(client, statement):
    response = client.get(statement.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="es-PE,es;q=0.9,en;q=0.5")

    html = response.content.decode()
    assert '<html lang="es">' in html
    assert "Firmar" in html
    assert "Your name" not in html


def test_an_english_browser_gets_english(client, statement):
    html = client.get(statement.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en-GB").content.decode()

    assert '<html lang="en">' in html
    assert "Your name" in html


def test_the_language_switch_is_remembered(client, statement):
    response = client.post("/i18n/setlang/", {"language": "es", "next": statement.get_absolute_url()})
    assert response.status_code == 302

    html = client.get(statement.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en-GB").content.decode()

    assert '<html lang="es">' in html
    assert "Firmar" in html


def test_signing_in_spanish_sends_the_confirmation_in_spanish(
    client, statement, django_capture_on_commit_callbacks
):
    data = {"name": "Rosa", "email": "rosa@example.pe", "country": "PE", "kind": "individual"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(statement.get_absolute_url(), data, HTTP_ACCEPT_LANGUAGE="es")

    assert response.status_code == 303
    (message,) = mail.outbox
    assert "Estimada" in message.body or "Hola" in message.body
    assert message.subject.startswith("Confirme su firma")
    assert "/withdraw/" in message.body


def test_the_signers_language_wins_over_the_language_of_whoever_sends(statement):
    signature = SignatureFactory(statement=statement, language="es")

    with translation.override("en"):
        message = signature_message(signature)

    assert "Please confirm" not in message.body
    with translation.override("es"):
        english = signature_message(SignatureFactory(statement=statement, language="en"))
    assert "Please confirm" in english.body


def test_a_spanish_visitor_reads_the_statement_in_spanish_with_the_same_total(client, translated):
    ConfirmedSignatureFactory(statement=translated)
    services.tally(translated.pk)

    spanish = client.get(translated.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    english = client.get(translated.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    count = client.get(translated.get_absolute_url() + "count.json", HTTP_ACCEPT_LANGUAGE="es").json()

    assert "Democracia para el Perú" in spanish and "<strong>firmantes</strong>" in spanish
    assert "Democracy for Peru" in english and "firmantes" not in english
    assert count["signature_count"] == 1
    assert count["title"] == "Democracia para el Perú"


def test_a_spanish_signer_gets_the_statement_title_in_spanish_by_email(translated):
    message = signature_message(SignatureFactory(statement=translated, language="es"))

    assert "Democracia para el Perú" in message.body


def test_a_localised_statement_is_never_saved(translated):
    from petitions.translations import localise

    shown = localise(translated, "es")

    with pytest.raises(ValueError):
        shown.save()
    translated.refresh_from_db()
    assert translated.title == "Democracy for Peru"


# --- The catalogue --------------------------------------------------------------------------------


def _unquote(lines: list[str]) -> str:
    return "".join(ast.literal_eval(line.strip()) for line in lines)


def po_entries(path: Path) -> list[dict]:
    """The entries of a .po file (not the header): context, id, plural id, translations, fuzzy."""
    entries = []
    for block in path.read_text().split("\n\n"):
        fields: list[tuple[str, list[str]]] = []
        for line in block.splitlines():
            if line.startswith("msg"):
                key, rest = line.split(" ", 1)
                fields.append((key, [rest]))
            elif line.startswith('"') and fields:
                fields[-1][1].append(line)
        entry = {"msgctxt": None, "msgid": None, "msgid_plural": None, "msgstr": {}}
        entry["fuzzy"] = any(line.startswith("#,") and "fuzzy" in line for line in block.splitlines())
        for key, values in fields:
            if key.startswith("msgstr"):
                entry["msgstr"][int(key[7:-1]) if "[" in key else 0] = _unquote(values)
            else:
                entry[key] = _unquote(values)
        if entry["msgid"]:
            entries.append(entry)
    return entries


def test_every_message_has_a_spanish_translation():
    entries = po_entries(LOCALE / "django.po")

    assert len(entries) > 100
    missing = [e["msgid"] for e in entries if e["fuzzy"] or not all(e["msgstr"].values())]
    assert not missing, f"{len(missing)} messages without a Spanish translation, e.g. {missing[:5]}"


def test_the_compiled_catalogue_matches_the_po_file():
    """The committed .mo holds exactly the .po's translations, so nothing compiles at runtime."""
    with open(LOCALE / "django.mo", "rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)._catalog
    expected = {}
    for entry in po_entries(LOCALE / "django.po"):
        msgid = entry["msgid"] if entry["msgctxt"] is None else f"{entry['msgctxt']}\x04{entry['msgid']}"
        if entry["msgid_plural"] is None:
            expected[msgid] = entry["msgstr"][0]
        else:
            expected.update({(msgid, i): text for i, text in entry["msgstr"].items()})
    catalog = {key: value for key, value in catalog.items() if key != ""}

    assert catalog == expected


def test_the_demo_statement_reads_in_spanish(client, db):
    from io import StringIO

    from django.core.management import call_command

    call_command("demo", stdout=StringIO())

    html = client.get("/c/democracy-now/solidarity-statement/", HTTP_ACCEPT_LANGUAGE="es").content.decode()

    assert "Alto a la represión: democracia ya" in html
    assert "Exigimos:" in html
