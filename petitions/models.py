import uuid

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from campaign.slugs import ReservedSlugMixin
from campaign.translations import Translation, refuse_if_localised
from campaigns.models import Campaign

from .text import render_markdown

# The least a progress bar shows once there is anything to show: 5 of 5,000 is 0.1 %, which draws
# as an empty bar, and a first signer should see their signature moved it.
MIN_VISIBLE_PERCENT = 2


def visible_percent(value, target) -> int:
    """Progress towards target as a whole percentage for a bar: 0 only at 0, at most 100."""
    if value <= 0 or not target:
        return 0
    return min(100, max(MIN_VISIBLE_PERCENT, int(100 * value / target)))


def campaigns_with_open_statements():
    """Campaigns with a public, open statement, newest first (the home page)."""
    open_statements = Statement.objects.public().filter(campaign=OuterRef("pk"), status=Statement.Status.OPEN)
    return Campaign.objects.filter(Exists(open_statements)).order_by("-created_at")


class StatementQuerySet(models.QuerySet):
    def public(self):
        return self.exclude(status=Statement.Status.DRAFT).filter(approved_at__isnull=False)

    def awaiting_approval(self):
        return self.filter(approved_at__isnull=True)


class Statement(ReservedSlugMixin, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    # The public id in the organisers' API (slugs can be changed by organisers).
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="statements")
    slug = models.SlugField(max_length=60)
    title = models.CharField(max_length=200)
    body = models.TextField(max_length=50000, help_text=_("Markdown. HTML is sanitised."))
    body_html = models.TextField(editable=False, default="")
    target = models.PositiveIntegerField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    ask_organisation = models.BooleanField(
        _("ask organisation and role"),
        default=True,
        help_text=_("Let people sign on behalf of an organisation."),
    )
    ask_location = models.BooleanField(_("ask city or postcode"), default=False)
    ask_comment = models.BooleanField(_("ask for a comment"), default=False)

    class ListingReview(models.TextChoices):
        ORGANISATIONS = (
            "organisations",
            _("A moderator checks organisations; individuals are listed when they confirm"),
        )
        EVERYONE = "everyone", _("A moderator checks everyone before they are listed")
        NONE = "none", _("Everyone who asks is listed when they confirm, without review")

    listing_review = models.CharField(
        _("public list of signatories"),
        max_length=16,
        choices=ListingReview.choices,
        default=ListingReview.ORGANISATIONS,
        help_text=_("Who must be checked by a moderator before their name appears on the public list."),
    )
    # Maintained by the tally task from confirmed signatures; never updated per signature.
    signature_count = models.PositiveIntegerField(default=0, editable=False)
    counted_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # When its text, status, target or closing time last changed: a database trigger keeps it (api.sync).
    modified_at = models.DateTimeField(default=timezone.now, editable=False)
    # None while a moderator has yet to approve a statement written by an organiser who is not staff
    # (ORGANISER_CONTENT_NEEDS_APPROVAL); such a statement is not public, whatever its status.
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True, default=timezone.now)

    objects = StatementQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "slug"], name="statement_slug_per_campaign"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        refuse_if_localised(self)
        self.body_html = render_markdown(self.body)
        if kwargs.get("update_fields") is not None and "body" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "body_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("petitions:statement", args=[self.campaign.slug, self.slug])

    def listing_reviewed(self, kind: str) -> bool:
        """Whether a signer of this kind who asks to be listed waits for a moderator."""
        if self.listing_review == self.ListingReview.EVERYONE:
            return True
        return self.listing_review == self.ListingReview.ORGANISATIONS and kind == Signature.Kind.ORGANISATION

    @property
    def listing_note(self) -> str:
        """What happens to a signer's name if they ask to be listed, said beside the signing form."""
        if self.listing_review == self.ListingReview.EVERYONE:
            return gettext("If you ask to be listed, your name appears after a moderator has checked it.")
        if self.listing_review == self.ListingReview.ORGANISATIONS and self.ask_organisation:
            return gettext(
                "If you ask to be listed, your name appears once you confirm by email; an "
                "organisation's name appears after a moderator has checked it."
            )
        return gettext("If you ask to be listed, your name appears once you confirm by email.")

    @property
    def signatories_note(self) -> str:
        """When names appear on the public list, said on that list."""
        if self.listing_review == self.ListingReview.EVERYONE:
            return gettext("Names appear here after a moderator has checked them.")
        if self.listing_review == self.ListingReview.ORGANISATIONS and self.ask_organisation:
            return gettext(
                "People signing as individuals appear here once they confirm; organisations after a "
                "moderator has checked them."
            )
        return gettext("Names appear here once the signers confirm their signature.")

    @property
    def is_open(self):
        if self.status != self.Status.OPEN:
            return False
        return self.closes_at is None or timezone.now() < self.closes_at

    @property
    def is_closed(self):
        return self.status == self.Status.CLOSED or (self.status == self.Status.OPEN and not self.is_open)

    @property
    def progress_percent(self):
        if not self.target:
            return None
        return visible_percent(self.signature_count, self.target)


class Revision(models.Model):
    """An edit to approved content by an organiser who is not staff (ORGANISER_CONTENT_NEEDS_APPROVAL).

    The public keeps the approved version until a moderator approves this one; a later edit by the
    same or another organiser updates the pending revision rather than queueing a second one.
    """

    class Decision(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    # Field name → proposed value as the field serialises it (Field.value_to_string).
    changes = models.JSONField(default=dict)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)

    # The subclass's foreign key to what it revises ("statement", "event"); the audit trail and the
    # moderators' queue name the object by it too.
    revises = ""

    class Meta:
        abstract = True
        ordering = ["updated_at", "pk"]

    def __str__(self):
        return str(self.revised)

    @property
    def revised(self) -> models.Model:
        return getattr(self, self.revises)

    @staticmethod
    def one_pending(revises: str, name: str) -> models.UniqueConstraint:
        """The constraint `revisions.propose` relies on: one pending revision per revised object."""
        return models.UniqueConstraint(fields=[revises], condition=Q(decision="pending"), name=name)


class StatementRevision(Revision):
    revises = "statement"
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="revisions")

    class Meta(Revision.Meta):
        verbose_name = _("edit to a statement")
        constraints = [Revision.one_pending("statement", "one_pending_statement_revision")]


class StatementTranslation(Translation):
    """The statement's text in another language: one statement, one total, each signer reading it in
    their language (see petitions.translations.localise)."""

    translates = "statement"
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="translations")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), max_length=50000, help_text=_("Markdown. HTML is sanitised."))
    body_html = models.TextField(editable=False, default="")

    class Meta:
        constraints = [Translation.one_per_language("statement", "one_translation_per_language")]

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        super().save(*args, **kwargs)


class SignatureQuerySet(models.QuerySet):
    def publicly_listed(self):
        """Confirmed signatures whose signer chose to be listed and whose listing was approved."""
        return self.filter(
            status=Signature.Status.CONFIRMED,
            show_publicly=True,
            listing=Signature.Listing.APPROVED,
        )


class Signature(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        # Held for review (rate limits, block lists): mailed like a pending one, but its confirmation
        # is counted only once a moderator releases it.
        HELD = "held", _("Held for review")
        # Another submission of the same address was confirmed: never counted, never listed.
        SUPERSEDED = "superseded", _("Superseded by another submission")
        INVALID = "invalid", _("Invalid")
        FRAUDULENT = "fraudulent", _("Fraudulent")
        WITHDRAWN = "withdrawn", _("Withdrawn by the signer")

    class Listing(models.TextChoices):
        NOT_REQUESTED = "none", _("Not requested")
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        HIDDEN = "hidden", _("Hidden")

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual")
        ORGANISATION = "organisation", _("Organisation")

    class Source(models.TextChoices):
        WEB = "web", _("Web form")
        SHORT_LINK = "shortlink", _("Short link")
        EMBED = "embed", _("Embedded widget")
        PAPER = "paper", _("Paper (imported)")
        API = "api", _("Organisers' API")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="signatures")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.INDIVIDUAL)
    name = models.CharField(max_length=100)
    # As typed: the address mailed.
    email = models.EmailField(max_length=254)
    # Canonical (campaign.addresses: lower-cased, Gmail dots and +tags dropped): duplicates and
    # the total are found by it, so one person has one signature per statement.
    email_normalized = models.CharField(max_length=254, editable=False)
    # The part after "@", for rate limits and the trending view.
    email_domain = models.CharField(max_length=254, blank=True, editable=False)
    country = CountryField()
    organisation = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=100, blank=True)
    location = models.CharField(_("city or postcode"), max_length=100, blank=True)
    comment = models.TextField(max_length=1000, blank=True)
    show_publicly = models.BooleanField(default=False)
    # Public listing is moderated: shown only when approved (and show_publicly is chosen).
    listing = models.CharField(max_length=10, choices=Listing.choices, default=Listing.NOT_REQUESTED)
    notable = models.BooleanField(default=False, help_text=_("Feature at the top of the public list."))
    # Why the abuse checks held this signature for review; "" if they did not.
    hold_reason = models.CharField(max_length=40, blank=True, editable=False)
    # Milliseconds between the form being shown and sent back: a signal for moderators only
    # (quick is not held: autofill is quick). None when the form carried no valid start time.
    fill_ms = models.PositiveIntegerField(_("fill time (ms)"), null=True, blank=True, editable=False)
    consent_contact = models.BooleanField(default=False)
    consent_text = models.TextField(blank=True, editable=False)
    consent_at = models.DateTimeField(null=True, blank=True, editable=False)
    language = models.CharField(max_length=10, blank=True, editable=False)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.WEB)
    referrer = models.CharField(max_length=500, blank=True, editable=False)
    utm_source = models.CharField(max_length=100, blank=True, editable=False)
    ip_hash = models.CharField(max_length=64, blank=True, editable=False)
    user_agent = models.CharField(max_length=300, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # When what the organisers' API shows of this signature last changed. A database trigger sets it
    # on every UPDATE of those columns (api.sync), so no path that changes a signature (moderation,
    # privacy, updates, the admin) can forget it: API clients sync with `modified_date gt …`.
    modified_at = models.DateTimeField(default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set by the tally once this confirmation is in statement.signature_count.
    counted = models.BooleanField(default=False, editable=False)
    # How many mails this signature asked for (its confirmation and repeats), capped at
    # MAX_MAILS_PER_SIGNATURE; the mails themselves are outbox rows.
    mails_requested = models.PositiveSmallIntegerField(default=1, editable=False)

    objects = SignatureQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # Every submission is its own row with its own choices; only one per address is confirmed.
            # Paper signatures may come without an email address: those are not deduplicated.
            models.UniqueConstraint(
                fields=["statement", "email_normalized"],
                condition=Q(status="confirmed") & ~Q(email_normalized=""),
                name="one_confirmed_signature_per_email",
            ),
        ]
        indexes = [
            models.Index(
                fields=["statement"],
                condition=Q(status="confirmed", counted=False),
                name="signature_uncounted",
            ),
            models.Index(fields=["statement", "status", "created_at"]),
            models.Index(fields=["statement", "email_normalized"], name="signature_address"),
            # The trending view and rate reports: signatures of the last hour.
            models.Index(fields=["created_at"], name="signature_created"),
            models.Index(
                fields=["statement", "kind"],
                condition=Q(status="confirmed", show_publicly=True, listing="approved"),
                name="signature_public_listing",
            ),
            models.Index(fields=["created_at"], condition=Q(listing="pending"), name="signature_listing_due"),
            # The organisers' API pages through a statement's signatures in this order (keyset).
            models.Index(
                fields=["statement", "modified_at", "uuid"],
                condition=Q(status="confirmed"),
                name="signature_sync",
            ),
        ]

    def __str__(self):
        return f"{self.name} on {self.statement}"

    @property
    def public_place(self) -> str:
        # "City or postcode" is shown only when it looks like a city: a postcode can locate a home.
        if self.location and not any(ch.isdigit() for ch in self.location):
            return self.location
        return self.country.name

    @property
    def public_line(self) -> str:
        """How the public list shows this signer: "Name, Organisation, Place"."""
        organisation = self.organisation if self.kind == self.Kind.ORGANISATION else ""
        return ", ".join(part for part in (self.name, organisation, self.public_place) if part)
