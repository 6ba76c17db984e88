"""The campaign, with its translations and who may act for it. Registered once, here, at the bottom:
the apps above add their own admin pages (a statement's is moderation's) and this one links to
them by URL name and reverse relation, without importing them."""

from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Campaign, CampaignTranslation, Membership


class CampaignTranslationInline(admin.StackedInline):
    model = CampaignTranslation
    fields = ("language", "title", "summary")
    extra = 0


class MembershipInline(admin.TabularInline):
    """Lets a superuser appoint a new campaign's first owner."""

    model = Membership
    fields = ("user", "role", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("user",)
    extra = 1


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "created_at")
    search_fields = ("title", "slug")
    prepopulated_fields = {"slug": ("title",)}
    fields = ("title", "slug", "summary", "statements")
    readonly_fields = ("statements",)
    inlines = [CampaignTranslationInline, MembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(statement_count=Count("statements"))

    @admin.display(description=_("Statements"))
    def statements(self, campaign):
        if campaign.pk is None:
            return "–"
        # The statement list (moderation's admin), filtered to this campaign.
        url = reverse("admin:petitions_statement_changelist") + f"?campaign__id__exact={campaign.pk}"
        count = campaign.statement_count
        label = ngettext("%(count)d statement: see the list", "%(count)d statements: see the list", count)
        return format_html('<a href="{}">{}</a>', url, label % {"count": count})


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "campaign", "role", "created_at")
    list_filter = ("role", "campaign")
    search_fields = ("user__email", "campaign__title")
    autocomplete_fields = ("user", "campaign")
