"""Admin building blocks shared by the queues and the lists: actions that ask for a reason first,
the signature actions, and the country filter."""

from functools import wraps

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from petitions.models import Signature

from . import services


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional, kept in the audit trail)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )


def action_with_reason(description, done_message, permission="change"):
    """An admin action that first asks for an optional reason, then calls func(request, ids, reason).

    The intermediate page posts the selection back (including "select all" across pages), so the
    action runs on exactly what the moderator chose. done_message has %(count)d.
    """

    def decorator(func):
        @admin.action(description=description, permissions=[permission])
        @wraps(func)
        def action(modeladmin, request, queryset):
            form = ReasonForm(request.POST if "apply" in request.POST else None)
            if form.is_bound and form.is_valid():
                ids = list(queryset.order_by().values_list("pk", flat=True))
                count = func(modeladmin, request, ids, form.cleaned_data["reason"])
                modeladmin.message_user(request, done_message % {"count": count}, messages.SUCCESS)
                return None
            context = {
                **modeladmin.admin_site.each_context(request),
                "title": description,
                "opts": modeladmin.model._meta,
                "form": form,
                "action": func.__name__,
                "count": queryset.count(),
                "preview": list(queryset[:20]),
                "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
                "select_across": request.POST.get("select_across", "0"),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/moderation/action_reason.html", context)

        return action

    return decorator


class SignatureActions:
    """Actions shared by the signature list and the moderation queue."""

    @action_with_reason(_("Approve public listing"), _("%(count)d listings approved."))
    def approve_listing(self, request, ids, reason):
        return services.decide_listing(request.user, ids, "approve", reason)

    @action_with_reason(_("Reject public listing"), _("%(count)d listings rejected."))
    def reject_listing(self, request, ids, reason):
        return services.decide_listing(request.user, ids, "reject", reason)

    @action_with_reason(_("Hide from the public list"), _("%(count)d listings hidden."))
    def hide_listing(self, request, ids, reason):
        return services.decide_listing(request.user, ids, "hide", reason)

    @action_with_reason(_("Feature at the top of the list (notable)"), _("%(count)d marked notable."))
    def mark_notable(self, request, ids, reason):
        return services.set_notable(request.user, ids, True, reason)

    @action_with_reason(_("Stop featuring (not notable)"), _("%(count)d no longer notable."))
    def unmark_notable(self, request, ids, reason):
        return services.set_notable(request.user, ids, False, reason)

    @action_with_reason(_("Mark as fraudulent (excluded from totals)"), _("%(count)d marked fraudulent."))
    def mark_fraudulent(self, request, ids, reason):
        return services.exclude(request.user, ids, Signature.Status.FRAUDULENT, reason)

    @action_with_reason(_("Mark as invalid (excluded from totals)"), _("%(count)d marked invalid."))
    def mark_invalid(self, request, ids, reason):
        return services.exclude(request.user, ids, Signature.Status.INVALID, reason)

    @action_with_reason(_("Restore (release held, undo invalid or fraudulent)"), _("%(count)d restored."))
    def restore(self, request, ids, reason):
        return services.restore(request.user, ids, reason)


class CountryFilter(admin.SimpleListFilter):
    """Country as a drop-down of the countries present (a form, no script): a list of 250 links
    would be 6,800 px tall."""

    title = _("country")
    parameter_name = "country"
    template = "admin/moderation/dropdown_filter.html"

    def lookups(self, request, model_admin):
        codes = model_admin.get_queryset(request).order_by().values_list("country", flat=True).distinct()
        return sorted(((code, countries.name(code) or code) for code in codes), key=lambda c: c[1])

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(country=self.value())
        return queryset

    def choices(self, changelist):
        # The form replaces the query string: the other filters and the search go along hidden.
        keep = [
            (key, value)
            for key, values in changelist.params.items()
            if key not in (self.parameter_name, "p")
            for value in (values if isinstance(values, list) else [values])
        ]
        yield {"selected": self.value() is None, "value": "", "display": _("All"), "keep": keep}
        for code, name in self.lookup_choices:
            yield {"selected": self.value() == str(code), "value": code, "display": name}
