"""The demo campaign's online rally, loaded by `manage.py demo`. Safe to run again."""

from datetime import datetime, timedelta

from django.utils import timezone

from campaigns.models import Campaign

from .models import Event, EventTranslation

DESCRIPTION = """\
An emergency online rally in solidarity with the people's protests for democracy.

Hear from trade unionists and human rights defenders who were there, and find out how you and your
union branch can help: sign the statement, pass a motion, and give to the fighting fund.

Spanish interpretation will be available.
"""

DESCRIPTION_ES = """\
Un mitin en línea de emergencia en solidaridad con las protestas populares por la democracia.

Escuche a sindicalistas y defensores de los derechos humanos que estuvieron allí, y descubra cómo
usted y su sección sindical pueden ayudar: firme la declaración, apruebe una moción y done al fondo
de lucha.

Habrá interpretación al español.
"""


def load_demo_event(campaign: Campaign) -> Event:
    """Create or refresh the demo online rally. Its date moves forward only once it is over."""
    event = Event.objects.filter(campaign=campaign, slug="emergency-online-rally").first()
    if event is None:
        event = Event(campaign=campaign, slug="emergency-online-rally")
    if event.pk is None or event.is_past:
        zone = "Europe/London"
        day = timezone.localtime(timezone.now(), timezone.get_fixed_timezone(0)).date() + timedelta(days=7)
        start = datetime(day.year, day.month, day.day, 19, 0)
        event.time_zone = zone
        event.starts_at = timezone.make_aware(start, event.tz)
        event.ends_at = event.starts_at + timedelta(hours=1, minutes=30)
        event.status = Event.Status.SCHEDULED
    event.title = "Emergency online rally: stop the repression"
    event.description = DESCRIPTION
    event.kind = Event.Kind.ONLINE
    event.join_url = "https://meet.example.org/democracy-now-rally"
    event.capacity = 500
    event.waitlist = True
    event.ask_organisation = True
    event.ask_accessibility = True
    event.save()
    EventTranslation.objects.update_or_create(
        event=event,
        language="es",
        defaults={
            "title": "Mitin en línea de emergencia: alto a la represión",
            "description": DESCRIPTION_ES,
        },
    )
    return event
