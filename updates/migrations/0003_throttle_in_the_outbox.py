from datetime import timedelta

from django.conf import settings
from django.db import migrations
from django.utils import timezone


def move_pending_deliveries_to_the_outbox(apps, schema_editor):
    """Deliveries still pending become outbox rows, due at the updates' throttled pace from now."""
    Delivery = apps.get_model("updates", "Delivery")
    OutboxMessage = apps.get_model("outbox", "OutboxMessage")
    now = timezone.now()
    pending = (
        Delivery.objects.filter(status="pending", update__status="sending")
        .order_by("update_id", "pk")
        .values_list("pk", "signature__email", "update__statement_id", "update__statement__campaign_id")
    )
    size, every = settings.UPDATES_BATCH_SIZE, settings.UPDATES_BATCH_SECONDS
    OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(
                kind="updates.update",
                to=email,
                ref=str(pk),
                due_at=now + timedelta(seconds=every * (n // size)),
                statement_id=statement_id,
                campaign_id=campaign_id,
            )
            for n, (pk, email, statement_id, campaign_id) in enumerate(pending.iterator())
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("updates", "0002_approval"),
        ("outbox", "0001_messages"),
    ]

    operations = [
        migrations.RunPython(move_pending_deliveries_to_the_outbox, migrations.RunPython.noop),
        migrations.RemoveField(model_name="update", name="next_batch_at"),
    ]
