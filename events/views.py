"""Public event pages, signing up, and each attendee's own page (reached by a signed link)."""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from campaign.http import see_other
from petitions.signup import request_info, tracking_initial

from . import calendar, services
from .emails import manage_url
from .forms import EventSignUpForm
from .models import Attendee, Event
from .tokens import InvalidToken, make_manage_token, read_manage_token
from .translations import localise_event
from .video import frame_sources, video


def _public_event(campaign_slug, event_slug) -> Event:
    return get_object_or_404(
        Event.objects.public().select_related("campaign"), campaign__slug=campaign_slug, slug=event_slug
    )


def _event_page(request, event, form, status=200, **extra):
    places = services.places_left(event)
    recording = video(event.recording_url)
    livestream = video(event.livestream_url) if not event.is_past and not recording else None
    context = {
        "recording": recording,
        "livestream": livestream,
        "event": localise_event(event),
        "places_left": places,
        "full": places == 0,
        "form": form,
        "when": calendar.when_text(event),
        "zone": calendar.zone_label(event),
        **extra,
    }
    response = render(request, "events/event.html", context, status=status)
    if players := frame_sources(recording, livestream):
        # Only this event's player may be framed on its page; the rest of the policy stays.
        response._csp_config = {**settings.SECURE_CSP, "frame-src": players}
    return response


@require_http_methods(["GET", "POST"])
def event(request, campaign_slug, event_slug):
    event = _public_event(campaign_slug, event_slug)
    if not event.signups_open:
        # Past, started, cancelled or closed: the page says which, and takes no sign-ups.
        return _event_page(request, event, None, status=400 if request.method == "POST" else 200)
    if request.method == "GET":
        return _event_page(request, event, EventSignUpForm(event=event, initial=tracking_initial(request)))
    form = EventSignUpForm(request.POST, event=event)
    if not form.is_valid():
        return _event_page(request, event, form, status=400)
    if not form.is_bot:
        try:
            result = services.sign_up(event, form.cleaned_data, request_info(request, form))
        except services.SignUpsClosed:
            event.refresh_from_db()
            return _event_page(request, event, None, status=400)
        if result.refused:
            return render(request, "events/full.html", {"event": localise_event(event)}, status=409)
    # 303 whether or not this email had signed up before: nothing to enumerate.
    return see_other(reverse("events:check_email", args=[campaign_slug, event_slug]))


@require_GET
def check_email(request, campaign_slug, event_slug):
    event = localise_event(_public_event(campaign_slug, event_slug))
    context = {"event": event, "hold_minutes": settings.EVENT_PLACE_HOLD_MINUTES}
    return render(request, "events/check_email.html", context)


@never_cache
@require_GET
def confirm(request, token):
    """The link in the sign-up email: the mailbox owner takes the place (or joins the waitlist)."""
    try:
        result = services.confirm_place(token)
    except InvalidToken:
        return _invalid_link(request)
    event = result.attendee.event
    if result.full:
        return render(request, "events/full.html", {"event": event}, status=409)
    if result.closed:
        return _event_page(request, event, None, status=400)
    if result.stale and result.attendee.status == Attendee.Status.PENDING:
        return render(request, "events/confirm_replaced.html", {"event": event}, status=410)
    return see_other(reverse("events:attendee", args=[make_manage_token(result.attendee)]))


def _attendee_from_token(token) -> Attendee | None:
    try:
        attendee_uuid = read_manage_token(token)
    except InvalidToken:
        return None
    return Attendee.objects.select_related("event__campaign").filter(uuid=attendee_uuid).first()


def _invalid_link(request):
    return render(request, "events/attendee_invalid.html", status=400)


@never_cache
@require_GET
def attendee(request, token):
    attendee = _attendee_from_token(token)
    if attendee is None:
        return _invalid_link(request)
    event = attendee.event
    has_place = attendee.has_place and not event.is_cancelled
    context = {
        "attendee": attendee,
        "event": event,
        "token": token,
        "when": calendar.when_text(event),
        "zone": calendar.zone_label(event),
        "has_place": has_place,
        # Only someone with a place sees the join link and a hidden address.
        "join_url": event.join_url if has_place and event.is_online else "",
        "show_place": event.is_in_person and (has_place or not event.reveal_place_after_signup),
        "google_calendar_url": calendar.google_calendar_url(event, details=manage_url(attendee))
        if has_place
        else "",
        "can_cancel": attendee.status in services.ACTIVE and not event.has_started and not event.is_cancelled,
    }
    # The URL is the attendee's key: the site-wide same-origin referrer policy keeps it from other
    # sites (no-referrer would make browsers send "Origin: null", which fails the CSRF check).
    return render(request, "events/attendee.html", context)


@never_cache
@require_GET
def attendee_ics(request, token):
    attendee = _attendee_from_token(token)
    if attendee is None or not attendee.has_place:
        return _invalid_link(request)
    url = manage_url(attendee)
    event = attendee.event
    details = f"{event.join_url}\n\n{url}" if event.is_online and event.join_url else url
    content = calendar.ics(event, attendee, description=details, url=url)
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def attendee_cancel(request, token):
    """GET asks once ("Cancel your place?"); only the POST from that page cancels, so neither a
    slip of the finger on the attendee page nor a mail scanner following the link cancels."""
    attendee = _attendee_from_token(token)
    if attendee is None:
        return _invalid_link(request)
    if attendee.event.has_started or attendee.status not in services.ACTIVE:
        return see_other(reverse("events:attendee", args=[token]))
    if request.method == "GET":
        context = {"attendee": attendee, "event": localise_event(attendee.event), "token": token}
        return render(request, "events/cancel.html", context)
    services.cancel(attendee.pk)
    return see_other(reverse("events:attendee", args=[token]) + "?cancelled=1")
