from django.db import migrations
from django.db.models import Exists, F, OuterRef


def move_due_mails_to_the_outbox(apps, schema_editor):
    """Mails that were due become outbox rows: "your place" mails, and change notices not yet sent."""
    Attendee = apps.get_model("events", "Attendee")
    EventChange = apps.get_model("events", "EventChange")
    ChangeNotice = apps.get_model("events", "ChangeNotice")
    OutboxMessage = apps.get_model("outbox", "OutboxMessage")
    active = ["confirmed", "waitlisted"]
    rows = [
        OutboxMessage(kind="events.attendee", to=email, ref=str(pk), campaign_id=campaign_id)
        for pk, email, campaign_id in Attendee.objects.filter(
            mails_sent__lt=F("mails_requested"), status__in=active
        )
        .exclude(email="")
        .values_list("pk", "email", "event__campaign_id")
        .iterator()
    ]
    for change in EventChange.objects.filter(notices_done_at=None).iterator():
        told = ChangeNotice.objects.filter(change=change, attendee=OuterRef("pk"))
        recipients = (
            Attendee.objects.filter(event_id=change.event_id, status__in=active, created_at__lt=change.created_at)
            .exclude(Exists(told))
            .exclude(email="")
            .values_list("pk", "email", "event__campaign_id")
        )
        for pk, email, campaign_id in recipients:
            ChangeNotice.objects.create(change=change, attendee_id=pk)
            rows.append(
                OutboxMessage(
                    kind="events.change", to=email, ref=str(pk), context={"change": change.pk}, campaign_id=campaign_id
                )
            )
    OutboxMessage.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0007_queues_and_plurals"),
        ("outbox", "0001_messages"),
    ]

    operations = [
        migrations.RunPython(move_due_mails_to_the_outbox, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name="attendee", name="attendee_mail_due"),
        migrations.RemoveField(model_name="eventchange", name="notices_done_at"),
        migrations.RemoveField(model_name="attendee", name="last_mailed_at"),
        migrations.RemoveField(model_name="attendee", name="mails_sent"),
    ]
