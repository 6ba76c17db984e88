from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django import forms
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from campaign.slugs import is_reserved, validate_not_reserved
from petitions.signup import SignUpForm, clean_text
from safety import abuse

from .models import Event
from .services import consent_wording


class EventSignUpForm(SignUpForm):
    """Signing up for an event. Which optional questions appear depends on the event."""

    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("We email you the details of your place. It is never shown publicly."),
    )
    organisation = forms.CharField(label=_("Organisation (optional)"), max_length=200, required=False)
    accessibility_needs = forms.CharField(
        label=_("Accessibility needs (optional)"),
        help_text=_("Tell the organisers what would help you take part. Only they see this."),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["consent_contact"].label = consent_wording(event)
        if not event.ask_organisation:
            del self.fields["organisation"]
        if not event.ask_accessibility:
            del self.fields["accessibility_needs"]

    def clean_email(self):
        email = self.cleaned_data["email"]
        if abuse.is_disposable(email):
            raise forms.ValidationError(
                _("Please use an email address that lasts: we send your place and reminders there.")
            )
        return email

    def clean_organisation(self):
        return clean_text(self.cleaned_data.get("organisation"))

    def clean_accessibility_needs(self):
        return (self.cleaned_data.get("accessibility_needs") or "").strip()


# --- Organisers -----------------------------------------------------------------------------------

REMINDER_UNITS = {"m": 1, "min": 1, "h": 60, "d": 24 * 60}


def parse_reminders(text: str) -> list[int]:
    """ "24h, 1h, 30m" → [1440, 60, 30] (minutes before the start). Raises ValueError."""
    minutes = set()
    for token in text.replace(",", " ").split():
        token = token.strip().lower()
        number = token.rstrip("abcdefghijklmnopqrstuvwxyz")
        unit = token[len(number) :] or "m"
        if not number.isdigit() or unit not in REMINDER_UNITS:
            raise ValueError(token)
        minutes.add(int(number) * REMINDER_UNITS[unit])
    return sorted(minutes, reverse=True)


def format_reminders(offsets: list[int]) -> str:
    parts = []
    for minutes in sorted(offsets or [], reverse=True):
        if minutes % (24 * 60) == 0 and minutes >= 48 * 60:
            parts.append(f"{minutes // (24 * 60)}d")
        elif minutes % 60 == 0:
            parts.append(f"{minutes // 60}h")
        else:
            parts.append(f"{minutes}m")
    return ", ".join(parts)


class EventForm(forms.ModelForm):
    """Create or edit an event. Dates and times are entered in the event's own time zone."""

    start_date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(
        label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end_time = forms.TimeField(
        label=_("Ends at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end_date = forms.DateField(
        label=_("End date (if another day)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    time_zone = forms.ChoiceField(label=_("Time zone"))
    deadline_date = forms.DateField(
        label=_("Sign-up deadline: date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    deadline_time = forms.TimeField(
        label=_("Sign-up deadline: time"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    reminders = forms.CharField(
        label=_("Reminders before the start"),
        required=False,
        max_length=100,
        help_text=_("For example “24h, 1h”. Leave empty for no reminders."),
    )

    class Meta:
        model = Event
        fields = [
            "title",
            "slug",
            "description",
            "kind",
            "venue_name",
            "address",
            "reveal_place_after_signup",
            "join_url",
            "livestream_url",
            "recording_url",
            "capacity",
            "waitlist",
            "ask_organisation",
            "ask_accessibility",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            "address": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "slug": _("The end of the event's web address. Leave empty to make one from the title.")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import available_time_zones

        self.fields["slug"].required = False
        self.fields["time_zone"].choices = [
            (name, name.replace("_", " ")) for name in sorted(available_time_zones())
        ]
        event = self.instance
        if event.pk:
            start, end = event.local_starts_at, event.local_ends_at
            self.initial.update(
                start_date=start.date(),
                start_time=start.time().replace(second=0, microsecond=0),
                end_time=end.time().replace(second=0, microsecond=0),
                end_date=end.date() if end.date() != start.date() else None,
                time_zone=event.time_zone,
                reminders=format_reminders(event.reminder_offsets),
            )
            if event.signups_close_at:
                deadline = event.local(event.signups_close_at)
                self.initial.update(deadline_date=deadline.date(), deadline_time=deadline.time())
        else:
            self.initial.setdefault("time_zone", "Europe/London")
            self.initial.setdefault("reminders", format_reminders(event.reminder_offsets))

    def clean_title(self):
        return clean_text(self.cleaned_data["title"])

    def clean_slug(self):
        typed = self.cleaned_data.get("slug")
        if typed:
            validate_not_reserved(typed)  # a clear error next to the field
        slug = typed or slugify(self.cleaned_data.get("title") or "")[:50] or "event"
        if is_reserved(slug):  # made from a title such as "New" or "Events": never a page of the site
            slug = f"{slug}-event"
        taken = Event.objects.filter(campaign_id=self.instance.campaign_id, slug=slug).exclude(
            pk=self.instance.pk
        )
        if taken.exists():
            if self.cleaned_data.get("slug"):
                raise forms.ValidationError(_("Another event of this campaign has this address."))
            slug = f"{slug[:50]}-{get_random_string(4, 'abcdefghijkmnpqrstuvwxyz23456789')}"
        return slug

    def clean_reminders(self):
        try:
            offsets = parse_reminders(self.cleaned_data.get("reminders") or "")
        except ValueError:
            raise forms.ValidationError(_("Write reminders like “24h, 1h” or “2d, 30m”."))
        if any(not 0 < minutes <= 30 * 24 * 60 for minutes in offsets):
            raise forms.ValidationError(_("Reminders go between 1 minute and 30 days before the start."))
        return offsets

    def _aware(self, day, time, zone, field):
        """The local date and time in the zone as an aware datetime; errors for times that don't exist."""
        local = datetime.combine(day, time)
        aware = local.replace(tzinfo=zone)  # fold=0: a time that happens twice means the first one
        if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != local:
            self.add_error(
                field,
                _(
                    "%(time)s does not exist on that day in %(zone)s: the clocks go forward. "
                    "Choose another time."
                )
                % {"time": time.strftime("%H:%M"), "zone": zone.key},
            )
            return None
        return aware

    def clean(self):
        data = super().clean()
        zone_name = data.get("time_zone")
        if not zone_name:
            return data
        zone = ZoneInfo(zone_name)
        start_date, start_time, end_time = (
            data.get("start_date"),
            data.get("start_time"),
            data.get("end_time"),
        )
        if start_date and start_time and end_time:
            starts_at = self._aware(start_date, start_time, zone, "start_time")
            ends_at = self._aware(data.get("end_date") or start_date, end_time, zone, "end_time")
            if starts_at and ends_at:
                if ends_at <= starts_at:
                    self.add_error("end_time", _("The event must end after it starts."))
                else:
                    self.instance.starts_at, self.instance.ends_at = starts_at, ends_at
        deadline_date, deadline_time = data.get("deadline_date"), data.get("deadline_time")
        if deadline_date and not deadline_time:
            self.add_error("deadline_time", _("Please give the time as well as the date."))
        elif deadline_time and not deadline_date:
            self.add_error("deadline_date", _("Please give the date as well as the time."))
        elif deadline_date:
            self.instance.signups_close_at = self._aware(deadline_date, deadline_time, zone, "deadline_time")
        else:
            self.instance.signups_close_at = None
        self.instance.time_zone = zone_name
        if "reminders" in data:
            self.instance.reminder_offsets = data["reminders"]
        kind = data.get("kind")
        if kind in (Event.Kind.IN_PERSON, Event.Kind.BOTH) and not (
            data.get("venue_name") or data.get("address")
        ):
            self.add_error("address", _("Please say where the event is."))
        return data
