"""Who may open a campaign's dashboard pages: the one access check every app's dashboard uses."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import services


def member_required(view=None, *, owner=False):
    """Give the view the user's membership of the campaign in the URL; 404 for non-members.

    Members who are not owners get 403 on owners' pages: they know the campaign exists already.
    """

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, campaign_slug, *args, **kwargs):
            membership = services.membership_or_404(request.user, campaign_slug)
            if owner and not membership.is_owner:
                return render(request, "organisers/forbidden.html", {"membership": membership}, status=403)
            return view(request, membership, *args, **kwargs)

        return wrapper

    return decorator(view) if view else decorator
