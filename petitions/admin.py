from django.contrib import admin

from .models import Campaign, Signature, Statement


class StatementInline(admin.TabularInline):
    model = Statement
    fields = ("title", "slug", "status", "target", "closes_at", "signature_count")
    readonly_fields = ("signature_count",)
    extra = 0
    show_change_link = True


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "created_at")
    search_fields = ("title", "slug")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [StatementInline]


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
    list_display = ("title", "campaign", "status", "signature_count", "target", "closes_at", "created_at")
    list_filter = ("status", "campaign")
    search_fields = ("title", "slug", "campaign__title")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("signature_count", "counted_at", "created_at")
    fieldsets = (
        (None, {"fields": ("campaign", "title", "slug", "status", "body")}),
        ("Signing", {"fields": ("target", "closes_at", "ask_organisation", "ask_location", "ask_comment")}),
        ("Tally", {"fields": ("signature_count", "counted_at", "created_at")}),
    )


@admin.register(Signature)
class SignatureAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "organisation",
        "kind",
        "country",
        "status",
        "show_publicly",
        "statement",
        "created_at",
    )
    list_filter = (
        "status",
        "kind",
        "country",
        "show_publicly",
        "source",
        ("created_at", admin.DateFieldListFilter),
        "statement",
    )
    search_fields = ("name", "email_normalized", "organisation")
    list_select_related = ("statement",)
    date_hierarchy = "created_at"
    show_full_result_count = False
    readonly_fields = (
        "uuid",
        "statement",
        "email",
        "email_normalized",
        "status",
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
        "mails_sent",
        "last_mailed_at",
    )
    fields = (
        "uuid",
        "statement",
        "status",
        "kind",
        "name",
        "email",
        "country",
        "organisation",
        "role",
        "location",
        "comment",
        "show_publicly",
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
        "mails_sent",
        "last_mailed_at",
        "email_normalized",
    )

    def has_add_permission(self, request):
        return False
