from django.conf import settings
from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from moderation import services as moderation
from moderation.admin import CountryFilter, SignatureActions, action_with_reason, approve_statements

from .models import Campaign, CampaignTranslation, Signature, Statement, StatementTranslation


class StatementInline(admin.TabularInline):
    model = Statement
    fields = ("title", "slug", "status", "target", "closes_at", "signature_count")
    readonly_fields = ("signature_count",)
    extra = 0
    show_change_link = True


class CampaignTranslationInline(admin.StackedInline):
    model = CampaignTranslation
    fields = ("language", "title", "summary")
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "created_at")
    search_fields = ("title", "slug")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [CampaignTranslationInline, StatementInline]


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
            moderation.record_change(request.user, "signature", obj.uuid, str(obj), {"changed": changes})

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            rows = list(queryset.values("uuid", "name", "statement_id", "status", "counted"))
            moderation.audit(
                request.user,
                "delete",
                [("signature", row["uuid"], row["name"], {"was_counted": row["counted"]}) for row in rows],
            )
            super().delete_queryset(request, queryset)

    def delete_model(self, request, obj):
        self.delete_queryset(request, Signature.objects.filter(pk=obj.pk))

    @action_with_reason(_("Re-send the confirmation email"), _("%(count)d confirmation emails queued."))
    def resend_confirmation(self, request, ids, reason):
        return moderation.resend_confirmation(request.user, ids, reason)
