"""Paper signatures: checked row by row, all or nothing, deduplicated, confirmed, counted and exported."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from organisers.models import PaperImport
from petitions import services
from petitions.models import Signature
from tests.factories import ConfirmedSignatureFactory

HEADER = "name,email,country,city/postcode,organisation,role,consent,signed on\n"


def _upload(client, statement, text, name="rally.csv", encoding="utf-8"):
    url = reverse("organisers:paper_import", args=[statement.campaign.slug, statement.slug])
    return client.post(
        url, {"file": SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")}
    )


def test_it_imports_valid_rows_as_confirmed_paper_signatures(as_bob, bob, statement):
    text = HEADER + (
        "Ana María Núñez,ana@example.org,Peru,Lima,,,yes,2025-03-04\n"
        "Tom Hughes,,GB,,Transport Workers,Chair,,\n"
        "Lucía Fernández,,AR,,,,no,04/03/2025\n"
    )

    response = _upload(as_bob, statement, text)

    assert response.status_code == 303
    signatures = Signature.objects.filter(statement=statement).order_by("name")
    assert [s.name for s in signatures] == ["Ana María Núñez", "Lucía Fernández", "Tom Hughes"]
    assert {s.source for s in signatures} == {Signature.Source.PAPER}
    assert {s.status for s in signatures} == {Signature.Status.CONFIRMED}
    assert all(s.confirmed_at and s.mails_requested == 0 for s in signatures)
    ana, lucia, tom = signatures
    assert (ana.email_normalized, ana.country.code, ana.location, ana.consent_contact) == (
        "ana@example.org",
        "PE",
        "Lima",
        True,
    )
    assert ana.created_at.date().isoformat() == "2025-03-04" == lucia.created_at.date().isoformat()
    assert (tom.kind, tom.organisation, tom.role, tom.email) == (
        "organisation",
        "Transport Workers",
        "Chair",
        "",
    )
    batch = PaperImport.objects.get()
    assert (batch.imported, batch.skipped, batch.uploaded_by, batch.filename) == (3, 0, bob, "rally.csv")
    assert batch.signatures.count() == 3


def test_it_counts_paper_signatures_in_the_total(as_bob, statement):
    _upload(as_bob, statement, HEADER + "Ana,,PE,,,,,\nTom,,GB,,,,,\n")

    services.tally(statement.pk)

    statement.refresh_from_db()
    assert statement.signature_count == 2


def test_it_lists_paper_signatures_in_the_export(as_bob, statement):
    _upload(as_bob, statement, HEADER + "Ana,,PE,,,,,\n")

    response = as_bob.get(
        reverse("organisers:statement_export", args=[statement.campaign.slug, statement.slug])
    )

    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert body.splitlines()[1].startswith("Ana,,PE,")
    assert body.splitlines()[1].endswith(",paper")


def test_it_imports_nothing_when_a_row_is_invalid_and_says_why(as_bob, statement):
    text = HEADER + (
        "Ana,ana@example.org,PE,,,,,\n"
        ",no-name@example.org,PE,,,,,\n"
        "Bad Email,not-an-email,PE,,,,,\n"
        "Nowhere,,Atlantis,,,,,\n"
        "Later,,PE,,,,maybe,2999-01-01\n"
    )

    response = _upload(as_bob, statement, text)

    assert response.status_code == 400
    assert not Signature.objects.exists()
    assert not PaperImport.objects.exists()
    errors = {problem.line: " ".join(problem.reasons) for problem in response.context["report"].errors}
    assert set(errors) == {3, 4, 5, 6}
    assert "name is missing" in errors[3]
    assert "not a valid email" in errors[4]
    assert "Atlantis" in errors[5]
    assert "Consent" in errors[6] and "future" in errors[6]
    assert b"Nothing was imported" in response.content


def test_it_skips_emails_that_already_signed_and_duplicates_in_the_file(as_bob, statement):
    ConfirmedSignatureFactory(statement=statement, email="ana@example.org")
    text = (
        HEADER
        + "Ana Again, ANA@example.org ,PE,,,,,\n"
        + "Tom,tom@example.org,GB,,,,,\n"
        + "Tom Twice,Tom@Example.org,GB,,,,,\n"
    )

    response = _upload(as_bob, statement, text)

    assert response.status_code == 200  # imported, with a report of what was skipped
    assert Signature.objects.filter(statement=statement).count() == 2
    skipped = {problem.line: " ".join(problem.reasons) for problem in response.context["report"].skipped}
    assert set(skipped) == {2, 4}
    assert "already signed" in skipped[2]
    assert "row 3" in skipped[4]
    assert PaperImport.objects.get().skipped == 2


def test_it_does_not_dedupe_rows_without_email(as_bob, statement):
    _upload(as_bob, statement, HEADER + "Ana,,PE,,,,,\nAna,,PE,,,,,\n")

    assert Signature.objects.filter(statement=statement, email_normalized="").count() == 2


def test_it_accepts_excel_semicolons_and_a_bom(as_bob, statement):
    text = "\ufeffName;Email;Country\nAna;ana@example.org;PE\n"

    response = _upload(as_bob, statement, text)

    assert response.status_code == 303
    assert Signature.objects.get().name == "Ana"


def test_it_rejects_a_file_that_is_not_utf8(as_bob, statement):
    response = _upload(as_bob, statement, HEADER + "Núñez,,PE,,,,,\n", encoding="latin-1")

    assert response.status_code == 400
    assert b"UTF-8" in response.content
    assert not Signature.objects.exists()


def test_it_rejects_unknown_and_missing_columns(as_bob, statement):
    response = _upload(as_bob, statement, "name,password\nAna,secret\n")

    assert response.status_code == 400
    errors = " ".join(response.context["report"].file_errors)
    assert "password" in errors and "country" in errors


def test_it_rejects_files_over_the_size_limit(as_bob, statement, settings):
    settings.PAPER_IMPORT_MAX_BYTES = 100

    response = _upload(as_bob, statement, HEADER + "Ana,,PE,,,,,\n" * 10)

    assert response.status_code == 400
    assert "file" in response.context["form"].errors
    assert not Signature.objects.exists()


def test_it_rejects_files_over_the_row_limit(as_bob, statement, settings):
    settings.PAPER_IMPORT_MAX_ROWS = 3

    response = _upload(as_bob, statement, HEADER + "Ana,,PE,,,,,\n" * 4)

    assert response.status_code == 400
    assert "more than 3 rows" in " ".join(response.context["report"].file_errors)
    assert not Signature.objects.exists()


def test_it_lets_an_owner_delete_an_import(client, alice, bob, statement):
    ConfirmedSignatureFactory(statement=statement, email="online@example.org")
    client.force_login(bob)
    _upload(client, statement, HEADER + "Ana,,PE,,,,,\nTom,,GB,,,,,\n")
    services.tally(statement.pk)
    batch = PaperImport.objects.get()
    client.force_login(alice)

    response = client.post(
        reverse("organisers:paper_delete", args=[statement.campaign.slug, statement.slug, batch.uuid])
    )

    assert response.status_code == 303
    assert list(Signature.objects.values_list("email", flat=True)) == ["online@example.org"]
    statement.refresh_from_db()
    assert statement.signature_count == 1
    assert not PaperImport.objects.exists()
