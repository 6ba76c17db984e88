"""The organisers' API: OSDI 1.1 resources of the campaign a key belongs to.

Every query starts from the key's campaign, so an id of another campaign's resource is simply not
found (404), whatever it is. Keys are sent in the OSDI-API-Token header; an unknown or revoked key
gets 401, a read-only key that tries to write gets 403.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from ninja import NinjaAPI, Query, Router, Schema, Swagger
from ninja.errors import ValidationError
from ninja.security import APIKeyHeader

from . import keys, paging, resources, schemas, writes
from .resources import Links

HAL = "application/hal+json"


class OsdiToken(APIKeyHeader):
    """The header Action Network and other OSDI servers read the key from."""

    param_name = "OSDI-API-Token"

    def authenticate(self, request, key):
        api_key = keys.key_for(key)
        if api_key is not None:
            request.api_key = api_key  # logged by api.middleware.KeyUseLogMiddleware
        return api_key


api = NinjaAPI(
    title="Solidarity campaigns API (OSDI 1.1)",
    version="1",
    description=(
        "Petitions (statements), signatures, people, events, attendances, fundraising pages and "
        "donations of the campaign an API key belongs to, in the shape of the Open Supporter Data "
        "Interface 1.1 (HAL+JSON). Send the key in the OSDI-API-Token header. Collections page with "
        "page and per_page; follow the next link (it carries a cursor) to walk a large collection, "
        "and filter with filter=modified_date gt '2026-11-01T00:00:00Z' for an incremental sync."
    ),
    auth=OsdiToken(),
    urls_namespace="api",
    openapi_url="/schema/",
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_url="/schema/docs/",
)
v1 = Router(tags=["OSDI 1.1"])


@api.exception_handler(ValidationError)
def _invalid(request, error):
    """Bad input is a 400 with each problem and where it is (django-ninja says 422 by default)."""
    problems = [
        {
            "field": ".".join(str(part) for part in problem.get("loc", ())[1:]),
            "message": problem.get("msg", ""),
        }
        for problem in error.errors
    ]
    return api.create_response(request, {"detail": problems}, status=400)


ERRORS = {400: schemas.Error, 401: schemas.Error, 403: schemas.Error, 404: schemas.Error}


def hal(data, status=200) -> HttpResponse:
    return HttpResponse(json.dumps(data, cls=DjangoJSONEncoder), content_type=HAL, status=status)


def _campaign(request):
    return request.auth.campaign


class PageParams(Schema):
    page: int | None = None
    per_page: int | None = None
    filter: str | None = None
    after: str | None = None


def _page(request, querysets, params: PageParams, rel, represent):
    condition = paging.parse_filter(params.filter)
    page = paging.paginate(
        [qs.filter(condition) for qs in querysets],
        page=params.page,
        per_page=params.per_page,
        after=params.after,
    )
    return hal(paging.collection(request, page, rel, [represent(row) for row in page.rows]))


COLLECTION = {200: schemas.Collection, **ERRORS}


@dataclass(frozen=True)
class Kind:
    """A kind of resource as the API lists and finds it: its rows of a campaign (every query starts
    there, so another campaign's id is not found), the collection's rel, and what a row shows."""

    rel: str
    rows: Callable[..., QuerySet]  # (campaign)
    show: Callable[..., dict]  # (row, links, campaign)


PETITIONS = Kind("osdi:petitions", resources.petitions, lambda row, links, _: resources.petition(row, links))
EVENTS = Kind("osdi:events", resources.events, lambda row, links, _: resources.event(row, links))
ATTENDANCES = Kind("osdi:attendances", resources.attendances, resources.attendance)
FUNDRAISING_PAGES = Kind(
    "osdi:fundraising_pages", resources.funds, lambda row, links, _: resources.fundraising_page(row, links)
)
DONATIONS = Kind("osdi:donations", resources.donations, lambda row, links, _: resources.donation(row, links))


def _list(request, kind: Kind, params: PageParams, **within):
    """A page of the key's campaign's rows of this kind (`within`: of one event, one fund)."""
    campaign, links = _campaign(request), Links(request)
    rows = kind.rows(campaign).filter(**within)
    return _page(request, [rows], params, kind.rel, lambda row: kind.show(row, links, campaign))


def _find(request, kind: Kind, public_id: UUID):
    found = kind.rows(_campaign(request)).filter(uuid=public_id).first()
    if found is None:
        raise Http404
    return found


def _show(request, kind: Kind, row, status=200) -> HttpResponse:
    return hal(kind.show(row, Links(request), _campaign(request)), status=status)


def _detail(request, kind: Kind, public_id: UUID) -> HttpResponse:
    return _show(request, kind, _find(request, kind, public_id))


# --- Entry point ---------------------------------------------------------------------------------


@v1.get("/", response={200: dict, **ERRORS}, summary="Entry point: links to every collection")
def entry_point(request):
    links = Links(request)
    campaign = _campaign(request)
    return hal(
        {
            "motd": f"Organisers' API of {campaign.title}",
            "vendor_name": "Solidarity campaigns",
            "product_name": "Solidarity campaigns",
            "osdi_version": "1.1",
            "_links": {
                "curies": paging.CURIES,
                "self": links(""),
                **{
                    f"osdi:{name}": links(name)
                    for name in (
                        "people",
                        "petitions",
                        "signatures",
                        "deleted_signatures",
                        "events",
                        "attendances",
                        "fundraising_pages",
                        "donations",
                    )
                },
            },
        }
    )


# --- Petitions and signatures --------------------------------------------------------------------


@v1.get("/petitions", response=COLLECTION, summary="Petitions (the campaign's public statements)")
def petitions(request, params: Query[PageParams]):
    return _list(request, PETITIONS, params)


@v1.get("/petitions/{petition_id}", response={200: schemas.Petition, **ERRORS}, summary="One petition")
def petition(request, petition_id: UUID):
    return _detail(request, PETITIONS, petition_id)


def _signature_page(request, statements, params):
    links = Links(request)
    campaign = _campaign(request)
    uuids = dict(statements)
    return _page(
        request,
        resources.signatures(uuids),
        params,
        "osdi:signatures",
        lambda row: resources.signature(row, uuids[row.statement_id], links, campaign),
    )


@v1.get(
    "/petitions/{petition_id}/signatures",
    response=COLLECTION,
    summary="Confirmed signatures of one petition",
)
def petition_signatures(request, petition_id: UUID, params: Query[PageParams]):
    statement = _find(request, PETITIONS, petition_id)
    return _signature_page(request, [(statement.pk, statement.uuid)], params)


@v1.get("/signatures", response=COLLECTION, summary="Confirmed signatures of every petition")
def signatures(request, params: Query[PageParams]):
    statements = resources.statements(_campaign(request)).values_list("pk", "uuid")
    return _signature_page(request, list(statements), params)


@v1.get(
    "/deleted_signatures",
    response=COLLECTION,
    summary="Signatures withdrawn, struck out or anonymised since they were confirmed (for a sync)",
)
def deleted_signatures(request, params: Query[PageParams]):
    links = Links(request)
    statements = list(resources.statements(_campaign(request)).values_list("pk", flat=True))
    return _page(
        request,
        resources.deleted_signatures(statements),
        params,
        "osdi:signatures",
        lambda row: resources.tombstone(row, links),
    )


@v1.get("/signatures/{signature_id}", response={200: schemas.Signature, **ERRORS}, summary="One signature")
def signature(request, signature_id: UUID):
    statements = dict(resources.statements(_campaign(request)).values_list("pk", "uuid"))
    for queryset in resources.signatures(statements):
        row = queryset.filter(uuid=signature_id).first()
        if row is not None:
            return hal(
                resources.signature(row, statements[row.statement_id], Links(request), _campaign(request))
            )
    raise Http404


@v1.post(
    "/petitions/{petition_id}/signatures",
    response={202: dict, **ERRORS},
    summary="Add a signature (as the signing form does; read-write keys only)",
)
def add_signature(request, petition_id: UUID, payload: schemas.SignatureIn):
    statement = _find(request, PETITIONS, petition_id)
    writes.require_write(request)
    writes.add_signature(request, statement, payload)
    # The same answer whether or not the address had signed: the API does not tell who signed.
    return hal({"campaign:status": "accepted"}, status=202)


# --- People --------------------------------------------------------------------------------------


@v1.get("/people", response=COLLECTION, summary="People who agreed to be contacted")
def people(request, params: Query[PageParams]):
    campaign = _campaign(request)
    links = Links(request)
    condition = paging.parse_filter(params.filter)
    everyone = resources.people(campaign)
    page = paging.paginate_list(
        everyone, condition, page=params.page, per_page=params.per_page, after=params.after
    )
    items = [resources.person(found, campaign, links) for found in page.rows]
    return hal(paging.collection(request, page, "osdi:people", items))


@v1.get("/people/{person_id}", response={200: schemas.Person, **ERRORS}, summary="One person")
def person(request, person_id: UUID):
    campaign = _campaign(request)
    for found in resources.people(campaign):
        if found.uuid == person_id:
            return hal(resources.person(found, campaign, Links(request)))
    raise Http404


# --- Events and attendances ----------------------------------------------------------------------


@v1.get("/events", response=COLLECTION, summary="Events")
def events(request, params: Query[PageParams]):
    return _list(request, EVENTS, params)


@v1.get("/events/{event_id}", response={200: schemas.Event, **ERRORS}, summary="One event")
def event(request, event_id: UUID):
    return _detail(request, EVENTS, event_id)


@v1.get("/events/{event_id}/attendances", response=COLLECTION, summary="Sign-ups for one event")
def event_attendances(request, event_id: UUID, params: Query[PageParams]):
    return _list(request, ATTENDANCES, params, event=_find(request, EVENTS, event_id))


@v1.get("/attendances", response=COLLECTION, summary="Sign-ups for every event")
def attendances(request, params: Query[PageParams]):
    return _list(request, ATTENDANCES, params)


@v1.get("/attendances/{attendance_id}", response={200: schemas.Attendance, **ERRORS}, summary="One sign-up")
def attendance(request, attendance_id: UUID):
    return _detail(request, ATTENDANCES, attendance_id)


@v1.put(
    "/attendances/{attendance_id}",
    response={200: schemas.Attendance, **ERRORS},
    summary="Record attendance at the door (read-write keys only)",
)
def record_attendance(request, attendance_id: UUID, payload: schemas.AttendanceIn):
    row = _find(request, ATTENDANCES, attendance_id)
    writes.require_write(request)
    writes.record_attendance(row, payload)
    return _detail(request, ATTENDANCES, attendance_id)


# --- Fundraising pages and donations -------------------------------------------------------------


@v1.get("/fundraising_pages", response=COLLECTION, summary="The fighting fund")
def fundraising_pages(request, params: Query[PageParams]):
    return _list(request, FUNDRAISING_PAGES, params)


@v1.get(
    "/fundraising_pages/{page_id}",
    response={200: schemas.FundraisingPage, **ERRORS},
    summary="One fundraising page",
)
def fundraising_page(request, page_id: UUID):
    return _detail(request, FUNDRAISING_PAGES, page_id)


@v1.get("/fundraising_pages/{page_id}/donations", response=COLLECTION, summary="Donations to one fund")
def fund_donations(request, page_id: UUID, params: Query[PageParams]):
    return _list(request, DONATIONS, params, fund=_find(request, FUNDRAISING_PAGES, page_id))


@v1.get("/donations", response=COLLECTION, summary="Donations")
def donations(request, params: Query[PageParams]):
    return _list(request, DONATIONS, params)


@v1.get("/donations/{donation_id}", response={200: schemas.Donation, **ERRORS}, summary="One donation")
def donation(request, donation_id: UUID):
    return _detail(request, DONATIONS, donation_id)


@v1.post(
    "/fundraising_pages/{page_id}/donations",
    response={201: schemas.Donation, **ERRORS},
    summary="Record an offline donation (read-write keys only)",
)
def add_donation(request, page_id: UUID, payload: schemas.DonationIn):
    fund = _find(request, FUNDRAISING_PAGES, page_id)
    writes.require_write(request)
    row = writes.record_donation(request, fund, payload)
    return _show(request, DONATIONS, row, status=201)


api.add_router("/v1", v1)
