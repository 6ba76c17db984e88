"""The organisers' dashboard. Every view checks membership: outsiders get 404, never a hint."""

from datetime import UTC, datetime, time, timedelta

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_countries import countries

from campaign.http import see_other
from campaigns.access import member_required
from campaigns.models import Membership
from outbox.services import statement_mail_stats
from petitions import revisions
from petitions.models import Signature, Statement
from petitions.text import render_markdown

from . import adapter, exports, paper, services
from .forms import PAPER_DECLARATION, ExportForm, InvitationForm, PaperImportForm, StatementForm
from .models import ExportLog, Invitation, PaperImport


def _statement(membership, statement_slug) -> Statement:
    return get_object_or_404(Statement, campaign=membership.campaign, slug=statement_slug)


def _today_start():
    return datetime.combine(timezone.now().astimezone(UTC).date(), time.min, tzinfo=UTC)


def _with_mail(statements) -> list[Statement]:
    """The statements, each with `mail`: its mails due, sent, failed and the oldest unsent (outbox)."""
    statements = list(statements)
    stats = statement_mail_stats([s.pk for s in statements])
    for statement in statements:
        statement.mail = stats[statement.pk]
    return statements


def _with_totals(statements):
    live = ~Q(signatures__status__in=[Signature.Status.INVALID, Signature.Status.FRAUDULENT])
    return statements.annotate(
        confirmed=Count("signatures", filter=Q(signatures__status=Signature.Status.CONFIRMED)),
        pending=Count("signatures", filter=Q(signatures__status=Signature.Status.PENDING)),
        listings_pending=Count(
            "signatures",
            filter=Q(signatures__listing=Signature.Listing.PENDING, signatures__show_publicly=True) & live,
        ),
        today=Count("signatures", filter=Q(signatures__created_at__gte=_today_start()) & live),
    )


# --- Campaigns and members -----------------------------------------------------------------------


@require_GET
@login_required
def home(request):
    memberships = (
        Membership.objects.filter(user=request.user).select_related("campaign").order_by("campaign__title")
    )
    campaigns = []
    for membership in memberships:
        statements = _with_mail(_with_totals(membership.campaign.statements.order_by("created_at")))
        campaigns.append((membership, statements))
    return render(request, "organisers/home.html", {"campaigns": campaigns})


@require_GET
@member_required
def campaign(request, membership):
    campaign = membership.campaign
    context = {
        "membership": membership,
        "campaign": campaign,
        "statements": _with_mail(_with_totals(campaign.statements.order_by("created_at"))),
        "members": campaign.memberships.select_related("user").order_by("role", "user__email"),
    }
    if membership.is_owner:
        context["export_logs"] = campaign.export_logs.select_related("statement")[:20]
    return render(request, "organisers/campaign.html", context)


@require_http_methods(["GET", "POST"])
@member_required(owner=True)
def members(request, membership):
    campaign = membership.campaign
    form = InvitationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            email = form.cleaned_data["email"]
            if services.is_member_by_email(campaign, email):
                form.add_error("email", _("This person is already a member of the campaign."))
            else:
                services.invite(campaign, email, form.cleaned_data["role"], request.user)
                messages.success(request, _("Invitation sent to %(email)s.") % {"email": email})
                return see_other(reverse("organisers:members", args=[campaign.slug]))
        status = 400
    context = {
        "membership": membership,
        "campaign": campaign,
        "members": campaign.memberships.select_related("user").order_by("role", "user__email"),
        "invitations": campaign.invitations.usable().select_related("invited_by"),
        "form": form,
    }
    return render(request, "organisers/members.html", context, status=status)


@require_POST
@member_required(owner=True)
def remove_member(request, membership, member_uuid):
    target = get_object_or_404(Membership, campaign=membership.campaign, uuid=member_uuid)
    try:
        services.remove_member(target)
    except services.LastOwnerError:
        messages.error(request, _("A campaign needs at least one owner. Appoint another owner first."))
    else:
        messages.success(request, _("%(email)s is no longer a member.") % {"email": target.user.email})
    if target.user_id == request.user.id and target.pk is None:
        return see_other(reverse("organisers:home"))
    return see_other(reverse("organisers:members", args=[membership.campaign.slug]))


@require_POST
@member_required(owner=True)
def revoke_invitation(request, membership, invitation_uuid):
    invitation = get_object_or_404(
        Invitation, campaign=membership.campaign, uuid=invitation_uuid, used_at__isnull=True
    )
    invitation.delete()
    messages.success(request, _("The invitation for %(email)s was withdrawn.") % {"email": invitation.email})
    return see_other(reverse("organisers:members", args=[membership.campaign.slug]))


@require_http_methods(["GET", "POST"])
def accept_invitation(request, invitation_uuid):
    """Anonymous visitors are offered sign-up or log-in; a logged-in user accepts with a POST."""
    invitation = get_object_or_404(Invitation.objects.select_related("campaign"), uuid=invitation_uuid)
    context = {"invitation": invitation, "campaign": invitation.campaign}
    if not invitation.is_usable and not (invitation.used_by_id and invitation.used_by_id == request.user.pk):
        reason = "used" if invitation.used_at else "expired"
        return render(
            request, "organisers/invitation_invalid.html", {**context, "reason": reason}, status=410
        )
    if not request.user.is_authenticated:
        adapter.remember_invitation(request, invitation)
        # The invitation reached this address, so an account made with it needs no second check.
        get_adapter(request).stash_verified_email(request, invitation.email)
        login_url = reverse("account_login") + "?next=" + request.path
        return render(request, "organisers/invitation.html", {**context, "login_url": login_url})
    if request.method == "GET":
        return render(request, "organisers/invitation.html", context)
    try:
        membership = services.accept_invitation(invitation.uuid, request.user)
    except services.InvitationError as error:
        status = 403 if error.code == "wrong_account" else 410
        return render(
            request, "organisers/invitation_invalid.html", {**context, "reason": error.code}, status=status
        )
    adapter.forget_invitation(request)
    messages.success(request, _("Welcome to %(title)s.") % {"title": membership.campaign.title})
    return see_other(reverse("organisers:campaign", args=[membership.campaign.slug]))


# --- Statements ----------------------------------------------------------------------------------


def _by_day(statement, days=30):
    start = _today_start() - timedelta(days=days - 1)
    counts = dict(
        Signature.objects.filter(
            statement=statement, status=Signature.Status.CONFIRMED, created_at__gte=start
        )
        .annotate(day=TruncDate("created_at", tzinfo=UTC))
        .values_list("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    series = [(start.date() + timedelta(days=i), 0) for i in range(days)]
    return [(day, counts.get(day, 0)) for day, _zero in series]


def _chart(series, width=600, height=120):
    """Bars for a server-rendered SVG: no script, no inline style."""
    top = max((n for _day, n in series), default=0) or 1
    slot = width / len(series)
    bars = []
    for index, (day, n) in enumerate(series):
        bar_height = round(height * n / top, 1)
        bars.append(
            {
                "x": round(index * slot + 1, 1),
                "y": round(height - bar_height, 1),
                "width": round(slot - 2, 1),
                "height": bar_height,
                "day": day,
                "n": n,
            }
        )
    return {"bars": bars, "width": width, "height": height, "top": top}


@require_GET
@member_required
def statement(request, membership, statement_slug):
    statement = _statement(membership, statement_slug)
    totals = _with_totals(Statement.objects.filter(pk=statement.pk)).get()
    confirmed = Signature.objects.filter(statement=statement, status=Signature.Status.CONFIRMED)
    by_country = [
        (countries.name(code) or code, n)
        for code, n in confirmed.values_list("country").annotate(n=Count("pk")).order_by("-n", "country")[:25]
    ]
    by_kind = dict(confirmed.values_list("kind").annotate(n=Count("pk")))
    series = _by_day(statement)
    context = {
        "membership": membership,
        "campaign": membership.campaign,
        "statement": statement,
        "totals": totals,
        "mail": statement_mail_stats([statement.pk])[statement.pk],
        "chart": _chart(series),
        "by_country": by_country,
        "individuals": by_kind.get(Signature.Kind.INDIVIDUAL, 0),
        "organisations": by_kind.get(Signature.Kind.ORGANISATION, 0),
        "latest": Signature.objects.filter(statement=statement).order_by("-created_at")[:20],
        "pending_revision": revisions.pending(statement.revisions),
        "export_form": ExportForm(),
        "paper_imports": statement.paper_imports.select_related("uploaded_by")[:10],
    }
    return render(request, "organisers/statement.html", context)


def _statement_form_page(request, membership, form, statement=None):
    preview = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            if request.POST.get("action") == "preview":
                preview = render_markdown(form.cleaned_data["body"])
            else:
                return None
        else:
            status = 400
    context = {
        "membership": membership,
        "campaign": membership.campaign,
        "statement": statement,
        "form": form,
        "preview": preview,
        "needs_approval": services.needs_approval(request.user),
    }
    return render(request, "organisers/statement_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@member_required
def statement_create(request, membership):
    form = StatementForm(request.POST or None)
    response = _statement_form_page(request, membership, form)
    if response is not None:
        return response
    statement = services.create_statement(membership.campaign, form.save(commit=False), request.user)
    if statement.approved_at is None:
        messages.success(request, _("Statement saved. It goes public once a moderator approves it."))
    else:
        messages.success(request, _("Statement saved."))
    return see_other(reverse("organisers:statement", args=[membership.campaign.slug, statement.slug]))


@require_http_methods(["GET", "POST"])
@member_required
def statement_edit(request, membership, statement_slug):
    statement = _statement(membership, statement_slug)
    # The form starts from the edit awaiting a moderator, if there is one, not the approved text.
    form = StatementForm(request.POST or None, instance=revisions.proposed(statement, statement.revisions))
    response = _statement_form_page(request, membership, form, statement)
    if response is not None:
        return response
    if services.save_statement(form.save(commit=False), request.user):
        messages.success(
            request,
            _(
                "Saved. The new title and text go public once a moderator approves them; "
                "until then the public page shows the approved version."
            ),
        )
    else:
        messages.success(request, _("Statement saved."))
    return see_other(reverse("organisers:statement", args=[membership.campaign.slug, statement.slug]))


# --- Exports -------------------------------------------------------------------------------------


def _filename(statement, suffix):
    return f"{statement.campaign.slug}-{statement.slug}-{suffix}-{timezone.now():%Y%m%d-%H%M}"


def _export_page(request, membership, statement, form, status=200):
    context = {
        "membership": membership,
        "campaign": membership.campaign,
        "statement": statement,
        "form": form,
    }
    return render(request, "organisers/export.html", context, status=status)


@require_GET
@member_required
def export(request, membership, statement_slug):
    """The export form; it submits (GET) to statement_export."""
    return _export_page(request, membership, _statement(membership, statement_slug), ExportForm())


@require_GET
@member_required
def statement_export(request, membership, statement_slug):
    """The signatories as CSV, streamed; filters are checked first (400 with messages if invalid)."""
    statement = _statement(membership, statement_slug)
    form = ExportForm(request.GET)
    if not form.is_valid():
        return _export_page(request, membership, statement, form, status=400)
    filters = form.filters()
    log = exports.start_log(
        statement=statement, user=request.user, kind=ExportLog.Kind.SIGNATORIES, filters=filters
    )
    rows = exports.signatory_rows(statement, filters)
    response = StreamingHttpResponse(
        exports.stream_csv(exports.SIGNATORY_HEADER, rows, log), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(statement, "signatories")}.csv"'
    response["Cache-Control"] = "no-store"
    # Tell a buffering proxy (nginx) to pass the rows on as they come.
    response["X-Accel-Buffering"] = "no"
    return response


@require_GET
@member_required
def publication_list(request, membership, statement_slug, fmt):
    statement = _statement(membership, statement_slug)
    if fmt == "csv":
        log = exports.start_log(
            statement=statement, user=request.user, kind=ExportLog.Kind.PUBLICATION_CSV, filters={}
        )
        content = exports.stream_csv(exports.PUBLICATION_HEADER, exports.publication_rows(statement), log)
        response = StreamingHttpResponse(content, content_type="text/csv; charset=utf-8")
    else:
        log = exports.start_log(
            statement=statement, user=request.user, kind=ExportLog.Kind.PUBLICATION_TEXT, filters={}
        )
        lines = exports.publication_text_lines(statement, (_("Organisations"), _("Individuals")))
        response = StreamingHttpResponse(
            exports.stream_text(lines, log), content_type="text/plain; charset=utf-8"
        )
    response["Content-Disposition"] = (
        f'attachment; filename="{_filename(statement, "publication-list")}.{fmt}"'
    )
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@member_required(owner=True)
def export_log(request, membership):
    logs = membership.campaign.export_logs.select_related("statement")[:500]
    return render(
        request,
        "organisers/export_log.html",
        {"membership": membership, "campaign": membership.campaign, "logs": logs},
    )


# --- Paper signatures ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@member_required
def paper_import(request, membership, statement_slug):
    statement = _statement(membership, statement_slug)
    form = PaperImportForm(request.POST or None, request.FILES or None)
    report = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            report = paper.import_csv(
                statement,
                upload.read(),
                paper.PaperUpload(
                    filename=upload.name,
                    user=request.user,
                    source=form.cleaned_data["source"],
                    declaration=str(PAPER_DECLARATION),
                ),
            )
            if report.ok and report.batch:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d paper signature imported.",
                        "%(count)d paper signatures imported.",
                        report.imported,
                    )
                    % {"count": report.imported},
                )
                if not report.skipped:
                    return see_other(
                        reverse("organisers:statement", args=[membership.campaign.slug, statement.slug])
                    )
            elif not report.ok:
                status = 400
        else:
            status = 400
    context = {
        "membership": membership,
        "campaign": membership.campaign,
        "statement": statement,
        "form": form,
        "report": report,
        "batches": statement.paper_imports.select_related("uploaded_by")[:50],
    }
    return render(request, "organisers/paper_import.html", context, status=status)


@require_GET
@member_required
def paper_template(request, membership, statement_slug):
    """An empty CSV with the columns the import reads, to fill in from the paper forms."""
    _statement(membership, statement_slug)
    response = HttpResponse(",".join(paper.TEMPLATE_COLUMNS) + "\r\n", content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="paper-signatures.csv"'
    return response


@require_POST
@member_required(owner=True)
def paper_delete(request, membership, statement_slug, batch_uuid):
    statement = _statement(membership, statement_slug)
    batch = get_object_or_404(PaperImport, statement=statement, uuid=batch_uuid)
    count = paper.delete_batch(batch)
    messages.success(
        request,
        ngettext("%(count)d paper signature deleted.", "%(count)d paper signatures deleted.", count)
        % {"count": count},
    )
    return see_other(reverse("organisers:paper_import", args=[membership.campaign.slug, statement.slug]))
