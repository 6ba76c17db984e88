"""Streamed CSV for every export (signatories, publication lists, attendees): memory stays flat
however many rows there are, and no cell runs in a spreadsheet.

Rows are written by the csv module a few hundred at a time and go straight to the client; the BOM
and the header leave at once, before the query runs. Whoever streams is told, when the stream
ends, how many rows went and whether it ran to the end (an export log sets its row count from it).
"""

import csv
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime

BOM = "\ufeff"
CHUNK_ROWS = 500
# Rows read at a time from a server-side cursor (QuerySet.iterator's chunk_size).
CURSOR_CHUNK = 2000

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = "=+-@\t\r"


def neutralise(value: str) -> str:
    """Make a text cell inert in spreadsheets by prefixing a single quote to formula-like text."""
    if value and value[0] in FORMULA_STARTS:
        return "'" + value
    return value


def iso_utc(moment: datetime | None) -> str:
    """ISO 8601 in UTC to the second, e.g. 2025-03-04T05:06:07Z (isoformat is faster than strftime)."""
    if moment is None:
        return ""
    if moment.utcoffset():
        moment = moment.astimezone(UTC)
    return moment.isoformat(timespec="seconds")[:19] + "Z"


def yes_no(value: bool) -> str:
    return "yes" if value else "no"


class _Echo:
    """A file-like object whose write() returns what it was given, for csv.writer."""

    def write(self, value):
        return value


def stream_csv(
    header: list[str], rows: Iterable[list[str]], on_end: Callable[[int, bool], None]
) -> Iterator[str]:
    """BOM and header at once, then rows in chunks; on_end(rows sent, finished) when it ends."""
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow(header)
    count = 0
    finished = False
    try:
        chunk = []
        for row in rows:
            chunk.append(writer.writerow(row))
            count += 1
            if len(chunk) >= CHUNK_ROWS:
                yield "".join(chunk)
                chunk = []
        if chunk:
            yield "".join(chunk)
        finished = True
    finally:
        on_end(count, finished)


def stream_text(lines: Iterable[tuple[str, bool]], on_end: Callable[[int, bool], None]) -> Iterator[str]:
    """Each (text, is_row) as it comes; on_end(rows sent, finished) when it ends."""
    count = 0
    finished = False
    try:
        for text, is_row in lines:
            count += is_row
            yield text
        finished = True
    finally:
        on_end(count, finished)
