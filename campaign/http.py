"""HTTP helpers every app shares."""

from django.http import HttpResponseRedirect


def see_other(url: str) -> HttpResponseRedirect:
    """303 See Other: after a POST, the browser GETs the next page (a reload never posts again)."""
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response
