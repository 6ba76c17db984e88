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
        if getattr(self, "shown_language", None) is not None:
            # localise_campaign() put a translation's text on this instance for display only.
            raise ValueError("a campaign shown in a visitor's language cannot be saved")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("petitions:campaign", args=[self.slug])


class CampaignTranslation(models.Model):
    """The campaign's title and summary in another language (see petitions.translations)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=2000, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "language"], name="one_campaign_translation_per_language"
            ),
        ]
        db_table = "petitions_campaigntranslation"

    def __str__(self):
        return f"{self.campaign} ({self.language})"


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
