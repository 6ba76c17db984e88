from datetime import timedelta

import factory
from django.utils import timezone

from events.models import Attendee, Event
from tests.factories import CampaignFactory


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    campaign = factory.SubFactory(CampaignFactory)
    slug = factory.Sequence(lambda n: f"event-{n}")
    title = "Emergency online rally"
    description = "Join us **online**."
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    time_zone = "Europe/London"
    kind = Event.Kind.ONLINE
    join_url = "https://meet.example.org/rally-secret-room"


class AttendeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendee

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Attendee {n}")
    email = factory.Sequence(lambda n: f"attendee{n}@example.org")
    email_normalized = factory.LazyAttribute(lambda o: o.email.strip().lower())
    status = Attendee.Status.CONFIRMED
    confirmed_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=7))
    created_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=7))
    mails_requested = 1


def mail_attendee(attendee):
    """Put the attendee's "your place" mail in the outbox, as signing up does, and run a sender."""
    from tests.factories import mail_through_outbox

    return mail_through_outbox("events.attendee", attendee.email, attendee.pk, coalesce=True)
