"""Signatures collected on paper: a CSV file checked row by row, imported all at once or not at all."""

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from petitions import services as petitions_services
from petitions.models import Signature, Statement
from petitions.services import normalize_email

from .models import PaperImport

# Header names people write, mapped to the fields they fill.
COLUMNS = {
    "name": "name",
    "email": "email",
    "e-mail": "email",
    "country": "country",
    "city/postcode": "location",
    "city": "location",
    "postcode": "location",
    "location": "location",
    "organisation": "organisation",
    "organization": "organisation",
    "role": "role",
    "consent": "consent",
    "signed on": "signed_on",
    "date": "signed_on",
}
REQUIRED = ("name", "country")
# The columns of the template CSV offered for download, in this order.
TEMPLATE_COLUMNS = [
    "name",
    "email",
    "country",
    "city/postcode",
    "organisation",
    "role",
    "consent",
    "signed on",
]
YES = {"yes", "y", "true", "1", "x", "sí", "si"}
NO = {"", "no", "n", "false", "0"}
MAX_LENGTHS = {"name": 100, "email": 254, "location": 100, "organisation": 200, "role": 100}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y")


@dataclass
class PaperUpload:
    """Who uploaded a file, where its forms were collected, and what they declared about the forms."""

    filename: str
    user: object
    source: str
    declaration: str


@dataclass
class RowProblem:
    line: int
    reasons: list[str]


@dataclass
class PaperReport:
    """What an upload did: either file-level errors, row errors (nothing imported) or an import."""

    file_errors: list[str] = field(default_factory=list)
    errors: list[RowProblem] = field(default_factory=list)
    skipped: list[RowProblem] = field(default_factory=list)
    imported: int = 0
    batch: PaperImport | None = None

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.errors


def _decode(raw: bytes) -> str | None:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _reader(text: str):
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return csv.reader(io.StringIO(text, newline=""), dialect)


def _country(value: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    if len(value) == 2 and value.upper() in countries:
        return value.upper()
    code = countries.by_name(value, insensitive=True)
    return code or None


def _signed_on(value: str) -> date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    return None


def _clean_row(values: dict[str, str], today: date) -> tuple[dict, list[str]]:
    """Validate one row; return the cleaned values and the reasons it is rejected (empty if fine)."""
    unstorable = [name for name, value in values.items() if "\x00" in (value or "")]
    if unstorable:
        # A NUL cannot be stored (PostgreSQL refuses it); it usually means a file saved as UTF-16.
        return {}, [
            _("The %(column)s contains a NUL character, which cannot be stored. Remove it and upload again.")
            % {"column": unstorable[0]}
        ]
    reasons = []
    row = {name: " ".join((values.get(name) or "").split()) for name in MAX_LENGTHS}
    if not row["name"]:
        reasons.append(_("The name is missing."))
    for name, limit in MAX_LENGTHS.items():
        if len(row[name]) > limit:
            reasons.append(
                _("The %(column)s is longer than %(limit)d characters.") % {"column": name, "limit": limit}
            )
    if row["email"]:
        try:
            validate_email(row["email"])
        except ValidationError:
            reasons.append(_("“%(email)s” is not a valid email address.") % {"email": row["email"]})
    country_text = values.get("country") or ""
    row["country"] = _country(country_text)
    if row["country"] is None:
        if country_text.strip():
            reasons.append(_("“%(country)s” is not a country we know.") % {"country": country_text.strip()})
        else:
            reasons.append(_("The country is missing."))
    consent = (values.get("consent") or "").strip().lower()
    if consent in YES:
        row["consent"] = True
    elif consent in NO:
        row["consent"] = False
    else:
        reasons.append(_("Consent must be “yes”, “no” or empty, not “%(value)s”.") % {"value": consent})
    signed_text = (values.get("signed_on") or "").strip()
    row["signed_on"] = None
    if signed_text:
        row["signed_on"] = _signed_on(signed_text)
        if row["signed_on"] is None:
            reasons.append(_("“%(value)s” is not a date (use YYYY-MM-DD).") % {"value": signed_text})
        elif row["signed_on"] > today:
            reasons.append(_("The date %(value)s is in the future.") % {"value": signed_text})
    return row, reasons


def check(raw: bytes) -> tuple[PaperReport, list[tuple[int, dict]]]:
    """Parse and validate every row; nothing is written. Returns the report and the valid rows."""
    report = PaperReport()
    text = _decode(raw)
    if text is None:
        report.file_errors.append(_("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again."))
        return report, []
    rows = _reader(text)
    try:
        header = next(rows, None)
        if header is None:
            report.file_errors.append(_("The file is empty."))
            return report, []
        names = [" ".join(column.split()).lower() for column in header]
        unknown = [column for column in names if column and column not in COLUMNS]
        if unknown:
            report.file_errors.append(
                _("Unknown columns: %(columns)s. Use: %(allowed)s.")
                % {
                    "columns": ", ".join(unknown),
                    "allowed": ", ".join(TEMPLATE_COLUMNS),
                }
            )
        fields = [COLUMNS.get(column) for column in names]
        missing = [name for name in REQUIRED if name not in fields]
        if missing:
            report.file_errors.append(
                _("Required columns missing: %(columns)s.") % {"columns": ", ".join(missing)}
            )
        if report.file_errors:
            return report, []
        today = timezone.now().date()
        valid: list[tuple[int, dict]] = []
        for index, cells in enumerate(rows, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(valid) + len(report.errors) + len(report.skipped) >= settings.PAPER_IMPORT_MAX_ROWS:
                report.file_errors.append(
                    _("The file has more than %(limit)d rows. Split it into smaller files.")
                    % {"limit": settings.PAPER_IMPORT_MAX_ROWS}
                )
                return report, []
            values = {name: cell for name, cell in zip(fields, cells, strict=False) if name}
            if len(cells) > len(fields) and any(cell.strip() for cell in cells[len(fields) :]):
                report.errors.append(RowProblem(index, [_("The row has more cells than the header.")]))
                continue
            row, reasons = _clean_row(values, today)
            if reasons:
                report.errors.append(RowProblem(index, reasons))
            else:
                valid.append((index, row))
    except csv.Error as error:
        report.file_errors.append(_("The file could not be read as CSV: %(error)s") % {"error": error})
        return report, []
    return report, valid


def _name_key(name: str) -> str:
    return " ".join(name.split()).lower()


def _place_key(row: dict) -> tuple[str, str, str]:
    """A signer without an email address is recognised by name and place (country, city/postcode)."""
    return (_name_key(row["name"]), str(row["country"]), _name_key(row["location"]))


def _confirmed_places(statement: Statement, rows: list[tuple[int, dict]]) -> set[tuple[str, str, str]]:
    names = sorted({_name_key(row["name"]) for _line, row in rows if not row["email"]})
    found = set()
    for start in range(0, len(names), 1000):
        found.update(
            (name, str(country), location or "")
            for name, country, location in Signature.objects.filter(
                statement=statement, status=Signature.Status.CONFIRMED
            )
            .annotate(name_key=Lower("name"), location_key=Lower("location"))
            .filter(name_key__in=names[start : start + 1000])
            .values_list("name_key", "country", "location_key")
        )
    return {
        (" ".join(name.split()), country, " ".join(location.split())) for name, country, location in found
    }


def _confirmed_emails(statement: Statement, rows: list[tuple[int, dict]]) -> set[str]:
    """The canonical addresses among these rows that already have a confirmed signature."""
    emails = sorted({normalize_email(row["email"]) for _line, row in rows if row["email"]})
    found: set[str] = set()
    for start in range(0, len(emails), 1000):
        found.update(
            Signature.objects.filter(
                statement=statement,
                status=Signature.Status.CONFIRMED,
                email_normalized__in=emails[start : start + 1000],
            ).values_list("email_normalized", flat=True)
        )
    return found


def _dedupe(
    statement: Statement, rows: list[tuple[int, dict]], report: PaperReport
) -> list[tuple[int, dict]]:
    """Drop rows already counted (by email, or by name and place without one) or twice in the file.

    Only confirmed signatures make a row a duplicate: the organiser can see those in the export
    anyway. A row whose address has only unconfirmed submissions (awaiting their email, held for
    review) is imported like any other, so the report never tells an organiser which addresses have
    such rows. (Withdrawn signatures have no address left to match.)
    """
    confirmed = _confirmed_emails(statement, rows)
    places = _confirmed_places(statement, rows)
    seen_emails: dict[str, int] = {}
    seen_places: dict[tuple[str, str, str], int] = {}
    kept = []
    for line, row in rows:
        email = normalize_email(row["email"]) if row["email"] else ""
        place = _place_key(row)
        if email and email in confirmed:
            report.skipped.append(RowProblem(line, [_("This email address has already signed.")]))
        elif email and email in seen_emails:
            report.skipped.append(
                RowProblem(line, [_("Same email address as row %(line)d.") % {"line": seen_emails[email]}])
            )
        elif not email and place in places:
            report.skipped.append(
                RowProblem(line, [_("Someone with this name and place has already signed.")])
            )
        elif not email and place in seen_places:
            report.skipped.append(
                RowProblem(line, [_("Same name and place as row %(line)d.") % {"line": seen_places[place]}])
            )
        else:
            if email:
                seen_emails[email] = line
            seen_places.setdefault(place, line)
            kept.append((line, row))
    return kept


def _signature(statement: Statement, row: dict, now: datetime) -> Signature:
    signed_at = datetime.combine(row["signed_on"], time(12, 0), tzinfo=UTC) if row["signed_on"] else now
    organisation = row["organisation"]
    email = normalize_email(row["email"]) if row["email"] else ""
    return Signature(
        statement=statement,
        status=Signature.Status.CONFIRMED,
        kind=Signature.Kind.ORGANISATION if organisation else Signature.Kind.INDIVIDUAL,
        name=row["name"],
        email=row["email"],
        email_normalized=email,
        email_domain=email.rpartition("@")[2],
        country=row["country"],
        location=row["location"],
        organisation=organisation,
        role=row["role"],
        # Contact consent only where this row's consent column says so.
        consent_contact=row["consent"],
        consent_text=_("Agreed on the paper form to be contacted about this campaign.")
        if row["consent"]
        else "",
        consent_at=signed_at if row["consent"] else None,
        source=Signature.Source.PAPER,
        created_at=signed_at,
        confirmed_at=now,
        # Paper signers are never emailed a confirmation.
        mails_requested=0,
    )


def import_csv(statement: Statement, raw: bytes, upload: PaperUpload) -> PaperReport:
    """Check the file and, only if every row is valid, import all its new signatures as confirmed.

    The statement row is locked while duplicates are looked for and rows written, so the same file
    sent twice at once (a double click) is imported once. As when a signer clicks their link, the
    address's unconfirmed online submissions are superseded: never counted, listed or mailed.
    """
    from petitions.services import UNCONFIRMED

    report, rows = check(raw)
    if not report.ok:
        return report
    now = timezone.now()
    try:
        with transaction.atomic():
            Statement.objects.select_for_update(no_key=True).filter(pk=statement.pk).exists()
            kept = _dedupe(statement, rows, report)
            if not kept:
                return report
            batch = PaperImport.objects.create(
                statement=statement,
                uploaded_by=upload.user,
                filename=upload.filename[:200],
                source=upload.source[:200],
                declaration=upload.declaration,
                declared_at=now,
                imported=len(kept),
                skipped=len(report.skipped),
            )
            created = Signature.objects.bulk_create(
                [_signature(statement, row, now) for _line, row in kept], batch_size=1000
            )
            batch.signatures.through.objects.bulk_create(
                [batch.signatures.through(paperimport_id=batch.pk, signature_id=row.pk) for row in created],
                batch_size=1000,
            )
            emails = [row.email_normalized for row in created if row.email_normalized]
            for start in range(0, len(emails), 1000):
                Signature.objects.filter(
                    statement=statement,
                    email_normalized__in=emails[start : start + 1000],
                    status__in=UNCONFIRMED,
                ).update(status=Signature.Status.SUPERSEDED)
            if settings.TALLY_ON_CONFIRM:
                transaction.on_commit(partial(petitions_services.tally, statement.pk))
    except IntegrityError:
        report.file_errors.append(
            _("Someone signed online while you uploaded. Please upload the file again.")
        )
        return report
    report.imported = len(created)
    report.batch = batch
    return report


def delete_batch(batch: PaperImport) -> int:
    """Delete a paper import and its signatures; the statement's total is recounted at once."""
    from petitions import services

    with transaction.atomic():
        ids = list(batch.signatures.values_list("pk", flat=True))
        deleted, _details = Signature.objects.filter(pk__in=ids, source=Signature.Source.PAPER).delete()
        statement_id = batch.statement_id
        batch.delete()
    services.recount(statement_id)
    return len(ids)
