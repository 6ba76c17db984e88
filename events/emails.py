"""Emails to attendees: each is a subject, a text and an HTML template under events/email/."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from outbox import registry
from outbox import render as render_email
from petitions.emails import absolute

from . import calendar
from .models import Attendee, EventChange
from .tokens import make_confirm_token, make_manage_token

# The email with the link that turns a sign-up into a place (sent through the outbox).
CONFIRM_PLACE = "events.confirm_place"


def manage_url(attendee: Attendee) -> str:
    return absolute(reverse("events:attendee", args=[make_manage_token(attendee)]))


def _message(template: str, to: str, context: dict) -> EmailMultiAlternatives:
    subject = " ".join(render_to_string(f"events/email/{template}_subject.txt", context).split())
    text = render_to_string(f"events/email/{template}.txt", context)
    html = render_to_string(f"events/email/{template}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(html, "text/html")
    return message


def _context(attendee: Attendee) -> dict:
    event = attendee.event
    has_place = attendee.has_place
    url = manage_url(attendee)
    return {
        "attendee": attendee,
        "event": event,
        "campaign": event.campaign,
        "has_place": has_place,
        "when": calendar.when_text(event),
        "zone": calendar.zone_label(event),
        "place": event.place_text if event.is_in_person else "",
        # The join link only ever goes to people with a place.
        "join_url": event.join_url if has_place and event.is_online else "",
        "manage_url": url,
        "event_url": absolute(event.get_absolute_url()),
    }


def _with_calendar(template: str, attendee: Attendee, context: dict) -> EmailMultiAlternatives:
    # The Google link goes into the templates, so it is built before they are rendered.
    event = context["event"]
    details = context["manage_url"]
    if context["join_url"]:
        details = f"{context['join_url']}\n\n{details}"
    context["google_calendar_url"] = calendar.google_calendar_url(event, details=details)
    message = _message(template, attendee.email, context)
    # A place given up (or an event called off) takes the entry out, without the join link.
    gone = event.is_cancelled or attendee.status == Attendee.Status.CANCELLED
    method = calendar.CANCEL if gone else calendar.REQUEST
    invitation = calendar.invitation(
        event, attendee, method=method, description=details, url=context["manage_url"], attendee_view=not gone
    )
    message.attach(invitation)
    return message


def attendee_message(attendee: Attendee) -> EmailMultiAlternatives:
    """The email for the attendee's current status: a place (or a promotion to one), the waitlist,
    or a place given up (whose calendar entry it removes)."""
    with translation.override(attendee.language or settings.LANGUAGE_CODE):
        context = _context(attendee)
        if attendee.status == Attendee.Status.WAITLISTED:
            return _message("waitlisted", attendee.email, context)
        if attendee.status == Attendee.Status.CANCELLED:
            return _with_calendar("cancelled", attendee, context)
        context["promoted"] = attendee.promoted_at is not None
        return _with_calendar("confirmed", attendee, context)


def reminder_message(attendee: Attendee, offset_minutes: int) -> EmailMultiAlternatives:
    with translation.override(attendee.language or settings.LANGUAGE_CODE):
        context = _context(attendee)
        context["hours"] = offset_minutes // 60
        context["minutes"] = offset_minutes
        return _message("reminder", attendee.email, context)


def change_message(change: EventChange, attendee: Attendee) -> EmailMultiAlternatives:
    with translation.override(attendee.language or settings.LANGUAGE_CODE):
        context = _context(attendee)
        context["change"] = change
        context["previous_when"] = calendar.when_text(
            attendee.event, change.previous_starts_at, change.previous_ends_at, tz=change.previous_time_zone
        )
        if not attendee.has_place:
            return _message("changed", attendee.email, context)
        # Calendars update (or, for a cancellation, remove) the entry they already have.
        return _with_calendar("changed", attendee, context)


@registry.builder(CONFIRM_PLACE)
def confirm_place_message(message):
    """The link to confirm a sign-up, stating what the click does; None once it decides nothing."""
    attendee = Attendee.objects.select_related("event__campaign").filter(pk=message.ref).first()
    if (
        attendee is None
        or attendee.status != Attendee.Status.PENDING
        or str(attendee.submission) != message.context.get("submission")
        or not attendee.event.signups_open
    ):
        return None  # confirmed, replaced by a newer form, cancelled or too late
    # Links are made in the attendee's language too: their URLs carry it (/es/…).
    with translation.override(attendee.language or settings.LANGUAGE_CODE):
        event = attendee.event
        context = {
            "attendee": attendee,
            "event": event,
            "campaign": event.campaign,
            "when": calendar.when_text(event),
            "zone": calendar.zone_label(event),
            "place": event.place_text if event.is_in_person and not event.reveal_place_after_signup else "",
            "event_url": absolute(event.get_absolute_url()),
            "confirm_url": absolute(reverse("events:confirm", args=[make_confirm_token(attendee)])),
            "place_kept": attendee.reserved_until is not None,
            "hold_minutes": settings.EVENT_PLACE_HOLD_MINUTES,
        }
        return render_email("events/email/confirm_place", context, attendee.language)
