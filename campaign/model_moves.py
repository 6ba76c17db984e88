"""For migrations that move a model to another app and keep its table (SeparateDatabaseAndState).

The table stays, and so must the model's content type row: permissions, groups and admin log
entries point at its id. Renaming its app label keeps them all. The model's admin pages move with
its app label; their old addresses redirect to the new ones (moved_admin_urls).
"""

from django.db import migrations
from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import URLPattern, get_script_prefix, re_path
from django.utils.encoding import escape_uri_path, iri_to_uri


def rename_content_types(moves: list[tuple[str, str, str]]) -> migrations.RunPython:
    """A RunPython operation that gives each moved model's content type its new app label, and back.

    `moves` is a list of (old app label, new app label, model name in lower case).
    """

    def rename(apps, pairs):
        ContentType = apps.get_model("contenttypes", "ContentType")
        for old, new, model in pairs:
            # A fresh database has neither yet (they are made after migrate); one half-migrated by
            # hand may have both: the old one carries the permissions and log entries, so it is kept.
            if ContentType.objects.filter(app_label=old, model=model).exists():
                ContentType.objects.filter(app_label=new, model=model).delete()
                ContentType.objects.filter(app_label=old, model=model).update(app_label=new)

    def forwards(apps, schema_editor):
        rename(apps, moves)

    def backwards(apps, schema_editor):
        rename(apps, [(new, old, model) for old, new, model in moves])

    return migrations.RunPython(forwards, backwards)


# Every model moved so far, (old app label, new app label, model name in lower case), as its
# migration gave them: campaigns/0001 and safety/0001.
MOVED = [
    ("petitions", "campaigns", "campaign"),
    ("petitions", "campaigns", "campaigntranslation"),
    ("organisers", "campaigns", "membership"),
    ("moderation", "safety", "blockrule"),
    ("moderation", "safety", "auditentry"),
]


def _moved_admin_page(request, new: str, model: str, rest: str = ""):
    """A permanent redirect to the same admin page under the model's new app, with the same query.

    The target is built from a fixed start (/admin/<new app>/<model>/) and the rest of the path,
    percent-encoded again, so it cannot leave the admin: not for //host, \\host or encoded slashes
    (they become path segments there), nor for . or .. segments, which are refused (a browser would
    resolve them above /admin/). The admin checks who may see the target.
    """
    if any(segment in {".", ".."} for segment in rest.split("/")):
        raise Http404
    target = f"{get_script_prefix()}admin/{new}/{model}/{escape_uri_path(rest)}"
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{target}?{iri_to_uri(query)}" if query else target)


def moved_admin_urls(moves=MOVED) -> list[URLPattern]:
    """/admin/<old app>/<model>/… → /admin/<new app>/<model>/…, for the addresses of the admin pages
    of moved models that staff have bookmarked or linked to. Mount them before the admin's own."""
    return [
        re_path(rf"^admin/{old}/{model}/(?P<rest>(?s:.*))\Z", _moved_admin_page, {"new": new, "model": model})
        for old, new, model in moves
    ]
