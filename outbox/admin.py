from django.contrib import admin

from .models import Suppression


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    """Filled by the providers' webhooks; a moderator may delete an entry to mail the address again."""

    list_display = ["address_hash", "reason", "esp", "created_at", "updated_at"]
    list_filter = ["reason", "esp"]
    readonly_fields = ["address_hash", "reason", "esp", "created_at", "updated_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
