"""What the events domain does: sign up, cancel and promote, mail, remind, notify changes, tally.

Places are allocated while holding a lock on the event row (SELECT … FOR NO KEY UPDATE), so
concurrent sign-ups and cancellations are serialised per event and the count of confirmed
attendees taken under the lock is exact. Every email is an outbox row written in the transaction
of the change it announces (outbox.services.enqueue); events/emails.py builds it when it goes.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext

from campaign import events as campaign_events
from campaigns.models import Campaign
from outbox import services as outbox
from outbox.models import OutboxMessage
from outbox.services import enqueue_many
from petitions import revisions
from petitions.signup import RequestInfo, hash_ip, normalize_email
from safety import abuse

from .emails import ACTIVE, ATTENDEE, CONFIRM_PLACE
from .models import Attendee, ChangeNotice, Event, EventChange, EventRevision, ReminderSent
from .tokens import InvalidToken, read_confirm_token

log = logging.getLogger(__name__)


class SignUpsClosed(Exception):
    """The event is cancelled, has started, or its sign-up deadline has passed."""


@dataclass
class SignUpResult:
    # True when the event had no free place and no waitlist. It depends on the event only, never
    # on whether this email had signed up before, so the page shown cannot enumerate attendees.
    refused: bool = False


def consent_wording(event: Event) -> str:
    return gettext("Yes, %(campaign)s may contact me by email about this campaign.") % {
        "campaign": event.campaign.title
    }


def _lock(event_id: int) -> Event:
    return Event.objects.select_for_update(no_key=True).select_related("campaign").get(pk=event_id)


def _places_held(event: Event, now) -> int:
    """Places taken, plus places kept for sign-ups whose email is pending and not yet expired."""
    kept = Q(status=Attendee.Status.PENDING, reserved_until__gt=now)
    return Attendee.objects.filter(event=event).filter(Q(status=Attendee.Status.CONFIRMED) | kept).count()


def places_left(event: Event) -> int | None:
    """Free places counted from the attendees themselves, not the tally (which lags a few
    seconds): what the event page shows, so it never offers a place that has just gone. Places kept
    for sign-ups whose email is pending count as gone while they are kept."""
    if event.capacity is None:
        return None
    return max(0, event.capacity - _places_held(event, timezone.now()))


def _has_room(event: Event, now=None) -> bool:
    return event.capacity is None or _places_held(event, now or timezone.now()) < event.capacity


def _mail(attendee_id: int, email: str, event: Event) -> None:
    """Owe the attendee the "your place" mail; one still waiting says the latest (coalesce)."""
    outbox.enqueue(ATTENDEE, email, ref=attendee_id, campaign_id=event.campaign_id, coalesce=True)


def sign_up(event: Event, data: dict, info: RequestInfo) -> SignUpResult:
    """Record a sign-up and email a link to confirm it; the place is taken when the link is opened.

    Nobody gets a place, or is put on an organiser's list, in someone else's name: the mailbox
    owner's click does it (confirm_place). While the email is pending, a place is kept for
    EVENT_PLACE_HOLD_MINUTES if one is free, so a real person is not beaten by a faster one, and
    fakes (who never click) hold places only that long. The same abuse checks as signing apply:
    a sign-up over the rate limits or on a block list is recorded and mailed but keeps no place.

    Signing up again with the same (canonical) email: someone with a place or on the waitlist is
    mailed about it again; a pending sign-up takes the new form's details and gets a new link (the
    old one stops working). At most MAX_MAILS_PER_ATTENDEE confirmation emails a day go to an
    address for an event. Raises SignUpsClosed.
    """
    email_normalized = normalize_email(data["email"])
    ip_hash = hash_ip(info.ip)
    # Events have their own rate-limit windows, apart from statements' ("event-<id>").
    # The IP's hourly mail cap is counted here too (one Redis round trip); the address's is below.
    verdict = abuse.check(f"event-{event.pk}", email_normalized, info.ip, ip_hash, mail=abuse.MailCaps())
    hold_reason = verdict.hold_reason
    ip_capped = verdict.mail is False
    consent = bool(data.get("consent_contact"))
    now = timezone.now()
    with transaction.atomic():
        event = _lock(event.pk)
        if not event.signups_open:
            raise SignUpsClosed
        # Places kept for sign-ups that were never confirmed go back to the waitlist first.
        fill_places(event)
        room = _has_room(event, now)
        refused = not room and not event.waitlist
        existing = Attendee.objects.filter(event=event, email_normalized=email_normalized).first()
        if existing is not None and existing.status in ACTIVE:
            if not ip_capped:
                _request_another_mail(existing, event)
            return SignUpResult(refused=refused)
        if refused:
            return SignUpResult(refused=True)
        mail = not ip_capped and _confirmations_today(existing, now) < settings.MAX_MAILS_PER_ATTENDEE
        keep_place = room and mail and not hold_reason
        fields = {
            "status": Attendee.Status.PENDING,
            "submission": uuid.uuid4(),
            "reserved_until": now + timedelta(minutes=settings.EVENT_PLACE_HOLD_MINUTES)
            if keep_place
            else None,
            "hold_reason": hold_reason[:40],
            "name": data["name"],
            "email": data["email"].strip(),
            "organisation": data.get("organisation", "") if event.ask_organisation else "",
            "accessibility_needs": data.get("accessibility_needs", "") if event.ask_accessibility else "",
            "consent_contact": consent,
            "consent_text": consent_wording(event) if consent else "",
            "consent_at": now if consent else None,
            "language": translation.get_language() or "",
            "referrer": info.referrer[:500],
            "utm_source": info.utm_source[:100],
            "ip_hash": ip_hash,
            "user_agent": info.user_agent[:300],
            "confirmed_at": None,
            "promoted_at": None,
            "cancelled_at": None,
            "updated_at": now,
        }
        if existing is not None and not mail:
            return SignUpResult()  # the daily cap: the earlier link still works
        if existing is None:
            attendee = Attendee.objects.create(
                event=event, email_normalized=email_normalized, created_at=now, **fields
            )
        else:
            Attendee.objects.filter(pk=existing.pk).update(**fields)
            attendee = Attendee.objects.get(pk=existing.pk)
        if mail:
            outbox.enqueue(
                CONFIRM_PLACE,
                attendee.email,
                ref=str(attendee.pk),
                context={"submission": str(attendee.submission)},
                language=attendee.language,
                campaign_id=event.campaign_id,
            )
    return SignUpResult()


def _confirmations_today(attendee: Attendee | None, now) -> int:
    if attendee is None:
        return 0
    return OutboxMessage.objects.filter(
        kind=CONFIRM_PLACE, ref=str(attendee.pk), created_at__gte=now - timedelta(days=1)
    ).count()


@dataclass
class PlaceConfirmation:
    attendee: Attendee
    # No place was free and the event has no waitlist: nothing changed.
    full: bool = False
    # The link is from an older form (a newer one was sent since) or the sign-up was cancelled.
    stale: bool = False
    closed: bool = False


def confirm_place(token: str) -> PlaceConfirmation:
    """The mailbox owner opened their link: give them the place kept for them, or a free one, or a
    place on the waitlist, and email them about it. Idempotent. Raises InvalidToken."""
    attendee_uuid, submission = read_confirm_token(token)
    found = Attendee.objects.filter(uuid=attendee_uuid).values_list("pk", "event_id").first()
    if found is None:
        raise InvalidToken("no such attendee")
    attendee_id, event_id = found
    now = timezone.now()
    with transaction.atomic():
        event = _lock(event_id)
        attendee = Attendee.objects.select_for_update().select_related("event__campaign").get(pk=attendee_id)
        if attendee.status in ACTIVE:
            return PlaceConfirmation(attendee)
        if attendee.status != Attendee.Status.PENDING or str(attendee.submission) != submission:
            return PlaceConfirmation(attendee, stale=True)
        if not event.signups_open:
            return PlaceConfirmation(attendee, closed=True)
        kept = attendee.reserved_until is not None and attendee.reserved_until > now
        if not kept:
            fill_places(event)  # the waitlist came first
        room = kept or _has_room(event, now)
        if not room and not event.waitlist:
            Attendee.objects.filter(pk=attendee.pk).update(reserved_until=None, updated_at=now)
            return PlaceConfirmation(attendee, full=True)
        Attendee.objects.filter(pk=attendee.pk).update(
            status=Attendee.Status.CONFIRMED if room else Attendee.Status.WAITLISTED,
            confirmed_at=now if room else None,
            reserved_until=None,
            updated_at=now,
        )
        campaign_events.publish(
            campaign_events.ATTENDEE_REGISTERED, campaign_id=event.campaign_id, ref=attendee.uuid
        )
        _mail(attendee.pk, attendee.email, event)
        _tally_soon(event.pk)
    attendee.refresh_from_db()
    return PlaceConfirmation(attendee)


def _request_another_mail(attendee: Attendee, event: Event) -> None:
    requested = Attendee.objects.filter(
        pk=attendee.pk, mails_requested__lt=settings.MAX_MAILS_PER_ATTENDEE
    ).update(mails_requested=F("mails_requested") + 1)
    if requested:
        _mail(attendee.pk, attendee.email, event)


def _tally_soon(event_id: int) -> None:
    # In-process mode has no beat, so the totals are recounted right after the change instead.
    if settings.TALLY_ON_CONFIRM:
        transaction.on_commit(partial(tally, event_id))


def cancel(attendee_id: int) -> bool:
    """Cancel a place (or a place on the waitlist) and promote from the waitlist into a freed place.

    Returns False if it was already cancelled. Two cancellations racing each other are serialised by
    the event lock, so each freed place goes to a different person on the waitlist.
    """
    event_id = Attendee.objects.filter(pk=attendee_id).values_list("event_id", flat=True).first()
    if event_id is None:
        return False
    now = timezone.now()
    with transaction.atomic():
        event = _lock(event_id)
        # Someone mailed a place has it in their calendar: one more mail takes it out (the builder
        # says nothing if no place was ever mailed to them).
        had_place = Attendee.objects.filter(pk=attendee_id, status=Attendee.Status.CONFIRMED).exists()
        cancelled = Attendee.objects.filter(pk=attendee_id, status__in=ACTIVE).update(
            status=Attendee.Status.CANCELLED,
            cancelled_at=now,
            updated_at=now,
            **({"mails_requested": F("mails_requested") + 1} if had_place else {}),
        )
        if not cancelled:
            return False
        if had_place:
            email = Attendee.objects.filter(pk=attendee_id).values_list("email", flat=True).get()
            _mail(attendee_id, email, event)
        attendee_uuid = Attendee.objects.filter(pk=attendee_id).values_list("uuid", flat=True).get()
        campaign_events.publish(
            campaign_events.ATTENDEE_CANCELLED, campaign_id=event.campaign_id, ref=attendee_uuid
        )
        fill_places(event)
        _tally_soon(event.pk)
    return True


def release_expired_places() -> int:
    """Give back the places kept for sign-ups whose email was not confirmed in time; return how many.

    Each event is locked as for a sign-up, its expired reservations are cleared (they no longer
    count in _places_held anyway) and the waitlist is promoted into the places that are free.
    """
    now = timezone.now()
    expired = Attendee.objects.filter(status=Attendee.Status.PENDING, reserved_until__lte=now)
    released = 0
    for event_id in set(expired.values_list("event_id", flat=True)):
        with transaction.atomic():
            event = _lock(event_id)
            released += expired.filter(event=event).update(reserved_until=None)
            fill_places(event)
    return released


def fill_places(event: Event) -> list[int]:
    """Promote people from the waitlist, first come first served, into the places that are free.

    The caller holds the event lock. Each promoted person gets one email saying they have a place.
    """
    if event.is_cancelled or event.has_started:
        return []
    waiting = Attendee.objects.filter(event=event, status=Attendee.Status.WAITLISTED).order_by(
        "created_at", "id"
    )
    if event.capacity is not None:
        free = event.capacity - _places_held(event, timezone.now())
        if free <= 0:
            return []
        waiting = waiting[:free]
    now = timezone.now()
    promoted = []
    for attendee_id, email in list(waiting.values_list("pk", "email")):
        updated = Attendee.objects.filter(pk=attendee_id, status=Attendee.Status.WAITLISTED).update(
            status=Attendee.Status.CONFIRMED,
            confirmed_at=now,
            promoted_at=now,
            updated_at=now,
            mails_requested=F("mails_requested") + 1,
        )
        if updated:
            promoted.append(attendee_id)
            _mail(attendee_id, email, event)
    if promoted:
        log.info("promoted %d from the waitlist of event %s", len(promoted), event.pk)
    return promoted


def mark_attended(attendee_id: int, attended: bool = True) -> bool:
    """Check someone in at the door (or undo it). Returns False if nothing changed."""
    now = timezone.now()
    attendees = Attendee.objects.filter(pk=attendee_id, status=Attendee.Status.CONFIRMED)
    if attended:
        changed = attendees.filter(attended_at__isnull=True).update(attended_at=now, updated_at=now)
    else:
        changed = attendees.filter(attended_at__isnull=False).update(attended_at=None, updated_at=now)
    if changed:
        _tally_soon(Attendee.objects.filter(pk=attendee_id).values_list("event_id", flat=True).get())
    return bool(changed)


# --- Reminders -----------------------------------------------------------------------------------


def _due_offsets(event: Event, now) -> list[int]:
    return [o for o in event.sorted_reminder_offsets if event.starts_at - timedelta(minutes=o) <= now]


def queue_reminder(attendee_id: int, offset_minutes: int) -> bool:
    """Put one reminder to one attendee in the outbox, exactly once. Returns whether it was queued now.

    The ReminderSent row and the outbox row are written in one transaction while the attendee's row
    is locked: a concurrent run skips the locked attendee, and the unique ReminderSent row stops a
    later one. Never to someone without a place, never for a cancelled event, never once it has
    started (and the builder checks all that again when the mail goes).
    """
    now = timezone.now()
    with transaction.atomic():
        attendee = (
            Attendee.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("event")
            .filter(pk=attendee_id, status=Attendee.Status.CONFIRMED)
            .first()
        )
        if attendee is None:
            return False
        event = attendee.event
        if event.status != Event.Status.SCHEDULED or now >= event.starts_at:
            return False
        due = _due_offsets(event, now)
        if offset_minutes not in due:
            return False
        due_at = event.starts_at - timedelta(minutes=offset_minutes)
        if attendee.confirmed_at and attendee.confirmed_at > due_at:
            return False  # they got their place after this reminder was due: the confirmation will do
        already = set(
            ReminderSent.objects.filter(attendee=attendee, offset_minutes__lte=max(due)).values_list(
                "offset_minutes", flat=True
            )
        )
        if offset_minutes in already or any(o < offset_minutes for o in already):
            return False
        ReminderSent.objects.create(attendee=attendee, offset_minutes=offset_minutes, sent_at=now)
        # Earlier reminders that fell due at the same time are superseded by this one.
        ReminderSent.objects.bulk_create(
            [
                ReminderSent(attendee=attendee, offset_minutes=o, skipped=True, sent_at=now)
                for o in due
                if o > offset_minutes and o not in already
            ],
            ignore_conflicts=True,
        )
        outbox.enqueue(
            "events.reminder",
            attendee.email,
            ref=attendee.pk,
            context={"offset_minutes": offset_minutes},
            campaign_id=event.campaign_id,
        )
    return True


def queue_due_reminders(limit: int = 1000) -> int:
    """Queue every reminder that is due now; return how many were queued. Safe to run concurrently.

    For each event the reminder queued is the latest one due (the 1-hour one rather than both, if
    the 24-hour one was missed). Anything left over (limit, a crash) is picked up by the next run.
    """
    now = timezone.now()
    horizon = now + timedelta(days=settings.EVENT_REMINDER_MAX_DAYS)
    queued = 0
    events = Event.objects.filter(status=Event.Status.SCHEDULED, starts_at__gt=now, starts_at__lte=horizon)
    for event in events.only("pk", "starts_at", "reminder_offsets"):
        due = _due_offsets(event, now)
        if not due:
            continue
        offset = min(due)
        due_at = event.starts_at - timedelta(minutes=offset)
        ids = (
            Attendee.objects.filter(event=event, status=Attendee.Status.CONFIRMED, confirmed_at__lte=due_at)
            .exclude(Exists(ReminderSent.objects.filter(attendee=OuterRef("pk"), offset_minutes__lte=offset)))
            .order_by("pk")
            .values_list("pk", flat=True)[: limit - queued]
        )
        for attendee_id in list(ids):
            queued += queue_reminder(attendee_id, offset)
        if queued >= limit:
            break
    return queued


# --- Changes by organisers -------------------------------------------------------------------------

TIME_FIELDS = ("starts_at", "ends_at", "time_zone")
PLACE_FIELDS = ("kind", "venue_name", "address", "join_url")


def save_event(event: Event, previous: Event | None = None) -> EventChange | None:
    """Save an event an organiser created or edited, and tell attendees if the time or place changed.

    `previous` is the event as it was before the edit (None for a new event). A larger capacity
    promotes people from the waitlist.
    """
    with transaction.atomic():
        if previous is None:
            event.save()
            return None
        _lock(event.pk)
        time_changed = any(getattr(previous, f) != getattr(event, f) for f in TIME_FIELDS)
        place_changed = any(getattr(previous, f) != getattr(event, f) for f in PLACE_FIELDS)
        if time_changed or place_changed:
            event.sequence = previous.sequence + 1
        event.save()
        change = None
        if (time_changed or place_changed) and not event.is_cancelled:
            change = _record_change(previous, time_changed=time_changed, place_changed=place_changed)
        fill_places(_lock(event.pk))
        _tally_soon(event.pk)
    return change


# What a moderator reviews in an edit to an approved event by an organiser who is not staff: what it
# says, and when and where it happens (a changed place or join link could send people somewhere
# unsafe). Capacity, waitlist, deadline, reminders and the form's questions take effect at once.
REVIEWED_FIELDS = ("title", "description", *TIME_FIELDS, *PLACE_FIELDS, "reveal_place_after_signup")


def save_edit(event: Event, previous: Event, author, *, reviewed: bool):
    """Save an organiser's edit; returns (EventChange or None, EventRevision or None).

    With `reviewed` (the author needs approval) an approved event keeps its reviewed fields in public
    and the new values wait as a revision; attendees hear of a new time or place once it is approved.
    """
    if not reviewed or previous.approved_at is None:
        return save_event(event, previous), None
    with transaction.atomic():
        _lock(event.pk)
        revision = revisions.propose(previous.revisions, previous, event, REVIEWED_FIELDS, author)
        return save_event(event, previous), revision


def apply_revision(revision: EventRevision) -> EventChange | None:
    """Publish an approved edit: attendees are told of a new time or place as for any edit."""
    with transaction.atomic():
        previous = _lock(revision.event_id)
        event = revisions.apply(Event.objects.get(pk=previous.pk), revision.changes)
        return save_event(event, previous)


def cancel_event(event: Event) -> EventChange | None:
    """Cancel the event and tell everyone who signed up (once). Returns None if already cancelled."""
    with transaction.atomic():
        previous = _lock(event.pk)
        if previous.is_cancelled:
            return None
        Event.objects.filter(pk=event.pk).update(status=Event.Status.CANCELLED, sequence=F("sequence") + 1)
        change = _record_change(previous, cancelled=True)
    event.refresh_from_db()
    return change


def _record_change(previous: Event, **what) -> EventChange:
    """Record the change and, in the same transaction, a notice to everyone signed up before it.

    The caller holds the event lock, so nobody signs up or cancels meanwhile.
    """
    change = EventChange.objects.create(
        event_id=previous.pk,
        previous_starts_at=previous.starts_at,
        previous_ends_at=previous.ends_at,
        previous_time_zone=previous.time_zone,
        previous_place=previous.place_text,
        **what,
    )
    recipients = list(
        Attendee.objects.filter(event_id=previous.pk, status__in=ACTIVE)
        .exclude(email="")
        .order_by("pk")
        .values_list("pk", "email")
    )
    ChangeNotice.objects.bulk_create([ChangeNotice(change=change, attendee_id=pk) for pk, _ in recipients])
    enqueue_many(
        "events.change",
        (
            {"to": email, "ref": pk, "context": {"change": change.pk}, "campaign_id": previous.campaign_id}
            for pk, email in recipients
        ),
    )
    return change


# --- Totals ----------------------------------------------------------------------------------------


def tally(event_id: int) -> bool:
    """Recount the event's totals from its attendees (a few hundred rows at most)."""
    started = timezone.now()
    totals = Attendee.objects.filter(event_id=event_id).aggregate(
        taken=Count("pk", filter=Q(status=Attendee.Status.CONFIRMED)),
        waiting=Count("pk", filter=Q(status=Attendee.Status.WAITLISTED)),
        attended=Count("pk", filter=Q(status=Attendee.Status.CONFIRMED, attended_at__isnull=False)),
    )
    # Changes committed while this ran may be invisible to it; marking the tally as of a little
    # earlier makes the next run look at this event again.
    counted_at = started - timedelta(seconds=settings.EVENT_TALLY_LAG_SECONDS)
    return bool(
        Event.objects.filter(pk=event_id).update(
            places_taken=totals["taken"],
            waitlist_count=totals["waiting"],
            attended_count=totals["attended"],
            counted_at=counted_at,
        )
    )


def events_to_tally() -> list[int]:
    changed = Attendee.objects.filter(event=OuterRef("pk"), updated_at__gte=OuterRef("counted_at"))
    never = Attendee.objects.filter(event=OuterRef("pk"))
    return list(
        Event.objects.filter(Exists(changed) | (Q(counted_at=None) & Exists(never))).values_list(
            "pk", flat=True
        )
    )


def campaign_totals(campaign: Campaign) -> dict:
    """Totals over a campaign's events, from the events' tallied counters."""
    totals = Event.objects.filter(campaign=campaign).aggregate(
        events=Count("pk"),
        places_taken=Sum("places_taken", default=0),
        waitlist=Sum("waitlist_count", default=0),
        attended=Sum("attended_count", default=0),
    )
    return totals
