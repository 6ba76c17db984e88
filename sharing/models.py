"""Short links (/s/peru) to a statement or an event, set by organisers or moderators."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaign.slugs import validate_not_reserved
from campaigns.models import Campaign
from events.models import Event
from petitions.models import Statement

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$", re.IGNORECASE)
# Paths under /s/ kept free for pages the site may add, beside every segment it routes today.
RESERVED = frozenset({"api", "media", "new"})


def validate_short_slug(value: str) -> None:
    if not SLUG_RE.fullmatch(value or ""):
        raise ValidationError(
            _("Use 1–60 letters, digits and hyphens, not starting or ending with a hyphen."),
            code="invalid",
        )
    if value.lower() in RESERVED:
        raise ValidationError(
            _("“%(slug)s” is the address of one of the site's own pages. Choose another."),
            code="reserved",
            params={"slug": value},
        )
    validate_not_reserved(value)


class ShortLink(models.Model):
    # Stored lower-case; unique whatever the case people type it in.
    slug = models.CharField(max_length=60, validators=[validate_short_slug])
    # Filled in from the target: organisers see and manage their own campaign's links.
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="short_links", editable=False
    )
    statement = models.ForeignKey(
        Statement, null=True, blank=True, on_delete=models.CASCADE, related_name="short_links"
    )
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.CASCADE, related_name="short_links"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["slug"]
        constraints = [
            models.UniqueConstraint(Lower("slug"), name="short_link_slug_unique_any_case"),
            models.CheckConstraint(
                condition=Q(statement__isnull=False, event__isnull=True)
                | Q(statement__isnull=True, event__isnull=False),
                name="short_link_one_target",
            ),
        ]

    def __str__(self):
        return f"/s/{self.slug}"

    def save(self, *args, **kwargs):
        self.slug = (self.slug or "").strip().lower()
        if self.campaign_id is None:
            self.campaign_id = (self.statement or self.event).campaign_id
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"/s/{self.slug}"

    def clean(self):
        self.slug = (self.slug or "").strip().lower()
        if (self.statement_id is None) == (self.event_id is None):
            raise ValidationError(_("Choose either a statement or an event."))
        if ShortLink.objects.filter(slug__iexact=self.slug).exclude(pk=self.pk).exists():
            raise ValidationError({"slug": _("This short link is taken.")})

    @property
    def target(self):
        return self.statement or self.event
