"""English and Spanish: public pages carry their language in the URL (/es/…, English without a
prefix), the visitor can change it and stay on the page, and signers' emails follow the language
they signed in. Statements can carry their text in several languages."""

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


def test_the_spanish_url_gives_the_page_in_spanish_whatever_the_browser(client, statement):
    response = client.get("/es" + statement.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en-GB")

    html = response.content.decode()
    assert '<html lang="es">' in html
    assert "Firmar" in html
    assert "Your name" not in html


def test_the_unprefixed_url_is_english_even_for_a_spanish_browser(client, statement):
    client.cookies["django_language"] = "es"

    html = client.get(statement.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="es").content.decode()

    assert '<html lang="en">' in html
    assert "Your name" in html


def test_links_on_a_spanish_page_stay_in_spanish(client, statement):
    with translation.override("es"):
        assert statement.get_absolute_url() == "/es/c/peru/statement/"

    html = client.get("/es/c/peru/statement/").content.decode()

    assert 'action="/es/c/peru/statement/"' in html
    assert 'href="/es/c/peru/"' in html


def test_the_page_names_its_other_language_with_hreflang(client, statement, settings):
    html = client.get("/es/c/peru/statement/").content.decode()

    assert f'<link rel="alternate" hreflang="en" href="{settings.SITE_URL}/c/peru/statement/">' in html
    assert f'<link rel="alternate" hreflang="es" href="{settings.SITE_URL}/es/c/peru/statement/">' in html
    assert f'<link rel="alternate" hreflang="x-default" href="{settings.SITE_URL}/c/peru/statement/">' in html


def test_the_language_switch_links_to_the_same_page_keeping_its_query(client, statement):
    html = client.get("/c/peru/statement/signatories/?q=Rosa").content.decode()

    assert 'href="/es/c/peru/statement/signatories/?q=Rosa" hreflang="es"' in html
    assert 'href="/c/peru/statement/signatories/?q=Rosa" hreflang="en"' in html


def test_the_dashboard_follows_the_language_cookie(client, statement):
    client.cookies["django_language"] = "es"

    html = client.get("/accounts/login/").content.decode()

    assert '<html lang="es">' in html
    assert 'name="next"' in html  # the switch there is the cookie form


def test_the_cookie_switch_takes_a_public_page_to_its_spanish_url(client, statement):
    response = client.post("/i18n/setlang/", {"language": "es", "next": statement.get_absolute_url()})

    assert response.status_code == 302
    assert response["Location"] == "/es/c/peru/statement/"


def test_signing_in_spanish_sends_the_confirmation_in_spanish(
    client, statement, django_capture_on_commit_callbacks
):
    data = {"name": "Rosa", "email": "rosa@example.pe", "country": "PE", "kind": "individual"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/es" + statement.get_absolute_url(), data)

    assert response.status_code == 303
    assert response["Location"] == "/es/c/peru/statement/check-your-email/"
    (message,) = mail.outbox
    assert "Estimada" in message.body or "Hola" in message.body
    assert message.subject.startswith("Confirme su firma")
    assert "/es/withdraw/" in message.body
    assert "/es/confirm/" in message.body


def test_the_signers_language_wins_over_the_language_of_whoever_sends(statement):
    signature = SignatureFactory(statement=statement, language="es")

    with translation.override("en"):
        message = signature_message(signature)

    assert "Please confirm" not in message.text
    with translation.override("es"):
        english = signature_message(SignatureFactory(statement=statement, language="en"))
    assert "Please confirm" in english.text


def test_a_spanish_visitor_reads_the_statement_in_spanish_with_the_same_total(client, translated):
    ConfirmedSignatureFactory(statement=translated)
    services.tally(translated.pk)

    spanish = client.get("/es/c/peru/statement/").content.decode()
    english = client.get("/c/peru/statement/").content.decode()
    count = client.get("/es/c/peru/statement/count.json").json()

    assert "Democracia para el Perú" in spanish and "<strong>firmantes</strong>" in spanish
    assert "Democracy for Peru" in english and "firmantes" not in english
    assert count["signature_count"] == 1
    assert count["title"] == "Democracia para el Perú"


def test_a_spanish_signer_gets_the_statement_title_in_spanish_by_email(translated):
    message = signature_message(SignatureFactory(statement=translated, language="es"))

    assert "Democracia para el Perú" in message.text


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

    html = client.get("/es/c/democracy-now/solidarity-statement/").content.decode()

    assert "Alto a la represión: democracia ya" in html
    assert "Exigimos:" in html


# --- Campaign and event texts ----------------------------------------------------------------------


@pytest.fixture
def campaign_in_spanish(statement):
    from campaigns.models import CampaignTranslation

    CampaignTranslation.objects.create(
        campaign=statement.campaign, language="es", title="Solidaridad con el Perú", summary="Firme y done."
    )
    return statement.campaign


def test_the_campaign_page_reads_in_spanish_at_its_spanish_url(client, campaign_in_spanish):
    spanish = client.get("/es/c/peru/").content.decode()
    english = client.get("/c/peru/").content.decode()

    assert "<h1>Solidaridad con el Perú</h1>" in spanish and "Firme y done." in spanish
    assert "<h1>Solidarity with Peru</h1>" in english and "Solidaridad" not in english


def test_the_statement_page_names_its_campaign_in_spanish(client, campaign_in_spanish):
    html = client.get("/es/c/peru/statement/").content.decode()

    assert 'href="/es/c/peru/">Solidaridad con el Perú</a>' in html


def test_the_event_reads_in_spanish_with_the_same_places(client, campaign_in_spanish):
    from events.models import EventTranslation
    from tests.events.factories import EventFactory

    event = EventFactory(campaign=campaign_in_spanish, slug="rally", capacity=10, places_taken=4)
    EventTranslation.objects.create(
        event=event, language="es", title="Mitin urgente", description="En **línea**."
    )

    spanish = client.get("/es/c/peru/events/rally/").content.decode()
    english = client.get("/c/peru/events/rally/").content.decode()
    listing = client.get("/es/c/peru/").content.decode()

    assert "Mitin urgente" in spanish and "<strong>línea</strong>" in spanish
    assert "Emergency online rally" in english and "Mitin" not in english
    assert "Mitin urgente" in listing
    assert "6" in spanish.split("Mitin urgente", 2)[-1]  # places left: one count for both languages


def test_a_localised_campaign_or_event_is_never_saved(campaign_in_spanish):
    from campaigns.translations import localise_campaign

    shown = localise_campaign(campaign_in_spanish, "es")

    with pytest.raises(ValueError):
        shown.save()
