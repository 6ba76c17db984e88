import uuid

import django.utils.timezone
from django.db import migrations, models
from django.db.models import F
from django.db.models.functions import Coalesce


def fill(apps, schema_editor):
    Statement = apps.get_model("petitions", "Statement")
    for pk in Statement.objects.values_list("pk", flat=True):
        Statement.objects.filter(pk=pk).update(uuid=uuid.uuid4())
    Signature = apps.get_model("petitions", "Signature")
    Signature.objects.update(modified_at=Coalesce(F("confirmed_at"), F("created_at")))


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0006_signature_fill_time"),
    ]

    operations = [
        migrations.AddField(
            model_name="signature",
            name="modified_at",
            field=models.DateTimeField(default=django.utils.timezone.now, editable=False),
        ),
        migrations.AddField(
            model_name="statement",
            name="uuid",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="statement",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name="signature",
            name="source",
            field=models.CharField(
                choices=[
                    ("web", "Web form"),
                    ("shortlink", "Short link"),
                    ("embed", "Embedded widget"),
                    ("paper", "Paper (imported)"),
                    ("api", "Organisers' API"),
                ],
                default="web",
                max_length=10,
            ),
        ),
        migrations.AddIndex(
            model_name="signature",
            index=models.Index(
                condition=models.Q(("status", "confirmed")),
                fields=["statement", "modified_at", "uuid"],
                name="signature_sync",
            ),
        ),
    ]
