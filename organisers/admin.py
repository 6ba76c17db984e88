from django.contrib import admin

from campaign.admin import ReadOnlyAdmin
from campaigns.models import Campaign, Membership
from petitions.admin import CampaignAdmin as PetitionsCampaignAdmin

from .models import ExportLog, Invitation, PaperImport


class MembershipInline(admin.TabularInline):
    """Lets a superuser appoint a new campaign's first owner."""

    model = Membership
    fields = ("user", "role", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("user",)
    extra = 1


admin.site.unregister(Campaign)


@admin.register(Campaign)
class CampaignAdmin(PetitionsCampaignAdmin):
    inlines = [*PetitionsCampaignAdmin.inlines, MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "campaign", "role", "created_at")
    list_filter = ("role", "campaign")
    search_fields = ("user__email", "campaign__title")
    autocomplete_fields = ("user", "campaign")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = (
        "email",
        "campaign",
        "role",
        "invited_by",
        "created_at",
        "expires_at",
        "used_at",
    )
    list_filter = ("role", "campaign")
    search_fields = ("email", "campaign__title")
    readonly_fields = ("uuid", "invited_by", "created_at", "used_at", "used_by")

    def has_add_permission(self, request):
        return False


@admin.register(ExportLog)
class ExportLogAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "user_email", "campaign", "statement_title", "kind", "rows", "finished_at")
    list_filter = ("kind", "campaign")
    search_fields = ("user_email", "statement_title")
    date_hierarchy = "started_at"


@admin.register(PaperImport)
class PaperImportAdmin(ReadOnlyAdmin):
    list_display = ("filename", "statement", "uploaded_by", "imported", "skipped", "created_at")
    list_filter = ("statement__campaign",)
    exclude = ("signatures",)
