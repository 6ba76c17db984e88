"""Point at campaigns.Campaign (campaigns 0001), where Campaign moved from petitions: Django's state
only, the table and its foreign key stay as they are."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('campaigns', '0001_initial'),
        ('funds', '0004_fund_modified_at'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='fund',
                    name='campaign',
                    field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='fund', to='campaigns.campaign'),
                ),
            ],
            database_operations=[],
        ),
    ]
