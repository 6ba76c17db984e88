"""What the API shows of each resource, in OSDI 1.1's shape (HAL+JSON).

Every resource carries `identifiers` ("campaign:<uuid>"), `created_date`, `modified_date` and
`_links`. Never shown: IP hashes, user agents, referrers, signers' emails (except a consenting
person's own address on their person resource), and anything of withdrawn, invalid, fraudulent or
anonymised signatures.
"""

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import F, Max, Min, Q, QuerySet
from django.utils.crypto import salted_hmac

from campaigns.models import Campaign
from events.models import Attendee, Event
from funds.models import Donation, Fund
from petitions.models import Signature, Statement
from petitions.withdrawal import ANONYMISED_PREFIX, not_anonymised
from updates.models import Unsubscribe
from updates.services import email_hash

PREFIX = "campaign"


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def identifiers(public_id) -> list[str]:
    return [f"{PREFIX}:{public_id}"]


class Links:
    """Absolute URLs of the API's resources, built from one base per request."""

    def __init__(self, request):
        self.base = request.build_absolute_uri("/api/v1/")
        self.site = request.build_absolute_uri("/").rstrip("/")

    def __call__(self, *parts) -> dict:
        return {"href": self.base + "/".join(str(p) for p in parts)}


# --- Querysets: what a key of this campaign may see ----------------------------------------------


def statements(campaign: Campaign) -> QuerySet[Statement]:
    return Statement.objects.public().filter(campaign=campaign)


def petitions(campaign: Campaign) -> QuerySet[Statement]:
    return statements(campaign).select_related("campaign")


# What signature() reads: rows come as named tuples of these, not model instances (a page of 500
# builds in a fifth of the time), and nothing else of the row (IP hash, user agent) is even read.
SIGNATURE_FIELDS = (
    "uuid",
    "statement_id",
    "created_at",
    "modified_at",
    "confirmed_at",
    "comment",
    "kind",
    "organisation",
    "country",
    "source",
    "consent_contact",
    "email_normalized",
)


def signatures(statement_ids) -> list[QuerySet]:
    """One queryset per statement (each reads the signature_sync index in order; see paging)."""
    return [
        not_anonymised(
            Signature.objects.filter(statement_id=pk, status=Signature.Status.CONFIRMED)
        ).values_list(*SIGNATURE_FIELDS, named=True)
        for pk in statement_ids
    ]


def deleted_signatures(statement_ids) -> list[QuerySet]:
    """Signatures once confirmed (so perhaps shown) and now gone: withdrawn, struck out by a
    moderator, superseded by the same person's later signature, or anonymised."""
    gone = ~Q(status=Signature.Status.CONFIRMED)
    return [
        Signature.objects.filter(statement_id=pk, confirmed_at__isnull=False)
        .filter(gone | Q(email_normalized__startswith=ANONYMISED_PREFIX))
        .values_list("uuid", "modified_at", named=True)
        for pk in statement_ids
    ]


def tombstone(row, links: Links) -> dict:
    """All that is said of a deleted signature: which one, and when it went."""
    return {
        "identifiers": identifiers(row.uuid),
        "modified_date": iso(row.modified_at),
        "campaign:deleted": True,
        "_links": {"self": links("signatures", row.uuid)},
    }


def events(campaign: Campaign) -> QuerySet[Event]:
    return Event.objects.filter(campaign=campaign).select_related("campaign")


def attendances(campaign: Campaign) -> QuerySet[Attendee]:
    return (
        Attendee.objects.filter(event__campaign=campaign)
        .select_related("event")
        .annotate(modified_at=F("updated_at"))
    )


def funds(campaign: Campaign) -> QuerySet[Fund]:
    return Fund.objects.filter(campaign=campaign).select_related("campaign")


def donations(campaign: Campaign) -> QuerySet[Donation]:
    return Donation.objects.filter(fund__campaign=campaign).select_related("fund")


# --- Petitions and signatures --------------------------------------------------------------------


def petition(statement: Statement, links: Links) -> dict:
    return {
        "identifiers": identifiers(statement.uuid),
        "origin_system": "Solidarity campaigns",
        "created_date": iso(statement.created_at),
        "modified_date": iso(statement.modified_at),
        "title": statement.title,
        "petition_text": statement.body,
        "browser_url": links.site + statement.get_absolute_url(),
        "total_signatures": statement.signature_count,
        "target": [{"name": str(statement.target)}] if statement.target else [],
        "campaign:status": statement.status,
        "_links": {
            "self": links("petitions", statement.uuid),
            "osdi:signatures": links("petitions", statement.uuid, "signatures"),
        },
    }


def signature(row: Signature, statement_uuid, links: Links, campaign: Campaign) -> dict:
    """A confirmed signature. Who signed is only said (the person link) if they agreed to be
    contacted; the organisation is shown for organisational sign-ons, which are public by nature."""
    item = {
        "identifiers": identifiers(row.uuid),
        "created_date": iso(row.created_at),
        "modified_date": iso(row.modified_at),
        "comments": row.comment,
        "campaign:kind": row.kind,
        "campaign:organisation": row.organisation if row.kind == Signature.Kind.ORGANISATION else "",
        "campaign:country": str(row.country),
        "campaign:confirmed_date": iso(row.confirmed_at),
        "campaign:source": row.source,
        "_links": {
            "self": links("signatures", row.uuid),
            "osdi:petition": links("petitions", statement_uuid),
        },
    }
    if row.consent_contact and row.email_normalized:
        item["_links"]["osdi:person"] = links("people", person_id(campaign, row.email_normalized))
    return item


# --- People --------------------------------------------------------------------------------------


def person_id(campaign: Campaign, email_normalized: str) -> uuid.UUID:
    """A stable id for a person of a campaign that does not reveal (or let anyone test) the address."""
    digest = salted_hmac("api.person", f"{campaign.pk}:{email_normalized}", algorithm="sha256").digest()
    return uuid.UUID(bytes=digest[:16], version=4)


@dataclass
class Person:
    uuid: uuid.UUID
    email: str
    created_at: datetime
    modified_at: datetime
    sources: list = field(default_factory=list)


def people(campaign: Campaign) -> list[Person]:
    """Signers (confirmed) and attendees (not cancelled) who agreed to be contacted, one per
    address, less those who unsubscribed. Sorted in paging order.

    Computed from the signatures and sign-ups each time: withdrawn and anonymised signatures and
    cancelled sign-ups are simply not there, so a withdrawn person disappears at once.
    """
    found: dict[str, Person] = {}
    rows = [
        not_anonymised(
            Signature.objects.filter(
                statement__in=statements(campaign), status=Signature.Status.CONFIRMED, consent_contact=True
            )
        )
        .exclude(email_normalized="")
        .values("email_normalized")
        .annotate(created=Min("created_at"), modified=Max("modified_at")),
        Attendee.objects.filter(event__campaign=campaign, consent_contact=True)
        .exclude(status=Attendee.Status.CANCELLED)
        .values("email_normalized")
        .annotate(created=Min("created_at"), modified=Max("updated_at")),
    ]
    unsubscribed = set(Unsubscribe.objects.filter(campaign=campaign).values_list("email_hash", flat=True))
    for queryset in rows:
        for row in queryset.iterator():
            email = row["email_normalized"]
            if unsubscribed and email_hash(email) in unsubscribed:
                continue
            person = found.get(email)
            if person is None:
                found[email] = Person(person_id(campaign, email), email, row["created"], row["modified"])
            else:
                person.created_at = min(person.created_at, row["created"])
                person.modified_at = max(person.modified_at, row["modified"])
    return sorted(found.values(), key=lambda p: (p.modified_at, str(p.uuid)))


def person(found: Person, campaign: Campaign, links: Links) -> dict:
    """What the person gave with their consent: name, address, place, language, and the wording."""
    signature_rows = list(
        not_anonymised(
            Signature.objects.filter(
                statement__in=statements(campaign),
                status=Signature.Status.CONFIRMED,
                consent_contact=True,
                email_normalized=found.email,
            )
        ).order_by("-modified_at")[:20]
    )
    attendee_rows = list(
        Attendee.objects.filter(event__campaign=campaign, consent_contact=True, email_normalized=found.email)
        .exclude(status=Attendee.Status.CANCELLED)
        .order_by("-updated_at")[:20]
    )
    latest = signature_rows[0] if signature_rows else attendee_rows[0]
    consents = [
        {"wording": r.consent_text, "given_date": iso(r.consent_at), "source": links("signatures", r.uuid)}
        for r in signature_rows
    ] + [
        {"wording": r.consent_text, "given_date": iso(r.consent_at), "source": links("attendances", r.uuid)}
        for r in attendee_rows
    ]
    postal = []
    if signature_rows:
        postal = [{"primary": True, "locality": latest.location or None, "country": str(latest.country)}]
    return {
        "identifiers": identifiers(found.uuid),
        "created_date": iso(found.created_at),
        "modified_date": iso(found.modified_at),
        "given_name": latest.name,
        "email_addresses": [{"primary": True, "address": latest.email, "status": "subscribed"}],
        "postal_addresses": postal,
        "languages_spoken": sorted({r.language for r in [*signature_rows, *attendee_rows] if r.language}),
        "campaign:consents": consents,
        "_links": {
            "self": links("people", found.uuid),
            "osdi:signatures": [links("signatures", r.uuid) for r in signature_rows],
            "osdi:attendances": [links("attendances", r.uuid) for r in attendee_rows],
        },
    }


# --- Events and attendances ----------------------------------------------------------------------

EVENT_STATUS = {Event.Status.SCHEDULED: "confirmed", Event.Status.CANCELLED: "cancelled"}
ATTENDANCE_STATUS = {
    Attendee.Status.CONFIRMED: "accepted",
    Attendee.Status.WAITLISTED: "tentative",
    Attendee.Status.CANCELLED: "declined",
}


def event(row: Event, links: Links) -> dict:
    location = None
    if row.is_in_person:
        location = {"venue": row.venue_name, "address_lines": [row.address] if row.address else []}
    return {
        "identifiers": identifiers(row.uuid),
        "created_date": iso(row.created_at),
        "modified_date": iso(row.modified_at),
        "title": row.title,
        "name": row.slug,
        "description": row.description,
        "browser_url": links.site + row.get_absolute_url(),
        "start_date": iso(row.starts_at),
        "end_date": iso(row.ends_at),
        "campaign:time_zone": row.time_zone,
        "status": EVENT_STATUS.get(row.status, row.status),
        "capacity": row.capacity,
        "total_accepted": row.places_taken,
        "campaign:waitlisted": row.waitlist_count,
        "campaign:attended": row.attended_count,
        "campaign:kind": row.kind,
        "location": location,
        "_links": {
            "self": links("events", row.uuid),
            "osdi:attendances": links("events", row.uuid, "attendances"),
        },
    }


def attendance(row: Attendee, links: Links, campaign: Campaign) -> dict:
    item = {
        "identifiers": identifiers(row.uuid),
        "created_date": iso(row.created_at),
        "modified_date": iso(row.updated_at),
        "status": ATTENDANCE_STATUS.get(row.status, row.status),
        "attended": row.attended_at is not None,
        "campaign:attended_date": iso(row.attended_at),
        "_links": {
            "self": links("attendances", row.uuid),
            "osdi:event": links("events", row.event.uuid),
        },
    }
    if row.consent_contact and row.status != Attendee.Status.CANCELLED:
        item["_links"]["osdi:person"] = links("people", person_id(campaign, row.email_normalized))
    return item


# --- Fundraising pages and donations -------------------------------------------------------------


def fundraising_page(fund: Fund, links: Links) -> dict:
    return {
        "identifiers": identifiers(fund.uuid),
        "created_date": iso(fund.created_at),
        "modified_date": iso(fund.modified_at),
        "title": fund.campaign.title,
        "browser_url": links.site + fund.campaign.get_absolute_url(),
        "currency": fund.currency,
        "total_amount": str(fund.raised),
        "campaign:target": str(fund.target),
        "campaign:deadline": fund.deadline.isoformat(),
        "_links": {
            "self": links("fundraising_pages", fund.uuid),
            "osdi:donations": links("fundraising_pages", fund.uuid, "donations"),
        },
    }


def donation(row: Donation, links: Links) -> dict:
    return {
        "identifiers": identifiers(row.uuid),
        "created_date": iso(row.created_at),
        "modified_date": iso(row.modified_at),
        "action_date": row.received_on.isoformat(),
        "amount": str(row.amount),
        "currency": row.fund.currency,
        "payment": {"method": row.method, "reference_number": row.reference},
        "voided": row.is_void,
        "voided_date": iso(row.voided_at),
        "campaign:donor_name": row.donor_name,
        "_links": {
            "self": links("donations", row.uuid),
            "osdi:fundraising_page": links("fundraising_pages", row.fund.uuid),
        },
    }
