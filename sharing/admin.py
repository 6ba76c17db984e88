from django.contrib import admin

from .models import ShortLink


@admin.register(ShortLink)
class ShortLinkAdmin(admin.ModelAdmin):
    list_display = ("__str__", "statement", "event", "campaign", "created_by", "created_at")
    list_filter = ("campaign",)
    search_fields = ("slug", "statement__title", "event__title")
    fields = ("slug", "statement", "event", "campaign", "created_by", "created_at")
    readonly_fields = ("campaign", "created_by", "created_at")
    list_select_related = ("statement", "event", "campaign", "created_by")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
