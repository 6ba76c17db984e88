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

from petitions import revisions
from petitions.models import Signature

from . import abuse, services
from .models import (
    AuditEntry,
    BlockRule,
    EventAwaitingApproval,
    EventEditAwaitingApproval,
    ListingAwaitingApproval,
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


class ListingQueueAdmin(SignatureActions, admin.ModelAdmin):
    """Oldest first; approve, reject or hide in bulk (with a reason) or with one click per row."""

    change_list_template = "admin/moderation/listingawaitingapproval/change_list.html"
    list_display = (
        "signatory",
        "role",
        "kind",
        "email",
        "country",
        "statement",
        "created_at",
        "notable",
        "decide",
    )
    list_filter = ("kind", "notable", "statement")
    search_fields = ("name", "organisation", "email_normalized")
    list_select_related = ("statement",)
    ordering = ("created_at", "pk")
    list_per_page = 100
    show_full_result_count = False
    actions = ("approve_listing", "reject_listing", "hide_listing", "mark_notable", "unmark_notable")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(listing=Signature.Listing.PENDING, status=Signature.Status.CONFIRMED)
        )

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

    @admin.display(description=_("Decide"))
    def decide(self, obj):
        buttons = [
            ("approve", _("Approve")),
            ("reject", _("Reject")),
            ("hide", _("Hide")),
            ("notable", _("Unfeature") if obj.notable else _("Feature")),
        ]
        return format_html_join(
            " ",
            '<button type="submit" form="moderate-row" class="button" formaction="{}">{}</button>',
            (
                (reverse("admin:moderation_listingawaitingapproval_decide", args=[obj.pk, name]), label)
                for name, label in buttons
            ),
        )

    def get_urls(self):
        return [
            path(
                "<int:signature_id>/decide/<slug:decision>/",
                self.admin_site.admin_view(self.decide_view),
                name="moderation_listingawaitingapproval_decide",
            ),
            *super().get_urls(),
        ]

    def decide_view(self, request, signature_id, decision):
        """One click on a row: approve, reject, hide, or toggle notable (no reason)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request):
            raise PermissionDenied
        signature = get_object_or_404(Signature, pk=signature_id)
        if decision == "notable":
            services.set_notable(request.user, [signature.pk], not signature.notable)
        elif decision in services.LISTING_DECISIONS:
            services.decide_listing(request.user, [signature.pk], decision)
        else:
            return HttpResponseRedirect(reverse("admin:moderation_listingawaitingapproval_changelist"))
        self.message_user(
            request, _("%(signatory)s: done.") % {"signatory": signature.organisation or signature.name}
        )
        return HttpResponseRedirect(reverse("admin:moderation_listingawaitingapproval_changelist"))


admin.site.register(ListingAwaitingApproval, ListingQueueAdmin)


class ContentQueueAdmin(admin.ModelAdmin):
    """Read-only lists of what organisers who are not staff wrote; the decisions are the actions."""

    list_per_page = 50

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

    target = ""  # the revised object's field name
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
            .select_related(self.target, "author")
        )

    @admin.display(description=_("Edited"))
    def edited(self, obj):
        return str(getattr(obj, self.target))

    @admin.display(description=_("Changes"))
    def changed_fields(self, obj):
        revised = getattr(obj, self.target)
        return ", ".join(str(revised._meta.get_field(name).verbose_name) for name in obj.changes)

    @admin.display(description=_("Now public → proposed"))
    def comparison(self, obj):
        revised = getattr(obj, self.target)
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


@admin.register(StatementEditAwaitingApproval)
class StatementEditQueueAdmin(EditQueueAdmin):
    target = "statement"


@admin.register(EventEditAwaitingApproval)
class EventEditQueueAdmin(EditQueueAdmin):
    target = "event"


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
