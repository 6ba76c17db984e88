"""Moderators' admin: the listing queue, block lists, the audit trail and the trending view.

Every action that changes something asks for an optional reason on an intermediate page and goes
through moderation.services, which writes the audit trail.
"""

from functools import wraps

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from petitions import revisions
from petitions.models import Signature

from . import abuse, services
from .models import (
    AuditEntry,
    BlockRule,
    EventAwaitingApproval,
    EventEditAwaitingApproval,
    HeldForReview,
    ListingAwaitingApproval,
    OrganisationAwaitingApproval,
    StatementAwaitingApproval,
    StatementEditAwaitingApproval,
    TrendingActivity,
)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional, kept in the audit trail)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )


def action_with_reason(description, done_message, permission="change"):
    """An admin action that first asks for an optional reason, then calls func(request, ids, reason).

    The intermediate page posts the selection back (including "select all" across pages), so the
    action runs on exactly what the moderator chose. done_message has %(count)d.
    """

    def decorator(func):
        @admin.action(description=description, permissions=[permission])
        @wraps(func)
        def action(modeladmin, request, queryset):
            form = ReasonForm(request.POST if "apply" in request.POST else None)
            if form.is_bound and form.is_valid():
                ids = list(queryset.order_by().values_list("pk", flat=True))
                count = func(modeladmin, request, ids, form.cleaned_data["reason"])
                modeladmin.message_user(request, done_message % {"count": count}, messages.SUCCESS)
                return None
            context = {
                **modeladmin.admin_site.each_context(request),
                "title": description,
                "opts": modeladmin.model._meta,
                "form": form,
                "action": func.__name__,
                "count": queryset.count(),
                "preview": list(queryset[:20]),
                "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
                "select_across": request.POST.get("select_across", "0"),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/moderation/action_reason.html", context)

        return action

    return decorator


class SignatureActions:
    """Actions shared by the signature list and the moderation queue."""

    @action_with_reason(_("Approve public listing"), _("%(count)d listings approved."))
    def approve_listing(self, request, ids, reason):
        return services.decide_listing(request.user, ids, "approve", reason)

    @action_with_reason(_("Reject public listing"), _("%(count)d listings rejected."))
    def reject_listing(self, request, ids, reason):
        return services.decide_listing(request.user, ids, "reject", reason)

    @action_with_reason(_("Hide from the public list"), _("%(count)d listings hidden."))
    def hide_listing(self, request, ids, reason):
        return services.decide_listing(request.user, ids, "hide", reason)

    @action_with_reason(_("Feature at the top of the list (notable)"), _("%(count)d marked notable."))
    def mark_notable(self, request, ids, reason):
        return services.set_notable(request.user, ids, True, reason)

    @action_with_reason(_("Stop featuring (not notable)"), _("%(count)d no longer notable."))
    def unmark_notable(self, request, ids, reason):
        return services.set_notable(request.user, ids, False, reason)

    @action_with_reason(_("Mark as fraudulent (excluded from totals)"), _("%(count)d marked fraudulent."))
    def mark_fraudulent(self, request, ids, reason):
        return services.exclude(request.user, ids, Signature.Status.FRAUDULENT, reason)

    @action_with_reason(_("Mark as invalid (excluded from totals)"), _("%(count)d marked invalid."))
    def mark_invalid(self, request, ids, reason):
        return services.exclude(request.user, ids, Signature.Status.INVALID, reason)

    @action_with_reason(_("Restore (release held, undo invalid or fraudulent)"), _("%(count)d restored."))
    def restore(self, request, ids, reason):
        return services.restore(request.user, ids, reason)


class CountryFilter(admin.SimpleListFilter):
    """Country as a drop-down of the countries present (a form, no script): a list of 250 links
    would be 6,800 px tall."""

    title = _("country")
    parameter_name = "country"
    template = "admin/moderation/dropdown_filter.html"

    def lookups(self, request, model_admin):
        codes = model_admin.get_queryset(request).order_by().values_list("country", flat=True).distinct()
        return sorted(((code, countries.name(code) or code) for code in codes), key=lambda c: c[1])

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(country=self.value())
        return queryset

    def choices(self, changelist):
        # The form replaces the query string: the other filters and the search go along hidden.
        keep = [
            (key, value)
            for key, values in changelist.params.items()
            if key not in (self.parameter_name, "p")
            for value in (values if isinstance(values, list) else [values])
        ]
        yield {"selected": self.value() is None, "value": "", "display": _("All"), "keep": keep}
        for code, name in self.lookup_choices:
            yield {"selected": self.value() == str(code), "value": code, "display": name}


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


@admin.register(BlockRule)
class BlockRuleAdmin(admin.ModelAdmin):
    list_display = ("value", "kind", "reason", "created_by", "created_at")
    list_filter = ("kind",)
    search_fields = ("value", "reason")
    fields = ("kind", "value", "reason")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            services.audit(
                request.user,
                "block rule changed" if change else "block rule added",
                [("blockrule", obj.pk, str(obj), {"changed": form.changed_data})],
            )
        abuse.forget_block_rules()

    def delete_model(self, request, obj):
        self.delete_queryset(request, BlockRule.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            rows = list(queryset)
            services.audit(
                request.user, "block rule removed", [("blockrule", r.pk, str(r), {}) for r in rows]
            )
            queryset.delete()
        abuse.forget_block_rules()


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only for everyone, superusers included: the trail is written by the services only."""

    list_display = ("created_at", "actor_name", "action", "object_type", "object_repr", "reason")
    list_filter = ("action", "object_type", ("created_at", admin.DateFieldListFilter))
    search_fields = ("object_id", "object_repr", "actor_name", "reason")
    date_hierarchy = "created_at"
    show_full_result_count = False
    list_per_page = 100

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TrendingActivity)
class TrendingAdmin(admin.ModelAdmin):
    """Not a list of rows: the changelist page shows the last hour's unusual signing rates."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

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
