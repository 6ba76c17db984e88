"""Who may open a campaign's dashboard pages: the one access check every app's dashboard uses;
and whose content waits for a moderator before it goes public.

The 403 page for members who are not owners is the dashboard's (organisers/forbidden.html): a
template, found by name, so no import runs upward.
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from .models import Membership


def membership_or_404(user, campaign_slug: str) -> Membership:
    """The user's membership of this campaign; 404 for outsiders, so campaigns cannot be probed."""
    if not user.is_authenticated:
        raise Http404
    membership = (
        Membership.objects.select_related("campaign").filter(user=user, campaign__slug=campaign_slug).first()
    )
    if membership is None:
        raise Http404
    return membership


def member_required(view=None, *, owner=False):
    """Give the view the user's membership of the campaign in the URL; 404 for non-members.

    Members who are not owners get 403 on owners' pages: they know the campaign exists already.
    """

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, campaign_slug, *args, **kwargs):
            membership = membership_or_404(request.user, campaign_slug)
            if owner and not membership.is_owner:
                return render(request, "organisers/forbidden.html", {"membership": membership}, status=403)
            return view(request, membership, *args, **kwargs)

        return wrapper

    return decorator(view) if view else decorator


def needs_approval(user) -> bool:
    """Whether what this member writes (statements, events, their edits) waits for a moderator before
    it goes public: yes, unless they are staff or ORGANISER_CONTENT_NEEDS_APPROVAL is off."""
    return settings.ORGANISER_CONTENT_NEEDS_APPROVAL and not user.is_staff
