"""Organisers' event pages in the dashboard: events, sign-ups and waitlist, export, door check-in.

Every view goes through campaigns' member_required: outsiders get 404, anonymous visitors the
login page. Members of the campaign (owners and organisers) can use all of them.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.db import transaction
from django.db.models import Q
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaign.csv_stream import CURSOR_CHUNK, iso_utc, neutralise, yes_no
from campaign.http import see_other
from campaigns.access import member_required, needs_approval
from organisers import exports
from organisers.models import ExportLog
from petitions import revisions

from . import calendar, services
from .forms import EventForm
from .models import Attendee, Event

LIST_LIMIT = 500
CHECKIN_LIMIT = 100

ATTENDEE_HEADER = [
    "name",
    "email",
    "status",
    "organisation",
    "accessibility needs",
    "attended at",
    "consent",
    "consent wording",
    "consent time",
    "signed up at",
    "place given at",
    "promoted from waitlist at",
]
ATTENDEE_FIELDS = [
    "name",
    "email",
    "status",
    "organisation",
    "accessibility_needs",
    "attended_at",
    "consent_contact",
    "consent_text",
    "consent_at",
    "created_at",
    "confirmed_at",
    "promoted_at",
]


def _event(membership, event_slug) -> Event:
    return get_object_or_404(
        Event.objects.select_related("campaign"), campaign=membership.campaign, slug=event_slug
    )


def _context(membership, **extra) -> dict:
    return {"membership": membership, "campaign": membership.campaign, **extra}


def _detail_url(event) -> str:
    return reverse("events:dashboard_event", args=[event.campaign.slug, event.slug])


@require_GET
@member_required
def event_list(request, membership):
    events = Event.objects.filter(campaign=membership.campaign).order_by("-starts_at")
    upcoming = [event for event in events if not event.is_past]
    past = [event for event in events if event.is_past]
    context = _context(
        membership,
        upcoming=sorted(upcoming, key=lambda e: e.starts_at),
        past=past,
        totals=services.campaign_totals(membership.campaign),
    )
    return render(request, "events/dashboard/list.html", context)


def _form_page(request, membership, form, event=None, status=200):
    return render(
        request, "events/dashboard/form.html", _context(membership, form=form, event=event), status=status
    )


@require_http_methods(["GET", "POST"])
@member_required
def event_create(request, membership):
    form = EventForm(request.POST or None, instance=Event(campaign=membership.campaign))
    if request.method == "POST":
        if form.is_valid():
            event = form.save(commit=False)
            if needs_approval(request.user):
                event.approved_at = None
            services.save_event(event)
            if event.approved_at is None:
                messages.success(request, _("Saved. The event goes public once a moderator approves it."))
            else:
                messages.success(request, _("The event is published."))
            return see_other(_detail_url(event))
        return _form_page(request, membership, form, status=400)
    return _form_page(request, membership, form)


@require_http_methods(["GET", "POST"])
@member_required
def event_edit(request, membership, event_slug):
    event = _event(membership, event_slug)
    previous = Event.objects.get(pk=event.pk)
    # The form starts from the edit awaiting a moderator, if there is one, not the public version.
    form = EventForm(request.POST or None, instance=revisions.proposed(event, event.revisions))
    if request.method == "POST":
        if form.is_valid():
            event = form.save(commit=False)
            change, revision = services.save_edit(
                event, previous, request.user, reviewed=needs_approval(request.user)
            )
            if revision:
                messages.success(
                    request,
                    _(
                        "Saved. What the event says, when and where go public once a moderator approves "
                        "them; until then the public page shows the approved version."
                    ),
                )
            elif change:
                messages.success(
                    request, _("Saved. Everyone who signed up is being emailed about the change.")
                )
            else:
                messages.success(request, _("Saved."))
            return see_other(_detail_url(event))
        return _form_page(request, membership, form, previous, status=400)
    return _form_page(request, membership, form, event)


@require_GET
@member_required
def event_detail(request, membership, event_slug):
    return _detail_page(request, membership, _event(membership, event_slug))


def _detail_page(request, membership, event, status=200):
    attendees = Attendee.objects.filter(event=event)
    context = _context(
        membership,
        event=event,
        when=calendar.when_text(event),
        zone=calendar.zone_label(event),
        confirmed=attendees.filter(status=Attendee.Status.CONFIRMED).order_by("name", "pk")[:LIST_LIMIT],
        waitlist=attendees.filter(status=Attendee.Status.WAITLISTED).order_by("created_at", "pk")[
            :LIST_LIMIT
        ],
        cancelled_count=attendees.filter(status=Attendee.Status.CANCELLED).count(),
        pending_revision=revisions.pending(event.revisions),
        list_limit=LIST_LIMIT,
    )
    return render(request, "events/dashboard/event.html", context, status=status)


@require_POST
@member_required
def event_cancel(request, membership, event_slug):
    event = _event(membership, event_slug)
    if not request.POST.get("confirm"):
        messages.error(request, _("Tick the box to confirm that you want to cancel the event."))
        return _detail_page(request, membership, event, status=400)
    if services.cancel_event(event):
        messages.success(request, _("The event is cancelled. Everyone who signed up is being emailed."))
    return see_other(_detail_url(event))


def _attendee_rows(event):
    # Sign-ups whose email nobody confirmed are not attendees: anyone may have typed those addresses.
    attendees = Attendee.objects.filter(event=event).exclude(status=Attendee.Status.PENDING)
    values = attendees.order_by("created_at", "pk").values_list(*ATTENDEE_FIELDS)
    # A plain server-side cursor inside a transaction streams rows as they are read (see
    # organisers.exports).
    with transaction.atomic():
        for (
            name,
            email,
            status,
            organisation,
            accessibility,
            attended_at,
            consent,
            consent_text,
            consent_at,
            created_at,
            confirmed_at,
            promoted_at,
        ) in values.iterator(chunk_size=CURSOR_CHUNK):
            yield [
                neutralise(name),
                neutralise(email),
                status,
                neutralise(organisation),
                neutralise(accessibility),
                iso_utc(attended_at),
                yes_no(consent),
                neutralise(consent_text),
                iso_utc(consent_at),
                iso_utc(created_at),
                iso_utc(confirmed_at),
                iso_utc(promoted_at),
            ]


@require_GET
@member_required
def attendee_export(request, membership, event_slug):
    """Every sign-up (places, waitlist, cancelled) as CSV, streamed and logged like signatory exports."""
    event = _event(membership, event_slug)
    log = ExportLog.objects.create(
        campaign=membership.campaign,
        statement=None,
        statement_title=(_("Event: %(title)s") % {"title": event.title})[:200],
        user=request.user,
        user_email=request.user.email or "",
        kind=ExportLog.Kind.ATTENDEES,
        filters={"event": str(event.uuid)},
    )
    response = StreamingHttpResponse(
        exports.stream_csv(ATTENDEE_HEADER, _attendee_rows(event), log),
        content_type="text/csv; charset=utf-8",
    )
    filename = f"{event.campaign.slug}-{event.slug}-attendees-{timezone.now():%Y%m%d-%H%M}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Accel-Buffering"] = "no"
    return response


@require_GET
@member_required
def checkin(request, membership, event_slug):
    """The door list on a phone: search by name, one tap (a POST form per row) marks someone as here."""
    event = _event(membership, event_slug)
    query = " ".join(request.GET.get("q", "").split())[:100]
    attendees = Attendee.objects.filter(event=event, status=Attendee.Status.CONFIRMED)
    if query:
        attendees = attendees.filter(Q(name__icontains=query) | Q(email_normalized__icontains=query.lower()))
    total = attendees.count()
    context = _context(
        membership,
        event=event,
        query=query,
        attendees=attendees.order_by("name", "pk")[:CHECKIN_LIMIT],
        total=total,
        limit=CHECKIN_LIMIT,
        attended=Attendee.objects.filter(
            event=event, status=Attendee.Status.CONFIRMED, attended_at__isnull=False
        ).count(),
    )
    return render(request, "events/dashboard/checkin.html", context)


@require_POST
@member_required
def checkin_mark(request, membership, event_slug, attendee_uuid):
    event = _event(membership, event_slug)
    attendee = get_object_or_404(Attendee, event=event, uuid=attendee_uuid, status=Attendee.Status.CONFIRMED)
    services.mark_attended(attendee.pk, attended=request.POST.get("undo") != "1")
    url = reverse("events:dashboard_checkin", args=[event.campaign.slug, event.slug])
    query = " ".join(request.POST.get("q", "").split())[:100]
    if query:
        url += "?" + urlencode({"q": query})
    return see_other(f"{url}#a-{attendee.uuid}")
