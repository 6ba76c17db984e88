"""Membership belongs to the campaigns app now (campaigns 0001), and invitations and export logs point
at campaigns.Campaign: Django's state only, the tables and their foreign keys stay as they are."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('campaigns', '0001_initial'),
        ('organisers', '0004_invitation_mail_in_the_outbox'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(
                    model_name='membership',
                    name='one_membership_per_campaign',
                ),
                migrations.AlterField(
                    model_name='exportlog',
                    name='campaign',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='export_logs', to='campaigns.campaign'),
                ),
                migrations.AlterField(
                    model_name='invitation',
                    name='campaign',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='invitations', to='campaigns.campaign'),
                ),
                migrations.DeleteModel(
                    name='Membership',
                ),
            ],
            database_operations=[],
        ),
    ]
