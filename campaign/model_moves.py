"""For migrations that move a model to another app and keep its table (SeparateDatabaseAndState).

The table stays, and so must the model's content type row: permissions, groups and admin log
entries point at its id. Renaming its app label keeps them all.
"""

from django.db import migrations


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
