from django.contrib import admin

from .models import Update


@admin.register(Update)
class UpdateAdmin(admin.ModelAdmin):
    list_display = (
        "subject",
        "statement",
        "status",
        "recipients",
        "sent_count",
        "skipped_count",
        "created_at",
    )
    list_filter = ("status",)
    search_fields = ("subject", "statement__title")
    readonly_fields = (
        "statement",
        "status",
        "created_by",
        "created_at",
        "started_at",
        "finished_at",
        "recipients",
        "sent_count",
        "skipped_count",
    )
    fields = ("statement", "subject", "body", *readonly_fields[1:])

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != Update.Status.DRAFT:
            return ("subject", "body", *self.readonly_fields)
        return self.readonly_fields

    def has_add_permission(self, request):
        return False
