from django.contrib import admin

from .models import Anonymisation


@admin.register(Anonymisation)
class AnonymisationAdmin(admin.ModelAdmin):
    list_display = ("statement", "closed_at", "anonymised_at", "signatures")
    readonly_fields = ("statement", "closed_at", "anonymised_at", "signatures", "created_at")

    def has_add_permission(self, request):
        return False
