"""Moderators' admin: the queues (listings, held signatures, statements, events and their edits),
the statement and signature lists, and the trending view. Block lists and the audit trail: safety.

Every action that changes something asks for an optional reason on an intermediate page and goes
through moderation.services, which writes the audit trail.
"""

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from campaign.admin import ReadOnlyAdmin
from petitions import revisions
from petitions.models import Signature, Statement, StatementTranslation
from safety.services import audit

from . import services
from .actions import CountryFilter, SignatureActions, action_with_reason
from .models import (
    EventAwaitingApproval,
    EventEditAwaitingApproval,
    HeldForReview,
    ListingAwaitingApproval,
    OrganisationAwaitingApproval,
    StatementAwaitingApproval,
    StatementEditAwaitingApproval,
    TrendingActivity,
)


class SignatureQueueAdmin(admin.ModelAdmin):
    """A queue of one kind of decision: oldest first, decided in bulk (with a reason) or with one
    click per row. The row's buttons come first, so they are on screen at 1280 px.

    `decisions` maps a button to (label, service call with the user and ids); `waiting` (what the
    admin index counts) is the queue's queryset.
    """

    change_list_template = "admin/moderation/queue_change_list.html"
    decisions: dict = {}
    list_display = ("decide", "signatory", "country", "statement", "email_domain", "created_at")
    list_display_links = ("signatory",)
    list_filter = ("statement", CountryFilter)
    search_fields = ("name", "organisation", "email_normalized")
    list_select_related = ("statement",)
    ordering = ("created_at", "pk")
    list_per_page = 100
    show_full_result_count = False

    def queue(self, queryset):
        raise NotImplementedError

    def get_queryset(self, request):
        return self.queue(super().get_queryset(request))

    def waiting(self, request) -> int:
        return self.get_queryset(request).count()

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    @admin.display(description=_("Signatory"), ordering="organisation")
    def signatory(self, obj):
        if obj.organisation:
            return format_html("<strong>{}</strong><br>{}", obj.organisation, obj.name)
        return obj.name

    def _decide_url_name(self):
        return f"{self.model._meta.app_label}_{self.model._meta.model_name}_decide"

    @admin.display(description=_("Decide"))
    def decide(self, obj):
        who = obj.organisation or obj.name
        return format_html_join(
            " ",
            '<button type="submit" form="moderate-row" class="button" formaction="{}" '
            'aria-label="{}: {}">{}</button>',
            (
                (reverse(f"admin:{self._decide_url_name()}", args=[obj.pk, name]), label, who, label)
                for name, (label, _call) in self.row_decisions(obj).items()
            ),
        )

    def row_decisions(self, obj) -> dict:
        return self.decisions

    def get_urls(self):
        return [
            path(
                "<int:signature_id>/decide/<slug:decision>/",
                self.admin_site.admin_view(self.decide_view),
                name=self._decide_url_name(),
            ),
            *super().get_urls(),
        ]

    def decide_view(self, request, signature_id, decision):
        """One click on a row (no reason); the decision is audited like a bulk one."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request):
            raise PermissionDenied
        signature = get_object_or_404(Signature, pk=signature_id)
        changelist = reverse(f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_changelist")
        choice = self.row_decisions(signature).get(decision)
        if choice is None:
            return HttpResponseRedirect(changelist)
        choice[1](request.user, [signature.pk])
        self.message_user(
            request,
            _("%(signatory)s: %(decision)s.")
            % {"signatory": signature.organisation or signature.name, "decision": choice[0]},
        )
        return HttpResponseRedirect(changelist)


def _listing(decision):
    return lambda user, ids: services.decide_listing(user, ids, decision)


class ListingQueueAdmin(SignatureActions, SignatureQueueAdmin):
    """Public listings of individuals (where their statement asks for review)."""

    kind = Signature.Kind.INDIVIDUAL
    actions = ("approve_listing", "reject_listing", "hide_listing", "mark_notable", "unmark_notable")
    decisions = {
        "approve": (_("Approve"), _listing("approve")),
        "reject": (_("Reject"), _listing("reject")),
        "hide": (_("Hide"), _listing("hide")),
    }

    def queue(self, queryset):
        return queryset.filter(
            listing=Signature.Listing.PENDING, status=Signature.Status.CONFIRMED, kind=self.kind
        )

    def row_decisions(self, obj):
        notable = (
            _("Unfeature") if obj.notable else _("Feature"),
            lambda user, ids: services.set_notable(user, ids, not obj.notable),
        )
        return {**self.decisions, "notable": notable}


class OrganisationQueueAdmin(ListingQueueAdmin):
    """Organisations signing on: always checked by a moderator before they are listed."""

    kind = Signature.Kind.ORGANISATION
    list_display = ("decide", "signatory", "role", "country", "statement", "email_domain", "created_at")


class HeldQueueAdmin(SignatureActions, SignatureQueueAdmin):
    """Signatures the abuse checks held: release them (a confirmation email goes out) or exclude them."""

    list_display = (
        "decide",
        "signatory",
        "hold_reason",
        "country",
        "statement",
        "email_domain",
        "created_at",
    )
    list_filter = ("hold_reason", "statement", CountryFilter)
    actions = ("restore", "mark_fraudulent", "mark_invalid")
    decisions = {
        "release": (_("Release"), lambda user, ids: services.restore(user, ids)),
        "fraudulent": (
            _("Fraudulent"),
            lambda user, ids: services.exclude(user, ids, Signature.Status.FRAUDULENT),
        ),
        "invalid": (_("Invalid"), lambda user, ids: services.exclude(user, ids, Signature.Status.INVALID)),
    }

    def queue(self, queryset):
        return queryset.filter(status=Signature.Status.HELD)


admin.site.register(ListingAwaitingApproval, ListingQueueAdmin)
admin.site.register(OrganisationAwaitingApproval, OrganisationQueueAdmin)
admin.site.register(HeldForReview, HeldQueueAdmin)


class ContentQueueAdmin(admin.ModelAdmin):
    """Read-only lists of what organisers who are not staff wrote; the decisions are the actions."""

    list_per_page = 50

    def waiting(self, request) -> int:
        return self.get_queryset(request).count()

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@action_with_reason(_("Approve: publish the statement"), _("%(count)d statements approved."))
def approve_statements(modeladmin, request, ids, reason):
    return services.approve_statements(request.user, ids, reason)


@admin.register(StatementAwaitingApproval)
class StatementQueueAdmin(ContentQueueAdmin):
    """Statements by organisers who are not staff stay off the public site until approved here."""

    list_display = ("title", "campaign", "status", "created_at")
    list_filter = ("campaign",)
    search_fields = ("title", "campaign__title")
    list_select_related = ("campaign",)
    ordering = ("created_at", "pk")
    actions = (approve_statements,)
    fields = ("campaign", "title", "status", "body", "closes_at", "target", "created_at")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(approved_at__isnull=True)


@action_with_reason(_("Approve: publish the event"), _("%(count)d events approved."))
def approve_events(modeladmin, request, ids, reason):
    return services.approve_events(request.user, ids, reason)


@admin.register(EventAwaitingApproval)
class EventQueueAdmin(ContentQueueAdmin):
    list_display = ("title", "campaign", "starts_at", "kind", "created_at")
    list_filter = ("campaign",)
    search_fields = ("title", "campaign__title")
    list_select_related = ("campaign",)
    ordering = ("created_at", "pk")
    actions = (approve_events,)
    fields = ("campaign", "title", "description", "starts_at", "ends_at", "time_zone", "kind")
    fields += ("venue_name", "address", "join_url", "created_at")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(approved_at__isnull=True)


class EditQueueAdmin(ContentQueueAdmin):
    """An edit is shown field by field: what the public sees now, and what the organiser proposes."""

    list_display = ("edited", "changed_fields", "author", "updated_at")
    search_fields = ()
    ordering = ("updated_at", "pk")
    fields = ("edited", "author", "updated_at", "comparison")
    actions = ("approve_edits", "reject_edits")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(decision=self.model.Decision.PENDING)
            .select_related(self.model.revises, "author")
        )

    @admin.display(description=_("Edited"))
    def edited(self, obj):
        return str(obj.revised)

    @admin.display(description=_("Changes"))
    def changed_fields(self, obj):
        revised = obj.revised
        return ", ".join(str(revised._meta.get_field(name).verbose_name) for name in obj.changes)

    @admin.display(description=_("Now public → proposed"))
    def comparison(self, obj):
        revised = obj.revised
        proposed = revisions.apply(type(revised).objects.get(pk=revised.pk), obj.changes)
        return format_html(
            '<table class="edit-comparison"><tr><th></th><th>{}</th><th>{}</th></tr>{}</table>',
            _("Now public"),
            _("Proposed"),
            format_html_join(
                "",
                '<tr><th scope="row">{}</th><td class="was">{}</td><td class="proposed">{}</td></tr>',
                (
                    (
                        revised._meta.get_field(name).verbose_name,
                        getattr(revised, name),
                        getattr(proposed, name),
                    )
                    for name in obj.changes
                ),
            ),
        )

    @action_with_reason(_("Approve: publish the edit"), _("%(count)d edits approved."))
    def approve_edits(self, request, ids, reason):
        return services.decide_revisions(request.user, self.model, ids, True, reason)

    @action_with_reason(_("Reject: keep the approved version"), _("%(count)d edits rejected."))
    def reject_edits(self, request, ids, reason):
        return services.decide_revisions(request.user, self.model, ids, False, reason)


admin.site.register([StatementEditAwaitingApproval, EventEditAwaitingApproval], EditQueueAdmin)


@admin.register(TrendingActivity)
class TrendingAdmin(ReadOnlyAdmin):
    """Not a list of rows: the changelist page shows the last hour's unusual signing rates."""

    def get_urls(self):
        view = self.admin_site.admin_view(self.changelist_view)
        return [path("", view, name="moderation_trendingactivity_changelist")]

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        signatures_url = reverse("admin:petitions_signature_changelist")
        trends = services.trending()
        for trend in trends:
            lookup = "ip_hash__exact" if trend.kind == "ip" else "email_domain__exact"
            trend.url = f"{signatures_url}?statement__id__exact={trend.statement.pk}&{lookup}={trend.value}"
            trend.label = trend.value[:16] + "…" if trend.kind == "ip" else trend.value
        context = {
            **self.admin_site.each_context(request),
            "title": _("Trending signers in the last hour"),
            "opts": self.model._meta,
            "trends": trends,
            "min_per_ip": settings.TRENDING_MIN_PER_IP,
            "min_per_domain": settings.TRENDING_MIN_PER_DOMAIN,
        }
        return TemplateResponse(request, "admin/moderation/trending.html", context)


# --- The statement and signature lists, with the same actions as the queues ----------------------


class StatementTranslationInline(admin.StackedInline):
    model = StatementTranslation
    fields = ("language", "title", "body")
    extra = 0


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "campaign",
        "status",
        "signature_count",
        "target",
        "closes_at",
        "approved_at",
        "created_at",
    )
    actions = (approve_statements,)
    list_filter = ("status", "campaign")
    search_fields = ("title", "slug", "campaign__title")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("signature_count", "counted_at", "created_at")
    fieldsets = (
        (None, {"fields": ("campaign", "title", "slug", "status", "body")}),
        (
            "Signing",
            {
                "fields": (
                    "target",
                    "closes_at",
                    "ask_organisation",
                    "ask_location",
                    "ask_comment",
                    "listing_review",
                )
            },
        ),
        ("Tally", {"fields": ("signature_count", "counted_at", "created_at")}),
    )
    inlines = [StatementTranslationInline]


class SuspiciousFilter(admin.SimpleListFilter):
    title = _("suspicious")
    parameter_name = "suspicious"

    def lookups(self, request, model_admin):
        return [
            ("held", _("Held for review now")),
            ("flagged", _("Flagged by the abuse checks")),
            ("quick", _("Form sent back quickly")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "quick":
            return queryset.filter(fill_ms__lt=settings.SIGNING_MIN_FILL_SECONDS * 1000)
        if self.value() == "held":
            return queryset.filter(status=Signature.Status.HELD)
        if self.value() == "flagged":
            return queryset.exclude(hold_reason="")
        return queryset


@admin.register(Signature)
class SignatureAdmin(SignatureActions, admin.ModelAdmin):
    list_display = (
        "name",
        "organisation",
        "kind",
        "country",
        "status",
        "hold_reason",
        "fill_ms",
        "listing",
        "notable",
        "statement",
        "created_at",
    )
    list_filter = (
        "status",
        SuspiciousFilter,
        "kind",
        "listing",
        "source",
        ("created_at", admin.DateFieldListFilter),
        "statement",
        CountryFilter,
    )
    search_fields = ("name", "email_normalized", "organisation")
    list_select_related = ("statement",)
    date_hierarchy = "created_at"
    show_full_result_count = False
    list_per_page = 100
    actions = (
        "mark_fraudulent",
        "mark_invalid",
        "restore",
        "resend_confirmation",
        "approve_listing",
        "reject_listing",
        "hide_listing",
        "mark_notable",
        "unmark_notable",
    )
    readonly_fields = (
        "uuid",
        "statement",
        "email",
        "email_normalized",
        "email_domain",
        "status",
        "hold_reason",
        "fill_ms",
        "created_at",
        "confirmed_at",
        "consent_contact",
        "consent_text",
        "consent_at",
        "language",
        "source",
        "referrer",
        "utm_source",
        "ip_hash",
        "user_agent",
        "counted",
        "mails_requested",
    )
    fields = (
        "uuid",
        "statement",
        "status",
        "hold_reason",
        "fill_ms",
        "kind",
        "name",
        "email",
        "country",
        "organisation",
        "role",
        "location",
        "comment",
        "show_publicly",
        "listing",
        "notable",
        "consent_contact",
        "consent_text",
        "consent_at",
        "created_at",
        "confirmed_at",
        "language",
        "source",
        "referrer",
        "utm_source",
        "ip_hash",
        "user_agent",
        "counted",
        "mails_requested",
        "email_normalized",
        "email_domain",
    )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting would leave the totals wrong until the nightly recount: mark invalid instead.
        return request.user.is_superuser

    def lookup_allowed(self, lookup, value, request=None):
        # The trending view links here filtered by IP hash or email domain.
        if lookup in ("ip_hash__exact", "email_domain__exact"):
            return True
        return super().lookup_allowed(lookup, value, request)

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            changes = {
                name: [str(form.initial.get(name)), str(form.cleaned_data.get(name))]
                for name in form.changed_data
            }
            services.record_change(request.user, "signature", obj.uuid, str(obj), {"changed": changes})

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            rows = list(queryset.values("uuid", "name", "statement_id", "status", "counted"))
            audit(
                request.user,
                "delete",
                [("signature", row["uuid"], row["name"], {"was_counted": row["counted"]}) for row in rows],
            )
            super().delete_queryset(request, queryset)

    def delete_model(self, request, obj):
        self.delete_queryset(request, Signature.objects.filter(pk=obj.pk))

    @action_with_reason(_("Re-send the confirmation email"), _("%(count)d confirmation emails queued."))
    def resend_confirmation(self, request, ids, reason):
        return services.resend_confirmation(request.user, ids, reason)
