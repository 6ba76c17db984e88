"""The block lists and the audit trail belong to the safety app now (safety 0001): moderation lets go
of them in Django's state only; the tables stay."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("moderation", "0004_queues_and_plurals"),
        ("safety", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="AuditEntry"),
                migrations.DeleteModel(name="BlockRule"),
            ],
            database_operations=[],
        ),
    ]
