from functools import partial

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods

from campaign.http import same_origin_post, see_other
from campaigns.models import Campaign
from safety import abuse

from . import pagecache, services
from .forms import SignatureForm
from .models import Signature, Statement
from .signup import request_info, tracking_initial
from .tokens import ExpiredToken, InvalidToken, make_withdraw_token
from .translations import localise, localise_campaign


def _public_statement(campaign_slug, statement_slug, *, localised=True):
    statement = get_object_or_404(
        Statement.objects.public().select_related("campaign"),
        campaign__slug=campaign_slug,
        slug=statement_slug,
    )
    return localise(statement) if localised else statement


@require_GET
def campaign(request, campaign_slug):
    campaign = localise_campaign(get_object_or_404(Campaign, slug=campaign_slug))
    statements = [localise(statement) for statement in campaign.statements.public()]
    if not statements:
        return render(request, "404.html", status=404)
    return render(request, "petitions/campaign.html", {"campaign": campaign, "statements": statements})


@require_http_methods(["GET", "POST"])
@same_origin_post  # no CSRF token: the page is the same for everyone (petitions/pagecache.py)
def statement(request, campaign_slug, statement_slug):
    if request.method == "GET":
        per_request = {**tracking_initial(request, referrer=False), "started": abuse.form_started_token()}
        load = partial(_public_statement, campaign_slug, statement_slug)
        render_page = partial(_statement_page, request)
        return pagecache.serve(request, (campaign_slug, statement_slug), per_request, load, render_page)
    # Signing needs no translation of the text (one query less); showing the page again does.
    load = partial(_public_statement, campaign_slug, statement_slug, localised=False)
    statement = pagecache.statement_to_sign((campaign_slug, statement_slug), load)
    form = None
    if statement.is_open:
        form = SignatureForm(request.POST, statement=statement)
        if form.is_valid():
            if not form.is_bot:
                services.sign(statement, form.cleaned_data, request_info(request, form))
            # 303 whether or not this email had signed before: nothing to enumerate.
            return see_other(reverse("petitions:check_email", args=[campaign_slug, statement_slug]))
    context = {"statement": localise(statement), "form": form}
    return render(request, "petitions/statement.html", context, status=400)


def _statement_page(request, statement, initial, shared):
    form = SignatureForm(statement=statement, initial=initial) if statement.is_open else None
    context = {"statement": statement, "form": form}
    if shared:
        # Everyone's page: rendered as for an anonymous visitor, without reading the session
        # (reading it would add Vary: Cookie).
        context["user"] = AnonymousUser()
    return render(request, "petitions/statement.html", context)


@require_GET
@cache_control(public=True, max_age=5)
def statement_count(request, campaign_slug, statement_slug):
    statement = _public_statement(campaign_slug, statement_slug)
    response = JsonResponse(
        {
            "campaign": statement.campaign.slug,
            "statement": statement.slug,
            "title": statement.title,
            "signature_count": statement.signature_count,
            "target": statement.target,
            "status": "open" if statement.is_open else "closed",
            "closes_at": statement.closes_at.isoformat() if statement.closes_at else None,
            "updated_at": statement.counted_at.isoformat() if statement.counted_at else None,
        }
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def check_email(request, campaign_slug, statement_slug):
    statement = _public_statement(campaign_slug, statement_slug)
    context = {"statement": statement, "max_mails": settings.MAX_MAILS_PER_ADDRESS_PER_DAY}
    return render(request, "petitions/check_email.html", context)


@require_GET
def confirm(request, token):
    try:
        result = services.confirm(token)
    except ExpiredToken as expired:
        signature = (
            services.Signature.objects.filter(uuid=expired.signature_uuid)
            .select_related("statement__campaign")
            .first()
        )
        statement = signature.statement if signature else None
        return render(
            request,
            "petitions/confirm_invalid.html",
            {
                "expired": True,
                "statement": statement,
                "max_age_days": settings.CONFIRM_TOKEN_MAX_AGE // 86400,
            },
            status=410,
        )
    except InvalidToken:
        return render(request, "petitions/confirm_invalid.html", {"expired": False}, status=400)
    statement = localise(result.signature.statement)
    if result.statement_closed:
        return render(request, "petitions/statement_closed.html", {"statement": statement}, status=409)
    if result.signature.status == services.Signature.Status.WITHDRAWN:
        return render(request, "privacy/withdrawn.html", {"statement": statement, "withdrawn": False})
    withdraw_url = reverse("privacy:withdraw", args=[make_withdraw_token(result.signature)])
    return render(
        request,
        "petitions/thanks.html",
        {
            "statement": statement,
            "withdraw_url": withdraw_url,
            "awaiting_review": result.awaiting_review,
            "replaced": result.replaced,
            "superseded": result.signature.status == services.Signature.Status.SUPERSEDED,
        },
    )


SEARCH_MAX_LENGTH = 100
SIGNATORIES_PER_PAGE = 100


@require_GET
def signatories(request, campaign_slug, statement_slug):
    """The public list: approved listings of confirmed signers who chose it, organisations first.

    Shows names, organisations, roles and places only; never emails, IP hashes or consent.
    """
    statement = _public_statement(campaign_slug, statement_slug)
    listed = Signature.objects.filter(statement=statement).publicly_listed()
    counts = listed.aggregate(
        organisations=Count("pk", filter=Q(kind=Signature.Kind.ORGANISATION)),
        individuals=Count("pk", filter=Q(kind=Signature.Kind.INDIVIDUAL)),
    )
    query = " ".join(request.GET.get("q", "").replace("\x00", "").split())[:SEARCH_MAX_LENGTH]
    if query:
        listed = listed.filter(Q(name__icontains=query) | Q(organisation__icontains=query))
    listed = listed.only("kind", "name", "organisation", "role", "location", "country", "notable").order_by(
        # "organisation" sorts after "individual": descending puts organisations first.
        "-kind",
        "-notable",
        Lower("organisation"),
        Lower("name"),
        "pk",
    )
    page = Paginator(listed, SIGNATORIES_PER_PAGE).get_page(request.GET.get("page"))
    for signature in page.object_list:
        signature.place = signature.public_place
    return render(
        request,
        "petitions/signatories.html",
        {"statement": statement, "page": page, "query": query, **counts},
    )
