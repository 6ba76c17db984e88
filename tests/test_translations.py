"""What statements, events and campaigns share in another language (campaign.translations)."""

import pytest
from django.db import IntegrityError, transaction

from campaigns.models import Campaign, CampaignTranslation
from campaigns.translations import localise_campaign
from events.models import Event, EventTranslation
from events.translations import localise_event
from petitions.models import Statement, StatementTranslation
from petitions.translations import localise
from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(campaign):
    event = EventFactory(campaign=campaign, slug="rally", title="Emergency online rally")
    EventTranslation.objects.create(event=event, language="es", title="Mitin urgente", description="En línea")
    return event


@pytest.fixture
def statement_in_spanish(statement):
    StatementTranslation.objects.create(statement=statement, language="es", title="Democracia", body="Hoy")
    return statement


def test_a_localised_event_is_never_saved(event):
    shown = localise_event(Event.objects.get(pk=event.pk), "es")

    with pytest.raises(ValueError, match="event shown in a visitor's language cannot be saved"):
        shown.save()
    assert Event.objects.get(pk=event.pk).title == "Emergency online rally"


def test_a_regional_language_reads_its_base_languages_translation(statement_in_spanish):
    shown = localise(Statement.objects.get(pk=statement_in_spanish.pk), "es-PE")

    assert (shown.title, shown.shown_language) == ("Democracia", "es")
    assert "<p>Hoy</p>" in shown.body_html


def test_an_instance_stays_in_the_first_language_it_was_shown_in(statement_in_spanish):
    shown = localise(localise(Statement.objects.get(pk=statement_in_spanish.pk), "es"), "en")

    assert shown.title == "Democracia"


def test_without_a_translation_the_original_stays_and_may_be_saved(event):
    shown = localise_event(Event.objects.get(pk=event.pk), "en")
    shown.capacity = 20
    shown.save()

    assert not hasattr(shown, "shown_language")
    assert Event.objects.get(pk=event.pk).capacity == 20


def test_a_translation_names_its_object_and_language(event, statement_in_spanish):
    assert str(event.translations.get()) == "Emergency online rally (es)"
    assert str(statement_in_spanish.translations.get()) == f"{statement_in_spanish.title} (es)"


def test_the_database_keeps_one_translation_per_language(event, statement_in_spanish):
    with pytest.raises(IntegrityError), transaction.atomic():
        EventTranslation.objects.create(event=event, language="es", title="Otro")
    with pytest.raises(IntegrityError), transaction.atomic():
        StatementTranslation.objects.create(
            statement=statement_in_spanish, language="es", title="Otra", body="."
        )


def test_a_campaign_reads_in_spanish_and_is_never_saved_so(campaign):
    CampaignTranslation.objects.create(campaign=campaign, language="es", title="Solidaridad con el Perú")
    shown = localise_campaign(Campaign.objects.get(pk=campaign.pk), "es")

    assert (shown.title, str(campaign.translations.get())) == ("Solidaridad con el Perú", f"{campaign} (es)")
    with pytest.raises(ValueError, match="campaign shown in a visitor's language cannot be saved"):
        shown.save()
