"""Emails to attendees (outbox builders): subject, text and HTML templates under events/email/."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

import outbox
from outbox.models import OutboxMessage
from petitions.emails import absolute

from . import calendar
from .models import Attendee, Event, EventChange
from .tokens import make_confirm_token, make_manage_token

ACTIVE = (Attendee.Status.CONFIRMED, Attendee.Status.WAITLISTED)
# The email with the link that turns a sign-up into a place.
CONFIRM_PLACE = "events.confirm_place"
# "Your place" (or the waitlist, a promotion, a place given up): what is true when it goes.
ATTENDEE = "events.attendee"


def manage_url(attendee: Attendee) -> str:
    return absolute(reverse("events:attendee", args=[make_manage_token(attendee)]))


def _render(template: str, attendee: Attendee, context: dict) -> outbox.Email:
    return outbox.render(f"events/email/{template}", context, attendee.language)


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


def _with_calendar(template: str, attendee: Attendee, context: dict) -> outbox.Email:
    # The Google link goes into the templates, so it is built before they are rendered.
    event = context["event"]
    details = context["manage_url"]
    if context["join_url"]:
        details = f"{context['join_url']}\n\n{details}"
    context["google_calendar_url"] = calendar.google_calendar_url(event, details=details)
    email = _render(template, attendee, context)
    # A place given up (or an event called off) takes the entry out, without the join link.
    gone = event.is_cancelled or attendee.status == Attendee.Status.CANCELLED
    method = calendar.CANCEL if gone else calendar.REQUEST
    invitation = calendar.invitation(
        event, attendee, method=method, description=details, url=context["manage_url"], attendee_view=not gone
    )
    email.attachments.append(invitation)
    return email


def attendee_message(attendee: Attendee) -> outbox.Email:
    """The email for the attendee's current status: a place (or a promotion to one), the waitlist,
    or a place given up (whose calendar entry it removes)."""
    with translation.override(attendee.language or settings.LANGUAGE_CODE):
        context = _context(attendee)
        if attendee.status == Attendee.Status.WAITLISTED:
            return _render("waitlisted", attendee, context)
        if attendee.status == Attendee.Status.CANCELLED:
            return _with_calendar("cancelled", attendee, context)
        context["promoted"] = attendee.promoted_at is not None
        return _with_calendar("confirmed", attendee, context)


def reminder_message(attendee: Attendee, offset_minutes: int) -> outbox.Email:
    with translation.override(attendee.language or settings.LANGUAGE_CODE):
        context = _context(attendee)
        context["hours"] = offset_minutes // 60
        context["minutes"] = offset_minutes
        return _render("reminder", attendee, context)


def change_message(change: EventChange, attendee: Attendee) -> outbox.Email:
    with translation.override(attendee.language or settings.LANGUAGE_CODE):
        context = _context(attendee)
        context["change"] = change
        context["previous_when"] = calendar.when_text(
            attendee.event, change.previous_starts_at, change.previous_ends_at, tz=change.previous_time_zone
        )
        if not attendee.has_place:
            return _render("changed", attendee, context)
        # Calendars update (or, for a cancellation, remove) the entry they already have.
        return _with_calendar("changed", attendee, context)


def _attendee(message, statuses=ACTIVE) -> Attendee | None:
    return (
        Attendee.objects.select_related("event__campaign")
        .filter(pk=message.ref, status__in=statuses)
        .exclude(email="")
        .first()
    )


# The retention purge keeps the latest sent one per attendee: _was_mailed_a_place asks for it.
outbox.registry.keep_last_sent(ATTENDEE)


def _was_mailed_a_place(attendee: Attendee) -> bool:
    return OutboxMessage.objects.filter(
        kind=ATTENDEE, ref=str(attendee.pk), status=OutboxMessage.Status.SENT
    ).exists()


@outbox.registry.builder(ATTENDEE)
def build_attendee_mail(message) -> outbox.Email | None:
    """Their place, a promotion to one, the waitlist, or a place given up: whatever is true when the
    mail goes. Nothing once the event is over, nor for a place given up before any mail went out
    (it is in no calendar)."""
    attendee = _attendee(message, statuses=[*ACTIVE, Attendee.Status.CANCELLED])
    if attendee is None or attendee.event.is_past:
        return None
    if attendee.status == Attendee.Status.CANCELLED and not (
        attendee.confirmed_at and _was_mailed_a_place(attendee)
    ):
        return None
    return attendee_message(attendee)


@outbox.registry.builder("events.reminder")
def build_reminder(message) -> outbox.Email | None:
    """Never to someone without a place, never for a cancelled event, never once it has started."""
    attendee = _attendee(message, statuses=[Attendee.Status.CONFIRMED])
    if attendee is None:
        return None
    event = attendee.event
    if event.status != Event.Status.SCHEDULED or timezone.now() >= event.starts_at:
        return None
    return reminder_message(attendee, int(message.context["offset_minutes"]))


@outbox.registry.builder("events.change")
def build_change_notice(message) -> outbox.Email | None:
    attendee = _attendee(message)
    if attendee is None:
        return None
    change = EventChange.objects.filter(pk=message.context["change"], event_id=attendee.event_id).first()
    if change is None:
        return None
    return change_message(change, attendee)


@outbox.registry.builder(CONFIRM_PLACE)
def confirm_place_message(message) -> outbox.Email | None:
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
        return outbox.render("events/email/confirm_place", context, attendee.language)
