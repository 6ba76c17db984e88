"""Block lists (every change audited, and the process's cached copy dropped) and the audit trail,
read-only for everyone."""

from django.contrib import admin
from django.db import transaction

from campaign.admin import ReadOnlyAdmin

from .abuse import forget_block_rules
from .models import AuditEntry, BlockRule
from .services import audit


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
            audit(
                request.user,
                "block rule changed" if change else "block rule added",
                [("blockrule", obj.pk, str(obj), {"changed": form.changed_data})],
            )
        forget_block_rules()

    def delete_model(self, request, obj):
        self.delete_queryset(request, BlockRule.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            rows = list(queryset)
            audit(request.user, "block rule removed", [("blockrule", r.pk, str(r), {}) for r in rows])
            queryset.delete()
        forget_block_rules()


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read-only for everyone, superusers included: the trail is written by the services only."""

    list_display = ("created_at", "actor_name", "action", "object_type", "object_repr", "reason")
    list_filter = ("action", "object_type", ("created_at", admin.DateFieldListFilter))
    search_fields = ("object_id", "object_repr", "actor_name", "reason")
    date_hierarchy = "created_at"
    show_full_result_count = False
    list_per_page = 100
