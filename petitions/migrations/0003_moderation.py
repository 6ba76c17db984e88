from django.db import migrations, models


def fill_email_domains(apps, schema_editor):
    Signature = apps.get_model("petitions", "Signature")
    batch = []
    for signature in Signature.objects.filter(email_domain="").only("pk", "email_normalized").iterator():
        signature.email_domain = signature.email_normalized.rpartition("@")[2]
        batch.append(signature)
        if len(batch) >= 2000:
            Signature.objects.bulk_update(batch, ["email_domain"])
            batch = []
    if batch:
        Signature.objects.bulk_update(batch, ["email_domain"])


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0002_statuses_listing_sources"),
    ]

    operations = [
        migrations.AddField(
            model_name="statement",
            name="auto_approve_individuals",
            field=models.BooleanField(
                default=True,
                help_text="Individuals who choose to be listed appear once they confirm; otherwise a moderator approves each one. Organisations are always approved by a moderator.",
                verbose_name="list individuals without review",
            ),
        ),
        migrations.AddField(
            model_name="signature",
            name="email_domain",
            field=models.CharField(blank=True, editable=False, max_length=254),
        ),
        migrations.AddField(
            model_name="signature",
            name="hold_reason",
            field=models.CharField(blank=True, editable=False, max_length=40),
        ),
        migrations.AddIndex(
            model_name="signature",
            index=models.Index(fields=["created_at"], name="signature_created"),
        ),
        migrations.AddIndex(
            model_name="signature",
            index=models.Index(
                condition=models.Q(("listing", "approved"), ("show_publicly", True), ("status", "confirmed")),
                fields=["statement", "kind"],
                name="signature_public_listing",
            ),
        ),
        migrations.AddIndex(
            model_name="signature",
            index=models.Index(
                condition=models.Q(("listing", "pending")), fields=["created_at"], name="signature_listing_due"
            ),
        ),
        migrations.RunPython(fill_email_domains, migrations.RunPython.noop),
    ]
