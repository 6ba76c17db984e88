"""Point at campaigns.Campaign (campaigns 0001), where Campaign moved from petitions: Django's state
only, the table and its foreign key stay as they are."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('campaigns', '0001_initial'),
        ('sharing', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='shortlink',
                    name='campaign',
                    field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.CASCADE, related_name='short_links', to='campaigns.campaign'),
                ),
            ],
            database_operations=[],
        ),
    ]
