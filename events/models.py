"""Events people sign up for: online rallies, public meetings, pickets.

Times are stored in UTC together with the event's IANA time zone name; pages and emails show them
in that zone. Places are allocated under a lock on the event row (see services.sign_up), and the
totals on the event are kept by a periodic tally, never per sign-up.
"""

import functools
import uuid
import zoneinfo
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaign.slugs import ReservedSlugMixin
from campaign.translations import Translation, refuse_if_localised
from campaigns.models import Campaign
from petitions.models import Revision
from petitions.text import render_markdown

from .video import validate_video_url

# The Attendee model has a field named "uuid", which hides the module inside its class body.
new_uuid = uuid.uuid4


@functools.cache
def available_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(name: str) -> None:
    if name not in available_time_zones():
        raise ValidationError(
            _("“%(name)s” is not a time zone name like Europe/London."), params={"name": name}
        )


def validate_reminder_offsets(value) -> None:
    if not isinstance(value, list) or not all(isinstance(v, int) and 0 < v <= 60 * 24 * 30 for v in value):
        raise ValidationError(_("Reminders are minutes before the start, between 1 minute and 30 days."))


def default_reminder_offsets() -> list[int]:
    return list(settings.EVENT_REMINDER_OFFSETS_MINUTES)


class EventQuerySet(models.QuerySet):
    def public(self):
        return self.filter(approved_at__isnull=False)

    def upcoming(self):
        """Public events that have not ended yet, soonest first (cancelled ones included: they say so)."""
        return self.public().filter(ends_at__gt=timezone.now()).order_by("starts_at")


class Event(ReservedSlugMixin, models.Model):
    class Kind(models.TextChoices):
        ONLINE = "online", _("Online")
        IN_PERSON = "in_person", _("In person")
        BOTH = "both", _("In person and online")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="events")
    slug = models.SlugField(max_length=60)
    title = models.CharField(max_length=200)
    description = models.TextField(max_length=20000, blank=True, help_text=_("Markdown. HTML is sanitised."))
    description_html = models.TextField(editable=False, default="")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ONLINE)
    venue_name = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.TextField(max_length=500, blank=True)
    reveal_place_after_signup = models.BooleanField(
        _("reveal the venue and address only after sign-up"), default=False
    )
    # Never shown on a public page: only in attendees' emails and on their own page.
    join_url = models.URLField(_("online join link"), max_length=500, blank=True)
    # Public, unlike the join link: anyone may watch (YouTube, Vimeo, PeerTube or any https:// page).
    livestream_url = models.URLField(
        _("livestream"),
        max_length=500,
        blank=True,
        validators=[validate_video_url],
        help_text=_("Where anyone can watch it live: YouTube, Vimeo, PeerTube or any https:// page."),
    )
    recording_url = models.URLField(
        _("recording"),
        max_length=500,
        blank=True,
        validators=[validate_video_url],
        help_text=_("Where to watch it afterwards. The campaign page then says “Watch”."),
    )
    capacity = models.PositiveIntegerField(null=True, blank=True, help_text=_("Leave empty for no limit."))
    waitlist = models.BooleanField(_("waitlist when full"), default=True)
    signups_close_at = models.DateTimeField(_("sign-up deadline"), null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    ask_organisation = models.BooleanField(_("ask for an organisation"), default=False)
    ask_accessibility = models.BooleanField(_("ask about accessibility needs"), default=False)
    # Minutes before the start at which confirmed attendees get a reminder.
    reminder_offsets = models.JSONField(
        default=default_reminder_offsets, blank=True, validators=[validate_reminder_offsets]
    )
    # iCalendar SEQUENCE: raised whenever the time or place changes, so calendars update the entry.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    # Maintained by the tally task; allocation counts under the event lock instead.
    places_taken = models.PositiveIntegerField(default=0, editable=False)
    waitlist_count = models.PositiveIntegerField(default=0, editable=False)
    attended_count = models.PositiveIntegerField(default=0, editable=False)
    counted_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # When its time, place, text or status last changed: a database trigger keeps it (api.sync).
    modified_at = models.DateTimeField(default=timezone.now, editable=False)
    # None while a moderator has yet to approve an event made by an organiser who is not staff
    # (ORGANISER_CONTENT_NEEDS_APPROVAL): such an event has no public page, like a statement.
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True, default=timezone.now)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "slug"], name="event_slug_per_campaign"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start"),
        ]
        indexes = [models.Index(fields=["campaign", "ends_at"])]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        refuse_if_localised(self)
        self.description_html = render_markdown(self.description)
        if kwargs.get("update_fields") is not None and "description" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "description_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("events:event", args=[self.campaign.slug, self.slug])

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def local(self, moment: datetime) -> datetime:
        return timezone.localtime(moment, self.tz)

    @property
    def local_starts_at(self) -> datetime:
        return self.local(self.starts_at)

    @property
    def local_ends_at(self) -> datetime:
        return self.local(self.ends_at)

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def has_started(self) -> bool:
        return timezone.now() >= self.starts_at

    @property
    def is_past(self) -> bool:
        return timezone.now() >= self.ends_at

    @property
    def signups_open(self) -> bool:
        now = timezone.now()
        if self.is_cancelled or now >= self.starts_at:
            return False
        return self.signups_close_at is None or now < self.signups_close_at

    @property
    def is_online(self) -> bool:
        return self.kind in (self.Kind.ONLINE, self.Kind.BOTH)

    @property
    def is_in_person(self) -> bool:
        return self.kind in (self.Kind.IN_PERSON, self.Kind.BOTH)

    @property
    def place_text(self) -> str:
        """Venue and address on one line each, as shown to attendees."""
        return "\n".join(part for part in (self.venue_name, self.address) if part)

    @property
    def places_left(self) -> int | None:
        """From the tally, so it may lag a few seconds; allocation itself counts exactly."""
        if self.capacity is None:
            return None
        return max(0, self.capacity - self.places_taken)

    @property
    def sorted_reminder_offsets(self) -> list[int]:
        return sorted({int(v) for v in self.reminder_offsets or []}, reverse=True)


class EventTranslation(Translation):
    """The event's title and description in another language (see events.translations)."""

    translates = "event"
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="translations")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(
        _("description"), max_length=20000, blank=True, help_text=_("Markdown. HTML is sanitised.")
    )
    description_html = models.TextField(editable=False, default="")

    class Meta:
        constraints = [Translation.one_per_language("event", "one_event_translation_per_language")]

    def save(self, *args, **kwargs):
        self.description_html = render_markdown(self.description)
        super().save(*args, **kwargs)


class EventRevision(Revision):
    revises = "event"
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="revisions")

    class Meta(Revision.Meta):
        verbose_name = _("edit to an event")
        constraints = [Revision.one_pending("event", "one_pending_event_revision")]


class Attendee(models.Model):
    class Status(models.TextChoices):
        # Signed up, the email not confirmed yet: maybe holds a place until reserved_until.
        PENDING = "pending", _("Waiting for email confirmation")
        CONFIRMED = "confirmed", _("Has a place")
        WAITLISTED = "waitlisted", _("On the waitlist")
        CANCELLED = "cancelled", _("Cancelled")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendees")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CONFIRMED)
    # While the email is pending, a place is kept for this sign-up until then (None: none is kept,
    # e.g. the event was full or the abuse checks flagged the sign-up). Fakes never click, so the
    # places they hold come back after EVENT_PLACE_HOLD_MINUTES.
    reserved_until = models.DateTimeField(null=True, blank=True, editable=False)
    # Each sign-up form sent gets a new one; the confirmation link carries it, so a click confirms
    # exactly the details the email it came in states.
    submission = models.UUIDField(default=new_uuid, editable=False)
    # Why the abuse checks (block lists, rate limits) flagged this sign-up; "" if they did not.
    hold_reason = models.CharField(max_length=40, blank=True, editable=False)
    name = models.CharField(max_length=100)
    email = models.EmailField(max_length=254)
    email_normalized = models.CharField(max_length=254, editable=False)
    organisation = models.CharField(max_length=200, blank=True)
    accessibility_needs = models.TextField(max_length=1000, blank=True)
    consent_contact = models.BooleanField(default=False)
    consent_text = models.TextField(blank=True, editable=False)
    consent_at = models.DateTimeField(null=True, blank=True, editable=False)
    language = models.CharField(max_length=10, blank=True, editable=False)
    referrer = models.CharField(max_length=500, blank=True, editable=False)
    utm_source = models.CharField(max_length=100, blank=True, editable=False)
    ip_hash = models.CharField(max_length=64, blank=True, editable=False)
    user_agent = models.CharField(max_length=300, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    promoted_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)
    attended_at = models.DateTimeField(null=True, blank=True)
    # Set on every change of status or attendance, so the tally finds the events to recount.
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    # How many "your place" mails (confirmation, waitlist or promotion) were asked for; repeat
    # sign-ups are capped at MAX_MAILS_PER_ATTENDEE. The mails themselves are outbox rows.
    mails_requested = models.PositiveSmallIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "email_normalized"], name="one_attendee_per_email"),
        ]
        indexes = [
            models.Index(fields=["event", "status", "created_at"]),
            models.Index(fields=["event", "updated_at"]),
            models.Index(
                fields=["reserved_until"], condition=Q(status="pending"), name="attendee_place_kept"
            ),
        ]

    def __str__(self):
        return f"{self.name} at {self.event}"

    @property
    def has_place(self) -> bool:
        return self.status == self.Status.CONFIRMED


class ReminderSent(models.Model):
    """One row per attendee and reminder: written in the transaction that puts the mail in the outbox."""

    attendee = models.ForeignKey(Attendee, on_delete=models.CASCADE, related_name="reminders")
    offset_minutes = models.PositiveIntegerField()
    # A reminder that fell due together with a later one (worker down, late sign-up) is skipped.
    skipped = models.BooleanField(default=False)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(fields=["attendee", "offset_minutes"], name="one_reminder_per_offset"),
        ]

    def __str__(self):
        return f"{self.offset_minutes} min reminder to {self.attendee_id}"


class EventChange(models.Model):
    """An organiser changed the time or place, or cancelled: every attendee is told once."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="changes")
    time_changed = models.BooleanField(default=False)
    place_changed = models.BooleanField(default=False)
    cancelled = models.BooleanField(default=False)
    previous_starts_at = models.DateTimeField()
    previous_ends_at = models.DateTimeField()
    previous_time_zone = models.CharField(max_length=64)
    previous_place = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Change to {self.event} at {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def previous_local_starts_at(self) -> datetime:
        return timezone.localtime(self.previous_starts_at, zoneinfo.ZoneInfo(self.previous_time_zone))


class ChangeNotice(models.Model):
    change = models.ForeignKey(EventChange, on_delete=models.CASCADE, related_name="notices")
    attendee = models.ForeignKey(Attendee, on_delete=models.CASCADE, related_name="change_notices")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["change", "attendee"], name="one_notice_per_change"),
        ]

    def __str__(self):
        return f"Notice of change {self.change_id} to {self.attendee_id}"
