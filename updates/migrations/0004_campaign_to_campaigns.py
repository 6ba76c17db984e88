"""Point at campaigns.Campaign (campaigns 0001), where Campaign moved from petitions: Django's state
only, the table and its foreign key stay as they are."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('campaigns', '0001_initial'),
        ('updates', '0003_throttle_in_the_outbox'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='policy',
                    name='campaign',
                    field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='update_policy', to='campaigns.campaign'),
                ),
                migrations.AlterField(
                    model_name='unsubscribe',
                    name='campaign',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='unsubscribes', to='campaigns.campaign'),
                ),
            ],
            database_operations=[],
        ),
    ]
