"""Paper signatures: checked row by row, all or nothing, deduplicated, confirmed, counted and exported."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from organisers.models import PaperImport
from petitions import services
from petitions.models import Signature
from petitions.tokens import make_withdraw_token
from petitions.withdrawal import withdraw
from tests.factories import ConfirmedSignatureFactory, SignatureFactory, mail_through_outbox

HEADER = "name,email,country,city/postcode,organisation,role,consent,signed on\n"


def _upload(client, statement, text, name="rally.csv", encoding="utf-8", follow=False, **fields):
    url = reverse("organisers:paper_import", args=[statement.campaign.slug, statement.slug])
    data = {"source": "Stall at the May Day march", "declaration": "on", **fields}
    data["file"] = SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")
    return client.post(url, data, follow=follow)


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
    assert batch.source == "Stall at the May Day march"
    assert batch.declared_at and "consent box" in batch.declaration
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


def test_it_recognises_rows_without_email_by_name_and_place(as_bob, statement):
    ConfirmedSignatureFactory(statement=statement, name="Rosa Díaz", country="PE", location="Cusco")
    text = HEADER + (
        "Ana,,PE,Lima,,,,\n"
        " ana ,,PE, LIMA ,,,,\n"  # the same person written again
        "Ana,,PE,Arequipa,,,,\n"  # another Ana, elsewhere
        "rosa díaz,,PE,cusco,,,,\n"  # signed already
    )

    response = _upload(as_bob, statement, text)

    assert response.status_code == 200
    assert sorted(Signature.objects.filter(source="paper").values_list("location", flat=True)) == [
        "Arequipa",
        "Lima",
    ]
    skipped = {problem.line: " ".join(problem.reasons) for problem in response.context["report"].skipped}
    assert skipped == {
        3: "Same name and place as row 2.",
        5: "Someone with this name and place has already signed.",
    }


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


def test_a_file_imported_twice_adds_nothing_the_second_time(as_bob, statement):
    text = HEADER + "Ana,ana@example.org,PE,Lima,,,yes,\nTom,,GB,Leeds,,,,\n"
    _upload(as_bob, statement, text)

    response = _upload(as_bob, statement, text)

    assert response.status_code == 200
    assert Signature.objects.filter(statement=statement).count() == 2
    assert PaperImport.objects.count() == 1
    assert b"No new signatures in this file" in response.content
    assert b"2 rows skipped as duplicates" in response.content


def test_it_imports_nothing_without_the_declaration_about_the_forms(as_bob, statement):
    response = _upload(as_bob, statement, HEADER + "Ana,,PE,,,,,\n", declaration="")

    assert response.status_code == 400
    assert "counted only on this declaration" in " ".join(response.context["form"].errors["declaration"])
    assert not Signature.objects.exists()


def test_it_needs_to_know_where_the_forms_were_collected(as_bob, statement):
    response = _upload(as_bob, statement, HEADER + "Ana,,PE,,,,,\n", source="  ")

    assert response.status_code == 400
    assert "source" in response.context["form"].errors
    assert not Signature.objects.exists()


def test_it_grants_contact_consent_only_where_the_row_says_so(as_bob, statement):
    _upload(as_bob, statement, "name,email,country\nAna,ana@example.org,PE\n")
    _upload(as_bob, statement, HEADER + "Tom,tom@example.org,GB,,,,no,\nLu,lu@example.org,AR,,,,yes,\n")

    consent = dict(Signature.objects.values_list("name", "consent_contact"))
    assert consent == {"Ana": False, "Tom": False, "Lu": True}
    assert Signature.objects.get(name="Lu").consent_text
    assert not Signature.objects.get(name="Tom").consent_text


@pytest.mark.parametrize("status", [Signature.Status.HELD, Signature.Status.PENDING])
def test_it_says_the_same_whether_or_not_an_address_has_an_unconfirmed_signature(as_bob, statement, status):
    online = SignatureFactory(
        statement=statement, email="held@example.org", status=status, show_publicly=True
    )
    text = HEADER + "Held Person,held@example.org,PE,,,,,\nFresh Person,fresh@example.org,PE,,,,,\n"

    response = _upload(as_bob, statement, text)

    # Both rows are imported alike, and the unconfirmed online submission is set aside as a click would.
    assert response.status_code == 303
    paper = Signature.objects.get(email_normalized="held@example.org", source="paper")
    assert (paper.status, paper.name, paper.show_publicly) == ("confirmed", "Held Person", False)
    online.refresh_from_db()
    assert online.status == Signature.Status.SUPERSEDED
    assert (
        mail_through_outbox("petitions.signature", online.email, online.pk).status == "dropped"
    )  # never mailed now
    assert PaperImport.objects.get().signatures.count() == 2


def test_it_imports_a_withdrawn_signers_paper_form_without_a_word_about_it(as_bob, statement):
    withdraw(make_withdraw_token(ConfirmedSignatureFactory(statement=statement, email="gone@example.org")))

    response = _upload(as_bob, statement, HEADER + "Gone,gone@example.org,PE,,,,,\n")

    # Imported like any new row (the paper form is a new signature): no report that could tell.
    assert response.status_code == 303
    assert Signature.objects.filter(status="confirmed", source="paper").count() == 1


def test_it_offers_a_template_csv_with_the_columns_it_reads(as_bob, statement):
    response = as_bob.get(
        reverse("organisers:paper_template", args=[statement.campaign.slug, statement.slug])
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response.content.decode() == HEADER.replace("\n", "\r\n")


def test_it_speaks_of_one_signature_in_the_singular(as_bob, statement):
    response = _upload(as_bob, statement, HEADER + "Ana,,PE,,,,,\n", follow=True)

    assert "1 paper signature imported." in [str(m) for m in response.context["messages"]]


def test_it_speaks_spanish_with_its_plural_forms(as_bob, statement, settings):
    as_bob.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"

    one = _upload(as_bob, statement, HEADER + "Ana,,PE,,,,,\n", follow=True)
    again = _upload(as_bob, statement, HEADER + "Ana,,PE,,,,,\nTom,,GB,,,,,\n")

    assert "1 firma en papel importada." in [str(m) for m in one.context["messages"]]
    assert "1 fila omitida por duplicada" in again.content.decode()


def test_it_refuses_a_row_with_a_nul_in_a_cell_and_says_which(as_bob, statement):
    text = HEADER + "Ana,ana@example.org,PE,,,,,\nPaper\x00Person,paper@example.org,PE,Li\x00ma,,,,\n"

    response = _upload(as_bob, statement, text)

    assert response.status_code == 400
    assert not Signature.objects.exists()
    errors = {problem.line: " ".join(problem.reasons) for problem in response.context["report"].errors}
    assert list(errors) == [3]
    assert "The name contains a NUL character" in errors[3]
