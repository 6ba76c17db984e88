"""A 100,000-row export on PostgreSQL streams with bounded memory (the benchmark does 1,000,000)."""

import tracemalloc

import pytest
from django.db import connection
from django.urls import reverse

from organisers.models import ExportLog
from petitions.models import Signature
from tests.factories import ConfirmedSignatureFactory

pytestmark = pytest.mark.services

ROWS = 100_000


def bulk_copy(template: Signature, count: int) -> None:
    """count copies of a signature in one INSERT … SELECT, each with its own uuid, name and email."""
    columns = [f.column for f in Signature._meta.concrete_fields if f.column != "id"]
    replaced = {
        "uuid": "gen_random_uuid()",
        "name": "'Signer ' || n",
        "email": "'signer' || n || '@example.org'",
        "email_normalized": "'signer' || n || '@example.org'",
    }
    select = ", ".join(replaced.get(column, f"s.{column}") for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Signature._meta.db_table} ({', '.join(columns)}) "  # noqa: S608 - column names from the model
            f"SELECT {select} FROM {Signature._meta.db_table} s, generate_series(1, %s) n WHERE s.id = %s",
            [count, template.pk],
        )


def test_it_streams_100k_rows_with_bounded_memory(as_bob, statement):
    template = ConfirmedSignatureFactory(statement=statement, name="Template", email="template@example.org")
    bulk_copy(template, ROWS - 1)
    url = reverse("organisers:statement_export", args=[statement.campaign.slug, statement.slug])

    tracemalloc.start()
    try:
        response = as_bob.get(url)
        lines = size = 0
        for chunk in response.streaming_content:
            lines += chunk.count(b"\n")
            size += len(chunk)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    print(f"peak {peak / 2**20:.1f} MiB for {size / 2**20:.1f} MiB of CSV")
    assert lines == ROWS + 1
    assert size > 10 * 1024 * 1024  # the file is over 10 MB…
    assert peak < 8 * 1024 * 1024, (
        f"peak {peak / 2**20:.1f} MiB"
    )  # …and never more than a few chunks in memory
    assert ExportLog.objects.get().rows == ROWS
