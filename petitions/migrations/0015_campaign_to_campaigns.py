"""Campaign and CampaignTranslation belong to the campaigns app now (campaigns 0001): petitions lets
go of them in Django's state only, once every app's foreign keys point at campaigns.Campaign."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('api', '0003_campaign_to_campaigns'),
        ('events', '0009_campaign_to_campaigns'),
        ('funds', '0005_campaign_to_campaigns'),
        ('organisers', '0005_campaign_to_campaigns'),
        ('petitions', '0014_campaign_to_campaigns'),
        ('sharing', '0002_campaign_to_campaigns'),
        ('updates', '0004_campaign_to_campaigns'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name='Campaign',
                ),
                migrations.DeleteModel(
                    name='CampaignTranslation',
                ),
            ],
            database_operations=[],
        ),
    ]
