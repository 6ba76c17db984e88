"""Edits that wait for a moderator: what statements and events share (see models.Revision).

`propose` keeps the public object as it is and records the reviewed fields an organiser changed;
`proposed` shows an object as the pending edit would make it (for the organiser's form and the
moderator's comparison); `apply` copies an approved edit onto the object, which the caller saves.
"""

from django.db import models, transaction
from django.utils import timezone

from .models import Revision


def pending(revisions) -> Revision | None:
    """The pending revision in a related manager (statement.revisions, event.revisions), if any."""
    return revisions.filter(decision=Revision.Decision.PENDING).first()


def apply(obj: models.Model, changes: dict) -> models.Model:
    for name, value in changes.items():
        field = obj._meta.get_field(name)
        setattr(obj, field.attname, field.to_python(value))
    return obj


def proposed(obj: models.Model, revisions) -> models.Model:
    """A copy of obj with its pending edit applied (obj itself if there is none)."""
    revision = pending(revisions)
    if revision is None:
        return obj
    copy = type(obj).objects.get(pk=obj.pk)
    return apply(copy, revision.changes)


def propose(revisions, current: models.Model, edited: models.Model, fields, author) -> Revision | None:
    """Record the reviewed `fields` in which `edited` differs from `current` as the pending revision,
    and put `current`'s values back on `edited` so that saving it changes only what needs no review.

    Returns the pending revision, or None when the edit changes no reviewed field (an earlier pending
    revision is then withdrawn: the organiser went back to the approved text).
    """
    changes = {
        name: current._meta.get_field(name).value_to_string(edited)
        for name in fields
        if getattr(edited, name) != getattr(current, name)
    }
    for name in fields:
        setattr(edited, name, getattr(current, name))
    with transaction.atomic():
        revision = revisions.select_for_update().filter(decision=Revision.Decision.PENDING).first()
        if not changes:
            if revision is not None:
                revision.delete()
            return None
        if revision is None:
            return revisions.create(changes=changes, author=author)
        revision.changes, revision.author, revision.updated_at = changes, author, timezone.now()
        revision.save(update_fields=["changes", "author", "updated_at"])
        return revision
