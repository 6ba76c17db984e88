"""Statements belong to campaigns.Campaign now (campaigns 0001); Django's state only, the table and
its foreign key stay as they are."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('campaigns', '0001_initial'),
        ('petitions', '0013_signature_mails_in_the_outbox'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='statement',
                    name='campaign',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='statements', to='campaigns.campaign'),
                ),
                migrations.RemoveConstraint(
                    model_name='campaigntranslation',
                    name='one_campaign_translation_per_language',
                ),
                migrations.RemoveField(
                    model_name='campaigntranslation',
                    name='campaign',
                ),
            ],
            database_operations=[],
        ),
    ]
