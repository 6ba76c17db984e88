from django.db import migrations
from django.db.models import F


def move_due_mails_to_the_outbox(apps, schema_editor):
    """Mails that were due (mails_sent < mails_requested) become outbox rows, one per signature."""
    Signature = apps.get_model("petitions", "Signature")
    OutboxMessage = apps.get_model("outbox", "OutboxMessage")
    due = (
        Signature.objects.filter(mails_sent__lt=F("mails_requested"), status__in=["pending", "held"])
        .exclude(email="")
        .values_list("pk", "email", "language", "statement_id", "statement__campaign_id")
    )
    OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(
                kind="petitions.signature",
                to=email,
                ref=str(pk),
                language=language,
                statement_id=statement_id,
                campaign_id=campaign_id,
            )
            for pk, email, language, statement_id, campaign_id in due.iterator()
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0012_statement_modified_at"),
        ("outbox", "0001_messages"),
    ]

    operations = [
        migrations.RunPython(move_due_mails_to_the_outbox, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name="signature", name="signature_mail_due"),
        migrations.RemoveField(model_name="signature", name="last_mailed_at"),
        migrations.RemoveField(model_name="signature", name="mails_sent"),
    ]
