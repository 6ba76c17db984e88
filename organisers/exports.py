"""Signatory exports, streamed (campaign.csv_stream) so memory stays flat however many rows there are.

Rows come from a server-side cursor as tuples (no model instances). Every export, an event's attendee
list included, is logged when it starts, and its row count is set when it ends.
"""

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, time, timedelta
from functools import partial

from django.db import transaction
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.utils import timezone

from campaign import csv_stream
from campaign.csv_stream import CURSOR_CHUNK, iso_utc, neutralise, yes_no
from petitions.models import Signature, Statement

from .models import ExportLog

SIGNATORY_HEADER = [
    "name",
    "email",
    "country",
    "city/postcode",
    "organisation",
    "role",
    "kind",
    "public listing choice",
    "consent",
    "consent wording",
    "consent time",
    "signed at",
    "confirmed at",
    "source",
]
SIGNATORY_FIELDS = [
    "name",
    "email",
    "country",
    "location",
    "organisation",
    "role",
    "kind",
    "show_publicly",
    "consent_contact",
    "consent_text",
    "consent_at",
    "created_at",
    "confirmed_at",
    "source",
]
PUBLICATION_HEADER = ["name", "role", "organisation"]


def signatories(statement: Statement, filters: dict):
    """The statement's signatures matching the export filters (see ExportForm.filters)."""
    queryset = Signature.objects.filter(statement=statement)
    if filters.get("status") == "all":
        # One row per address: a pending submission is left out when the address confirmed another
        # or submitted again later (each submission is its own row; see petitions.services.sign).
        same_address = Signature.objects.filter(
            statement=statement, email_normalized=OuterRef("email_normalized")
        )
        later = same_address.filter(status=Signature.Status.PENDING, created_at__gt=OuterRef("created_at"))
        confirmed = same_address.filter(status=Signature.Status.CONFIRMED)
        queryset = queryset.filter(status__in=[Signature.Status.CONFIRMED, Signature.Status.PENDING]).exclude(
            Q(status=Signature.Status.PENDING) & ~Q(email_normalized="") & (Exists(later) | Exists(confirmed))
        )
    else:
        queryset = queryset.filter(status=Signature.Status.CONFIRMED)
    if filters.get("kind"):
        queryset = queryset.filter(kind=filters["kind"])
    if filters.get("consented"):
        queryset = queryset.filter(consent_contact=True)
    if filters.get("signed_from"):
        start = datetime.combine(_date(filters["signed_from"]), time.min, tzinfo=UTC)
        queryset = queryset.filter(created_at__gte=start)
    if filters.get("signed_to"):
        end = datetime.combine(_date(filters["signed_to"]), time.min, tzinfo=UTC) + timedelta(days=1)
        queryset = queryset.filter(created_at__lt=end)
    return queryset.order_by("created_at", "pk")


def _date(value):
    return datetime.fromisoformat(value).date() if isinstance(value, str) else value


def signatory_rows(statement: Statement, filters: dict) -> Iterator[list[str]]:
    values = signatories(statement, filters).values_list(*SIGNATORY_FIELDS)
    # Inside a transaction Django's server-side cursor on PostgreSQL is a plain one that streams
    # rows as they are read (in autocommit it would be WITH HOLD, materialised before the first row).
    with transaction.atomic():
        for (
            name,
            email,
            country,
            location,
            organisation,
            role,
            kind,
            show_publicly,
            consent,
            consent_text,
            consent_at,
            created_at,
            confirmed_at,
            source,
        ) in values.iterator(chunk_size=CURSOR_CHUNK):
            yield [
                neutralise(name),
                neutralise(email),
                country,
                neutralise(location),
                neutralise(organisation),
                neutralise(role),
                kind,
                yes_no(show_publicly),
                yes_no(consent),
                neutralise(consent_text),
                iso_utc(consent_at),
                iso_utc(created_at),
                iso_utc(confirmed_at),
                source,
            ]


def publication_list(statement: Statement):
    """Approved public signatories, organisations first (by organisation), then individuals (by name)."""
    return (
        Signature.objects.filter(
            statement=statement,
            status=Signature.Status.CONFIRMED,
            show_publicly=True,
            listing=Signature.Listing.APPROVED,
        )
        .annotate(
            group=Case(
                When(kind=Signature.Kind.ORGANISATION, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("group", "organisation", "name", "pk")
        .values_list("kind", "name", "role", "organisation")
    )


def publication_rows(statement: Statement) -> Iterator[list[str]]:
    with transaction.atomic():
        for _kind, name, role, organisation in publication_list(statement).iterator(chunk_size=CURSOR_CHUNK):
            yield [neutralise(name), neutralise(role), neutralise(organisation)]


def publication_text_lines(statement: Statement, headings: tuple[str, str]) -> Iterator[tuple[str, bool]]:
    """The publication list as plain text: an "Organisations" block, then "Individuals".

    Yields (text, is_signatory) pairs, so the log counts signatories rather than headings.
    """
    organisations_heading, individuals_heading = headings
    current = None
    with transaction.atomic():
        for kind, name, role, organisation in publication_list(statement).iterator(chunk_size=CURSOR_CHUNK):
            if kind != current:
                heading = (
                    organisations_heading if kind == Signature.Kind.ORGANISATION else individuals_heading
                )
                yield ("" if current is None else "\n") + heading + "\n\n", False
                current = kind
            if kind == Signature.Kind.ORGANISATION:
                person = ", ".join(part for part in (name, role) if part)
                yield (f"{organisation} ({person})\n" if person else f"{organisation}\n"), True
            else:
                yield f"{name}\n", True


def start_log(*, statement: Statement, user, kind: str, filters: dict) -> ExportLog:
    return ExportLog.objects.create(
        campaign_id=statement.campaign_id,
        statement=statement,
        statement_title=statement.title[:200],
        user=user,
        user_email=getattr(user, "email", "") or "",
        kind=kind,
        filters=filters,
    )


def _finish_log(log: ExportLog, rows: int, finished: bool) -> None:
    ExportLog.objects.filter(pk=log.pk).update(rows=rows, finished_at=timezone.now() if finished else None)


def stream_csv(header: list[str], rows: Iterable[list[str]], log: ExportLog) -> Iterator[str]:
    """The CSV, streamed; the log gets the row count when it ends."""
    return csv_stream.stream_csv(header, rows, partial(_finish_log, log))


def stream_text(lines: Iterable[tuple[str, bool]], log: ExportLog) -> Iterator[str]:
    """The text, streamed; the log gets the row count (signatories, not headings) when it ends."""
    return csv_stream.stream_text(lines, partial(_finish_log, log))
