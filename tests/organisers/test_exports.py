"""Signatory exports: exact CSV, filters, formula neutralisation, BOM, streaming, the export log."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from campaign.csv_stream import neutralise
from organisers.exports import SIGNATORY_HEADER, signatory_rows, start_log, stream_csv
from organisers.models import ExportLog
from petitions.models import Signature
from tests.factories import ConfirmedSignatureFactory, SignatureFactory

SIGNED = datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)
CONFIRMED = datetime(2025, 3, 4, 6, 0, 0, tzinfo=UTC)


def _url(statement, **params):
    url = reverse("organisers:statement_export", args=[statement.campaign.slug, statement.slug])
    return url + "?" + "&".join(f"{key}={value}" for key, value in params.items())


def _download(client, statement, **params):
    response = client.get(_url(statement, **params))
    assert response.status_code == 200, response.content[:500]
    body = b"".join(response.streaming_content)
    return response, body


def _rows(body: bytes):
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


@pytest.fixture
def signatures(statement):
    return {
        "ana": ConfirmedSignatureFactory(
            statement=statement,
            name="Ana María Núñez",
            email="ana@example.org",
            country="PE",
            location="Lima",
            show_publicly=True,
            consent_contact=True,
            consent_text="Yes, Solidarity with Peru may contact me by email about this campaign.",
            consent_at=SIGNED,
            created_at=SIGNED,
            confirmed_at=CONFIRMED,
        ),
        "union": ConfirmedSignatureFactory(
            statement=statement,
            name="Tom Hughes",
            email="tom@example.org",
            kind=Signature.Kind.ORGANISATION,
            organisation="Transport Workers",
            role="Chair",
            created_at=datetime(2025, 3, 10, 12, 0, tzinfo=UTC),
            confirmed_at=datetime(2025, 3, 10, 12, 30, tzinfo=UTC),
        ),
        "pending": SignatureFactory(
            statement=statement, name="Pending Person", created_at=datetime(2025, 3, 11, tzinfo=UTC)
        ),
        "withdrawn": SignatureFactory(
            statement=statement, name="Gone Person", status=Signature.Status.WITHDRAWN, created_at=SIGNED
        ),
    }


def test_it_streams_a_csv_with_a_bom_and_the_exact_header_and_rows(as_bob, statement, signatures):
    response, body = _download(as_bob, statement)

    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="peru-statement-signatories-')
    rows = _rows(body)
    assert rows[0] == [
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
    assert rows[0] == SIGNATORY_HEADER
    assert rows[1:] == [
        [
            "Ana María Núñez",
            "ana@example.org",
            "PE",
            "Lima",
            "",
            "",
            "individual",
            "yes",
            "yes",
            "Yes, Solidarity with Peru may contact me by email about this campaign.",
            "2025-03-04T05:06:07Z",
            "2025-03-04T05:06:07Z",
            "2025-03-04T06:00:00Z",
            "web",
        ],
        [
            "Tom Hughes",
            "tom@example.org",
            "GB",
            "",
            "Transport Workers",
            "Chair",
            "organisation",
            "no",
            "no",
            "",
            "",
            "2025-03-10T12:00:00Z",
            "2025-03-10T12:30:00Z",
            "web",
        ],
    ]


def test_it_exports_pending_signatures_too_when_asked(as_bob, statement, signatures):
    _response, body = _download(as_bob, statement, status="all")

    names = [row[0] for row in _rows(body)[1:]]
    assert names == ["Ana María Núñez", "Tom Hughes", "Pending Person"]


def test_it_exports_one_row_per_address_when_an_address_submitted_several_times(
    as_bob, statement, signatures
):
    # Someone submitted Ana's confirmed address again, and another address twice: no duplicates.
    SignatureFactory(statement=statement, name="Squatter", email="ana@example.org")
    SignatureFactory(statement=statement, name="First try", email="lu@example.org")
    SignatureFactory(statement=statement, name="Second try", email="lu@example.org")

    _response, body = _download(as_bob, statement, status="all")

    names = [row[0] for row in _rows(body)[1:]]
    assert "Squatter" not in names and "First try" not in names
    assert names.count("Second try") == 1


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"kind": "organisation"}, ["Tom Hughes"]),
        ({"kind": "individual"}, ["Ana María Núñez"]),
        ({"consented": "on"}, ["Ana María Núñez"]),
        ({"signed_from": "2025-03-05"}, ["Tom Hughes"]),
        ({"signed_to": "2025-03-04"}, ["Ana María Núñez"]),
        ({"signed_from": "2025-03-04", "signed_to": "2025-03-10"}, ["Ana María Núñez", "Tom Hughes"]),
        ({"signed_from": "2025-03-11", "status": "all"}, ["Pending Person"]),
    ],
)
def test_it_filters_the_export(as_bob, statement, signatures, params, names):
    _response, body = _download(as_bob, statement, **params)

    assert [row[0] for row in _rows(body)[1:]] == names


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "everything"}, "status"),
        ({"kind": "robot"}, "kind"),
        ({"signed_from": "yesterday"}, "signed_from"),
        ({"signed_to": "2025-02-30"}, "signed_to"),
        ({"signed_from": "2025-03-10", "signed_to": "2025-03-01"}, "signed_to"),
    ],
)
def test_it_answers_400_with_messages_to_bad_filters(as_bob, statement, signatures, params, field):
    response = as_bob.get(_url(statement, **params))

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert b'class="error"' in response.content
    assert not ExportLog.objects.exists()


@pytest.mark.parametrize(
    "hostile",
    ['=HYPERLINK("http://evil","x")', "+1+1", "-2+3", "@SUM(A1:A2)", "\tcmd", "\rcmd", "=cmd|' /C calc'!A0"],
)
def test_it_neutralises_cells_a_spreadsheet_would_run(as_bob, statement, hostile):
    ConfirmedSignatureFactory(
        statement=statement,
        name=hostile,
        organisation=hostile,
        role=hostile,
        location=hostile,
        kind=Signature.Kind.ORGANISATION,
    )

    _response, body = _download(as_bob, statement)

    row = _rows(body)[1]
    for cell in (row[0], row[3], row[4], row[5]):
        assert cell == "'" + hostile
    assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") for cell in row)


def test_it_leaves_harmless_text_alone():
    assert neutralise("Ana-María") == "Ana-María"
    assert neutralise("") == ""
    assert neutralise("O'Brien") == "O'Brien"
    assert neutralise("-") == "'-"


def test_it_logs_the_export_when_it_starts_and_its_rows_when_it_ends(as_bob, bob, statement, signatures):
    response = as_bob.get(_url(statement, kind="individual", consented="on"))

    log = ExportLog.objects.get()
    assert (log.user, log.user_email, log.statement, log.campaign) == (
        bob,
        "bob@example.org",
        statement,
        statement.campaign,
    )
    assert log.filters == {
        "status": "confirmed",
        "kind": "individual",
        "consented": True,
        "signed_from": None,
        "signed_to": None,
    }
    assert log.finished_at is None  # nothing streamed yet
    b"".join(response.streaming_content)
    log.refresh_from_db()
    assert log.rows == 1
    assert log.finished_at is not None


def test_it_records_an_interrupted_download_as_incomplete(bob, statement, signatures):
    log = start_log(statement=statement, user=bob, kind=ExportLog.Kind.SIGNATORIES, filters={})
    stream = stream_csv(SIGNATORY_HEADER, signatory_rows(statement, {}), log)
    next(stream)  # the header
    next(stream)  # the rows (fewer than a chunk)

    stream.close()  # what the server does when the client goes away

    log.refresh_from_db()
    assert log.finished_at is None
    assert log.rows == 2


def test_it_shows_the_export_log_to_owners(client, alice, bob, statement, signatures):
    client.force_login(bob)
    b"".join(client.get(_url(statement)).streaming_content)
    client.force_login(alice)

    response = client.get(reverse("organisers:export_log", args=[statement.campaign.slug]))

    assert response.status_code == 200
    assert b"bob@example.org" in response.content
    assert b"Democracy for Peru" in response.content
    campaign_page = client.get(reverse("organisers:campaign", args=[statement.campaign.slug]))
    assert b"bob@example.org" in campaign_page.content


def test_it_shows_the_export_log_read_only_in_admin(admin_client, bob, statement, signatures, client):
    client.force_login(bob)
    b"".join(client.get(_url(statement)).streaming_content)
    log = ExportLog.objects.get()

    listing = admin_client.get("/admin/organisers/exportlog/")
    detail = admin_client.get(f"/admin/organisers/exportlog/{log.pk}/change/")

    assert listing.status_code == 200
    assert b"bob@example.org" in listing.content
    assert detail.status_code == 200
    assert b'name="_save"' not in detail.content
    assert (
        admin_client.post(f"/admin/organisers/exportlog/{log.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert ExportLog.objects.filter(pk=log.pk).exists()


def test_it_sends_the_first_bytes_before_reading_any_row(
    as_bob, statement, signatures, django_assert_num_queries
):
    response = as_bob.get(_url(statement))
    stream = iter(response.streaming_content)

    with django_assert_num_queries(0):
        first = next(stream)

    assert first.startswith(b"\xef\xbb\xbfname,email,")


def _publication(client, statement, fmt):
    name = "organisers:publication_list_csv" if fmt == "csv" else "organisers:publication_list_text"
    response = client.get(reverse(name, args=[statement.campaign.slug, statement.slug]))
    assert isinstance(response, StreamingHttpResponse)
    return response, b"".join(response.streaming_content)


@pytest.fixture
def listed(statement):
    def listed_signature(**kwargs):
        defaults = {"statement": statement, "show_publicly": True, "listing": Signature.Listing.APPROVED}
        return ConfirmedSignatureFactory(**{**defaults, **kwargs})

    listed_signature(name="Zoe Adams")
    listed_signature(name="Ana Torres")
    listed_signature(
        name="María Quispe", kind="organisation", organisation="Federación del Sur", role="Secretary"
    )
    listed_signature(name="=Evil", kind="organisation", organisation="-Bad Org", role="@x")
    listed_signature(name="Awaiting Listing", listing=Signature.Listing.PENDING)
    listed_signature(name="Private Person", show_publicly=False)
    SignatureFactory(
        statement=statement, name="Unconfirmed", show_publicly=True, listing=Signature.Listing.APPROVED
    )


def test_it_exports_the_publication_list_as_csv_organisations_first(as_bob, statement, listed):
    _response, body = _publication(as_bob, statement, "csv")

    assert _rows(body) == [
        ["name", "role", "organisation"],
        ["'=Evil", "'@x", "'-Bad Org"],
        ["María Quispe", "Secretary", "Federación del Sur"],
        ["Ana Torres", "", ""],
        ["Zoe Adams", "", ""],
    ]
    log = ExportLog.objects.get()
    assert (log.kind, log.rows) == (ExportLog.Kind.PUBLICATION_CSV, 4)


def test_it_exports_the_publication_list_as_plain_text(as_bob, statement, listed):
    response, body = _publication(as_bob, statement, "txt")

    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert body.decode() == (
        "Organisations\n\n"
        "-Bad Org (=Evil, @x)\n"
        "Federación del Sur (María Quispe, Secretary)\n"
        "\nIndividuals\n\n"
        "Ana Torres\n"
        "Zoe Adams\n"
    )
    assert ExportLog.objects.get().rows == 4
