from django.db import migrations
from django.utils import timezone


def move_unsent_invitations_to_the_outbox(apps, schema_editor):
    Invitation = apps.get_model("organisers", "Invitation")
    OutboxMessage = apps.get_model("outbox", "OutboxMessage")
    unsent = Invitation.objects.filter(sent_at=None, used_at=None, expires_at__gt=timezone.now())
    OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(kind="organisers.invitation", to=email, ref=str(pk), campaign_id=campaign_id)
            for pk, email, campaign_id in unsent.values_list("pk", "email", "campaign_id")
        ]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("organisers", "0003_paper_import_source_declaration"),
        ("outbox", "0001_messages"),
    ]

    operations = [
        migrations.RunPython(move_unsent_invitations_to_the_outbox, migrations.RunPython.noop),
        migrations.RemoveField(model_name="invitation", name="sent_at"),
    ]
