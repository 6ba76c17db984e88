from django.contrib import admin

from campaign.admin import ReadOnlyAdmin

from .models import ExportLog, Invitation, PaperImport


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
