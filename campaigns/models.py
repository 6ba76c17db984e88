"""The campaign every app's rows belong to, and who may act for it (membership and role): the
bottom of the apps. Petitions, events, funds, updates, sharing, the API and the organisers'
dashboard stand on it; it imports none of them.

The tables keep the names they were created with in petitions and organisers (db_table).
"""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaign.slugs import ReservedSlugMixin
from campaign.translations import Translation, refuse_if_localised


class Campaign(ReservedSlugMixin, models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]
        db_table = "petitions_campaign"

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        refuse_if_localised(self)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("petitions:campaign", args=[self.slug])


class CampaignTranslation(Translation):
    """The campaign's title and summary in another language (see campaigns.translations)."""

    translates = "campaign"
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="translations")
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=2000, blank=True)

    class Meta:
        constraints = [Translation.one_per_language("campaign", "one_campaign_translation_per_language")]
        db_table = "petitions_campaigntranslation"


class Role(models.TextChoices):
    # Owners can do everything, including inviting and removing members and deleting lists.
    OWNER = "owner", _("Owner")
    # Organisers edit content, and view and export lists.
    ORGANISER = "organiser", _("Organiser")


class Membership(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="campaign_memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.ORGANISER)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["campaign", "role", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "user"], name="one_membership_per_campaign"),
        ]
        db_table = "organisers_membership"

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}) in {self.campaign}"

    @property
    def is_owner(self) -> bool:
        return self.role == Role.OWNER
