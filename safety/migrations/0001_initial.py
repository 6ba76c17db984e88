"""The block lists and the audit trail, moved from the moderation app: the tables stay where they
are (db_table), only Django's idea of which app owns them changes, and so do their content types,
so that permissions, groups and admin log entries keep pointing at them."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from campaign.model_moves import rename_content_types


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("moderation", "0004_queues_and_plurals"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AuditEntry",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("actor_name", models.CharField(max_length=150)),
                        ("created_at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                        ("action", models.CharField(db_index=True, max_length=40)),
                        ("object_type", models.CharField(max_length=60)),
                        ("object_id", models.CharField(max_length=64)),
                        ("object_repr", models.CharField(blank=True, max_length=200)),
                        ("reason", models.TextField(blank=True, max_length=1000)),
                        ("details", models.JSONField(blank=True, default=dict)),
                        ("actor", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "verbose_name": "audit entry",
                        "verbose_name_plural": "audit trail",
                        "db_table": "moderation_auditentry",
                        "ordering": ["-created_at", "-id"],
                        "indexes": [models.Index(fields=["object_type", "object_id"], name="moderation__object__63b568_idx")],
                    },
                ),
                migrations.CreateModel(
                    name="BlockRule",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(choices=[("email", "Email address"), ("domain", "Email domain"), ("ip", "IP address or range (CIDR)")], max_length=6)),
                        ("value", models.CharField(help_text="An email address; a domain such as example.com, or *.example.com for the domain and all its subdomains; or an IP address or range such as 203.0.113.0/24 or 2001:db8::/32.", max_length=254)),
                        ("reason", models.CharField(blank=True, max_length=300)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ("created_by", models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "verbose_name": "block rule",
                        "db_table": "moderation_blockrule",
                        "ordering": ["kind", "value"],
                        "constraints": [models.UniqueConstraint(fields=("kind", "value"), name="one_block_rule_per_value")],
                    },
                ),
            ],
            database_operations=[],
        ),
        rename_content_types(
            [("moderation", "safety", "blockrule"), ("moderation", "safety", "auditentry")]
        ),
    ]
