"""Campaign, CampaignTranslation and Membership, moved from petitions and organisers: the tables stay
where they are (db_table), only Django's idea of which app owns them changes, and so do their
content types, so that permissions, groups and admin log entries keep pointing at them."""

import campaign.slugs
import django.db.models.deletion
import django.utils.timezone
import uuid
from django.conf import settings
from django.db import migrations, models

from campaign.model_moves import rename_content_types


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("organisers", "0004_invitation_mail_in_the_outbox"),
        ("petitions", "0013_signature_mails_in_the_outbox"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Campaign',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('slug', models.SlugField(max_length=60, unique=True)),
                        ('title', models.CharField(max_length=200)),
                        ('summary', models.TextField(blank=True, max_length=2000)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                    ],
                    options={
                        'db_table': 'petitions_campaign',
                        'ordering': ['-created_at'],
                    },
                    bases=(campaign.slugs.ReservedSlugMixin, models.Model),
                ),
                migrations.CreateModel(
                    name='CampaignTranslation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('language', models.CharField(choices=[('en', 'English'), ('es', 'Spanish')], max_length=10, verbose_name='language')),
                        ('title', models.CharField(max_length=200, verbose_name='title')),
                        ('summary', models.TextField(blank=True, max_length=2000, verbose_name='summary')),
                        ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='translations', to='campaigns.campaign')),
                    ],
                    options={
                        'db_table': 'petitions_campaigntranslation',
                        'constraints': [models.UniqueConstraint(fields=('campaign', 'language'), name='one_campaign_translation_per_language')],
                    },
                ),
                migrations.CreateModel(
                    name='Membership',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('role', models.CharField(choices=[('owner', 'Owner'), ('organiser', 'Organiser')], default='organiser', max_length=10)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='campaigns.campaign')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='campaign_memberships', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'organisers_membership',
                        'ordering': ['campaign', 'role', 'created_at'],
                        'constraints': [models.UniqueConstraint(fields=('campaign', 'user'), name='one_membership_per_campaign')],
                    },
                ),
            ],
            database_operations=[],
        ),
        rename_content_types(
            [
                ("petitions", "campaigns", "campaign"),
                ("petitions", "campaigns", "campaigntranslation"),
                ("organisers", "campaigns", "membership"),
            ]
        ),
    ]
