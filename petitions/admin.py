"""Campaigns and their statements. The statement and signature lists, with their moderation
actions, are moderation's (moderation/admin.py)."""

from django.contrib import admin

from campaigns.models import Campaign, CampaignTranslation

from .models import Statement


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
