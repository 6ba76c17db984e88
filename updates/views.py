"""Organisers write, preview, test and send updates; signers unsubscribe with one click."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaign.http import see_other
from campaigns.access import member_required
from petitions.models import Statement

from . import services
from .emails import PREVIEW_NAME, update_message
from .forms import UpdateForm
from .models import Update
from .tokens import TEST_PAYLOAD, InvalidToken, read_unsubscribe_token


def _update(membership, update_uuid) -> Update:
    return get_object_or_404(
        Update.objects.select_related("statement__campaign"),
        uuid=update_uuid,
        statement__campaign=membership.campaign,
    )


def _detail_url(update: Update) -> str:
    return reverse("updates:detail", args=[update.statement.campaign.slug, update.uuid])


# --- Organisers ---------------------------------------------------------------------------------


@require_GET
@member_required
def update_list(request, membership):
    campaign = membership.campaign
    updates = Update.objects.filter(statement__campaign=campaign).select_related("statement")
    statements = Statement.objects.filter(campaign=campaign).exclude(status=Statement.Status.DRAFT)
    context = {
        "campaign": campaign,
        "membership": membership,
        "updates": updates,
        "statements": statements,
        "needs_approval": services.needs_approval(campaign),
    }
    return render(request, "updates/list.html", context)


@require_http_methods(["GET", "POST"])
@member_required
def update_create(request, membership, statement_slug):
    statement = get_object_or_404(Statement, campaign=membership.campaign, slug=statement_slug)
    form = UpdateForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            update = form.save(commit=False)
            update.statement = statement
            update.created_by = request.user
            update.save()
            return see_other(_detail_url(update))
        status = 400
    else:
        status = 200
    context = {"campaign": membership.campaign, "statement": statement, "form": form}
    return render(request, "updates/form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@member_required
def update_edit(request, membership, update_uuid):
    update = _update(membership, update_uuid)
    if update.status != Update.Status.DRAFT:
        return see_other(_detail_url(update))
    form = UpdateForm(request.POST or None, instance=update)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            if form.has_changed():
                services.clear_approval(form.instance)
            form.save()
            return see_other(_detail_url(update))
        status = 400
    context = {"campaign": membership.campaign, "statement": update.statement, "form": form, "update": update}
    return render(request, "updates/form.html", context, status=status)


def _sendable_context(request, membership, update: Update) -> dict:
    """What the detail and confirm pages say about sending: who may, and what is still missing."""
    needs = services.needs_approval(membership.campaign)
    reason = ""
    if not membership.is_owner:
        reason = _("Only an owner of the campaign can send an update.")
    else:
        try:
            services.check_sendable(update, request.user, needs=needs)
        except services.CannotSend as exc:
            reason = str(exc)
    return {
        "campaign": membership.campaign,
        "membership": membership,
        "update": update,
        "statement": update.statement,
        "needs_approval": needs,
        "cannot_send": reason,
        "recipient_count": services.recipient_count(update.statement)
        if update.status == Update.Status.DRAFT
        else update.recipients,
    }


@require_GET
@member_required
def update_detail(request, membership, update_uuid):
    update = _update(membership, update_uuid)
    return render(request, "updates/detail.html", _sendable_context(request, membership, update))


def _preview(update: Update, user):
    """The update exactly as the sender's code builds it, for a stand-in signer."""
    return update_message(update, language=translation.get_language() or "", name=PREVIEW_NAME)


def _confirm_page(request, membership, update: Update, *, error: str = "", status: int = 200):
    """The confirm step: how many people get it, and both parts as they will arrive."""
    preview = _preview(update, request.user)
    context = _sendable_context(request, membership, update)
    context.update(
        {
            "preview_subject": preview.subject,
            "preview_from": preview.from_email,
            "preview_text": preview.text,
            "preview_name": PREVIEW_NAME,
            "error": error,
        }
    )
    return render(request, "updates/confirm.html", context, status=status)


@require_GET
@member_required
def update_confirm(request, membership, update_uuid):
    update = _update(membership, update_uuid)
    if update.status != Update.Status.DRAFT:
        return see_other(_detail_url(update))
    return _confirm_page(request, membership, update)


# The email's own HTML, framed by the confirm page: a sandbox with no script, its inline styles kept.
PREVIEW_CSP = {
    "default-src": [CSP.NONE],
    "style-src": [CSP.UNSAFE_INLINE],
    "img-src": ["https:", "data:"],
    "frame-ancestors": [CSP.SELF],
    "sandbox": True,
}


@require_GET
@member_required
@xframe_options_sameorigin
@csp_override(PREVIEW_CSP)
def update_preview_html(request, membership, update_uuid):
    update = _update(membership, update_uuid)
    html = _preview(update, request.user).html
    return HttpResponse(html, content_type="text/html; charset=utf-8")


@require_POST
@member_required
def update_send_test(request, membership, update_uuid):
    update = _update(membership, update_uuid)
    services.send_test(update, request.user)
    messages.success(request, _("A test email is on its way to %(email)s.") % {"email": request.user.email})
    return see_other(_detail_url(update))


@require_POST
@member_required
def update_approve(request, membership, update_uuid):
    update = _update(membership, update_uuid)
    try:
        services.approve(update, request.user, request.POST.get("version", ""))
    except services.CannotSend as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("You approved this update. An owner can now send it."))
    return see_other(_detail_url(update))


@require_POST
@member_required(owner=True)
def update_send(request, membership, update_uuid):
    update = _update(membership, update_uuid)
    try:
        started = services.start_sending(update, sender=request.user, version=request.POST.get("version", ""))
    except services.CannotSend as exc:
        # Shown again as it reads now, with the reason, and nothing sent.
        update.refresh_from_db()
        return _confirm_page(request, membership, update, error=str(exc), status=409)
    if started:
        messages.success(
            request,
            _("Sending to %(count)s signers. Progress shows below.") % {"count": update.recipients},
        )
    return see_other(_detail_url(update))


@require_POST
@member_required(owner=True)
def update_policy(request, membership):
    services.set_needs_approval(membership.campaign, request.POST.get("needs_approval") == "on")
    messages.success(request, _("Saved."))
    return see_other(reverse("updates:list", args=[membership.campaign.slug]))


# --- Signers --------------------------------------------------------------------------------------


@csrf_exempt  # RFC 8058 one-click: mail providers POST here without a form; the token authenticates.
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    try:
        payload = read_unsubscribe_token(token)
    except InvalidToken:
        return render(request, "updates/unsubscribe.html", {"invalid": True}, status=400)
    if payload == TEST_PAYLOAD:
        return render(request, "updates/unsubscribe.html", {"test": True})
    if request.method == "POST":
        campaign = services.unsubscribe(payload)
        return render(request, "updates/unsubscribe.html", {"done": True, "campaign": campaign})
    campaign = services.campaign_of(payload)
    return render(request, "updates/unsubscribe.html", {"campaign": campaign})
