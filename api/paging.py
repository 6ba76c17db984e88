"""OSDI collections: `page`/`per_page` paging, keyset cursors and `filter=modified_date gt '…'`.

OSDI numbers pages, and a page number means OFFSET, which reads every row before the page: page
20,000 of a million signatures reads them all. So each collection's `next` link carries a cursor
(`after=`): the (modified_date, uuid) of the last row sent, signed, plus the page number and the
total counted on the first page. Following `next` reads one index range per page however deep it
is, and counts once per walk. A bare `page=N` still works (OFFSET) for clients that number pages.
"""

import heapq
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime, time
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_date, parse_datetime
from ninja.errors import HttpError

DEFAULT_PER_PAGE = 25
CURSOR_SALT = "api.cursor"

_CONDITION = re.compile(r"^\s*modified_date\s+(gt|ge|lt|le|eq)\s+'([^']{1,40})'\s*$")
_LOOKUPS = {"gt": "gt", "ge": "gte", "lt": "lt", "le": "lte", "eq": "exact"}


def parse_moment(text: str) -> datetime | None:
    """An ISO 8601 date or date-time; naive ones are UTC, a date alone means its midnight UTC."""
    try:
        moment = parse_datetime(text)
        if moment is None:
            day = parse_date(text)
            moment = datetime.combine(day, time.min) if day else None
    except ValueError:
        return None
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def parse_filter(text: str | None) -> Q:
    """`modified_date gt '2026-11-01T00:00:00Z'`, optionally joined with `and`; 400 otherwise."""
    if not text:
        return Q()
    if "\x00" in text or len(text) > 200:
        raise HttpError(400, "filter: not a valid filter.")
    condition = Q()
    for part in re.split(r"\s+and\s+", text.strip()):
        match = _CONDITION.match(part)
        if not match:
            raise HttpError(
                400,
                "filter: only modified_date can be filtered, as in modified_date gt '2026-11-01T00:00:00Z' "
                "(operators gt, ge, lt, le, eq; conditions joined with and).",
            )
        operator, value = match.groups()
        moment = parse_moment(value)
        if moment is None:
            raise HttpError(400, f"filter: “{value}” is not an ISO 8601 date or date-time.")
        condition &= Q(**{f"modified_at__{_LOOKUPS[operator]}": moment})
    return condition


@dataclass
class Page:
    rows: list
    page: int
    per_page: int
    total_records: int
    next_cursor: str | None

    @property
    def total_pages(self) -> int:
        return max(1, math.ceil(self.total_records / self.per_page))


def _per_page(value: int | None) -> int:
    if value is None:
        return DEFAULT_PER_PAGE
    if not 1 <= value <= settings.API_MAX_PER_PAGE:
        raise HttpError(400, f"per_page: between 1 and {settings.API_MAX_PER_PAGE}.")
    return value


def _read_cursor(cursor: str) -> tuple[datetime, str, int, int]:
    try:
        modified, uuid, page, total = signing.loads(cursor, salt=CURSOR_SALT)
        return datetime.fromisoformat(modified), str(uuid), int(page), int(total)
    except (signing.BadSignature, ValueError, TypeError):
        raise HttpError(400, "after: not a cursor from this API (follow the next link as it is).")


def _make_cursor(row, page: int, total: int) -> str:
    return signing.dumps([row.modified_at.isoformat(), str(row.uuid), page, total], salt=CURSOR_SALT)


def paginate(querysets: list[QuerySet], *, page: int | None, per_page: int | None, after: str | None):
    """One page of rows ordered by (modified_at, uuid), from one or more querysets.

    Several querysets (one per statement, say) are each read in that order from their own index
    and merged, so a campaign with several statements pages as cheaply as one statement.
    """
    per_page = _per_page(per_page)
    order = ("modified_at", "uuid")
    if after:
        modified, uuid, previous_page, total = _read_cursor(after)
        # "modified_at >= …" on its own is what lets PostgreSQL start the index scan at the cursor
        # (an OR alone would make it read the index from the start: each page slower than the last).
        later = Q(modified_at__gte=modified) & (Q(modified_at__gt=modified) | Q(uuid__gt=uuid))
        number = previous_page + 1
        pages = [qs.filter(later).order_by(*order)[:per_page] for qs in querysets]
        rows = _merge(pages, per_page)
    else:
        number = 1 if page is None else page
        if number < 1:
            raise HttpError(400, "page: 1 or more.")
        total = sum(qs.count() for qs in querysets)
        offset = (number - 1) * per_page
        if len(querysets) == 1:
            rows = list(querysets[0].order_by(*order)[offset : offset + per_page])
        else:
            rows = _merge([qs.order_by(*order)[: offset + per_page] for qs in querysets], offset + per_page)
            rows = rows[offset:]
    more = len(rows) == per_page and number * per_page < total
    cursor = _make_cursor(rows[-1], number, total) if more else None
    return Page(rows, number, per_page, total, cursor)


def _merge(querysets: list[QuerySet], limit: int) -> list:
    """The first `limit` rows of these querysets, each already in (modified_at, uuid) order.

    UUIDs compare as PostgreSQL orders them (byte by byte), so no string is made per row; one
    queryset (one statement: a petition's signatures) is its own answer.
    """
    if len(querysets) == 1:
        return list(querysets[0])
    candidates = [row for qs in querysets for row in qs]
    return heapq.nsmallest(limit, candidates, key=lambda r: (r.modified_at, r.uuid))


def collection(request, page: Page, rel: str, items: list[dict]) -> dict:
    """The OSDI collection document: paging fields, links and the embedded resources."""
    links = {"self": {"href": request.build_absolute_uri()}}
    if page.next_cursor:
        query = {"page": page.page + 1, "per_page": page.per_page, "after": page.next_cursor}
        if request.GET.get("filter"):
            query["filter"] = request.GET["filter"]
        links["next"] = {"href": request.build_absolute_uri(request.path) + "?" + urlencode(query)}
    links[rel] = [item["_links"]["self"] for item in items]
    return {
        "total_pages": page.total_pages,
        "per_page": page.per_page,
        "page": page.page,
        "total_records": page.total_records,
        "_links": {**links, "curies": CURIES},
        "_embedded": {rel: items},
    }


CURIES = [{"name": "osdi", "href": "https://opensupporter.github.io/osdi-docs/{rel}", "templated": True}]


def paginate_list(items: list, condition: Q, *, page: int | None, per_page: int | None, after: str | None):
    """paginate() for rows computed in Python (people), already sorted by (modified_at, uuid)."""
    per_page = _per_page(per_page)
    bounds = _bounds(condition)
    items = [item for item in items if all(test(item.modified_at) for test in bounds)]
    if after:
        modified, uuid, previous_page, _total = _read_cursor(after)
        number = previous_page + 1
        key = (modified, uuid)
        items = [item for item in items if (item.modified_at, str(item.uuid)) > key]
        rows = items[:per_page]
        total = _total
    else:
        number = 1 if page is None else page
        if number < 1:
            raise HttpError(400, "page: 1 or more.")
        total = len(items)
        rows = items[(number - 1) * per_page : number * per_page]
    more = len(rows) == per_page and number * per_page < total
    cursor = _make_cursor(rows[-1], number, total) if more else None
    return Page(rows, number, per_page, total, cursor)


def _bounds(condition: Q) -> list:
    """The modified_date conditions of a parsed filter as Python tests (for paginate_list)."""
    import operator

    tests = {
        "gt": operator.gt,
        "gte": operator.ge,
        "lt": operator.lt,
        "lte": operator.le,
        "exact": operator.eq,
    }
    found = []
    for child in condition.children:
        name, value = child
        test = tests[name.rsplit("__", 1)[1]]
        found.append(lambda moment, test=test, value=value: test(moment, value))
    return found
