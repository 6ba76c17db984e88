"""Moderators record, change and void donations here; every change goes through the services,
so each one is audited, and nothing can be deleted."""

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from campaign.admin import ReadOnlyAdmin

from . import services
from .models import Donation, Fund, StripeEvent


@admin.register(Fund)
class FundAdmin(admin.ModelAdmin):
    list_display = ("campaign", "raised", "target", "currency", "deadline", "time_zone", "counted_at")
    search_fields = ("campaign__title", "campaign__slug")
    readonly_fields = ("raised", "counted_at", "created_at")
    actions = ["recount"]

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Recount the total raised"))
    def recount(self, request, queryset):
        for fund in queryset:
            services.recount(fund.pk)
        self.message_user(request, _("Recounted %(n)d fund(s).") % {"n": queryset.count()})


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("Why is this donation void?"), max_length=1000, widget=forms.Textarea)


@admin.register(Donation)
class DonationAdmin(admin.ModelAdmin):
    list_display = ("received_on", "fund", "amount", "method", "reference", "donor_name", "voided_at")
    list_filter = ("method", "fund", ("voided_at", admin.EmptyFieldListFilter))
    search_fields = ("reference", "donor_name", "fund__campaign__title")
    date_hierarchy = "received_on"
    fields = (
        "fund",
        *services.DONATION_FIELDS,
        "recorded_by",
        "created_at",
        "voided_at",
        "void_reason",
        "audit_trail",
    )
    readonly_fields = ("recorded_by", "created_at", "voided_at", "void_reason", "audit_trail")
    change_form_template = "admin/funds/donation/change_form.html"

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("audit trail"))
    def audit_trail(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (f"{e.created_at:%Y-%m-%d %H:%M}", e.actor_name, e.action, e.reason, json.dumps(e.details))
                for e in services.audit_trail(obj)
            ),
        )
        return format_html("<table><tbody>{}</tbody></table>", rows)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_void:
            return self.fields
        if obj is not None:
            return (*self.readonly_fields, "fund")
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        data = {
            name: form.cleaned_data[name] for name in services.DONATION_FIELDS if name in form.cleaned_data
        }
        if change:
            services.change_donation(obj, request.user, **data)
        else:
            saved = services.record_donation(form.cleaned_data["fund"], request.user, **data)
            obj.pk = saved.pk

    def get_urls(self):
        void = self.admin_site.admin_view(self.void_view)
        return [path("<int:object_id>/void/", void, name="funds_donation_void"), *super().get_urls()]

    def void_view(self, request, object_id):
        donation = get_object_or_404(Donation.objects.select_related("fund__campaign"), pk=object_id)
        if not self.has_change_permission(request, donation):
            raise PermissionDenied
        change_url = reverse("admin:funds_donation_change", args=[donation.pk])
        if donation.is_void:
            self.message_user(request, _("This donation is already void."), messages.WARNING)
            return redirect(change_url)
        form = VoidForm(request.POST or None)
        status = 200
        if request.method == "POST":
            if form.is_valid():
                try:
                    services.void_donation(donation, request.user, form.cleaned_data["reason"])
                except ValidationError as error:
                    form.add_error("reason", error)
                else:
                    self.message_user(request, _("The donation is void; the total will be updated shortly."))
                    return redirect(change_url)
            status = 400
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "donation": donation,
            "form": form,
            "title": _("Void donation"),
        }
        return TemplateResponse(request, "admin/funds/donation/void.html", context, status=status)


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnlyAdmin):
    list_display = ("event_id", "type", "received_at", "donation")
    search_fields = ("event_id",)
    readonly_fields = ("event_id", "type", "received_at", "donation")
