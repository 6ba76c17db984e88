"""Database triggers that keep `modified_at` true for the API's incremental sync.

Signatures, donations, statements, events and funds are updated from many places (confirmation,
withdrawal, anonymisation, unsubscribes, moderators' bulk actions, revisions, the admin), mostly
with QuerySet.update(), which bypasses save(). A trigger in the database sets `modified_at` whenever
a column the API shows changes, so a client asking for `modified_date gt '…'` sees every change and
no code path has to remember it.

The triggers are (re)installed after every `migrate` (post_migrate), because SQLite drops a table's
triggers when a migration rebuilds the table.
"""

from django.db import connections

# Table → the columns whose change is a change of the API resource (bookkeeping such as
# mails_requested, counted or tallied is left out: it would make every row look modified).
WATCHED = {
    "petitions_signature": [
        "status",
        "kind",
        "name",
        "email_normalized",
        "country",
        "organisation",
        "role",
        "location",
        "comment",
        "show_publicly",
        "listing",
        "consent_contact",
        "language",
    ],
    "funds_donation": ["amount", "received_on", "method", "reference", "donor_name", "voided_at"],
    # Totals kept by the tallies (signature_count, places_taken, raised) are left out on purpose.
    "petitions_statement": ["slug", "title", "body", "status", "target", "closes_at", "approved_at"],
    "events_event": [
        "slug",
        "title",
        "description",
        "starts_at",
        "ends_at",
        "time_zone",
        "kind",
        "venue_name",
        "address",
        "capacity",
        "status",
    ],
    "funds_fund": ["target", "currency", "deadline", "payment_url"],
}


def _postgresql(table: str, columns: list[str]) -> list[str]:
    old = ", ".join(f"OLD.{c}" for c in columns)
    new = ", ".join(f"NEW.{c}" for c in columns)
    return [
        "CREATE OR REPLACE FUNCTION api_touch_modified_at() RETURNS trigger AS $$ "
        "BEGIN NEW.modified_at := clock_timestamp(); RETURN NEW; END $$ LANGUAGE plpgsql",
        f"DROP TRIGGER IF EXISTS {table}_modified ON {table}",
        f"CREATE TRIGGER {table}_modified BEFORE UPDATE ON {table} FOR EACH ROW "
        f"WHEN (ROW({old}) IS DISTINCT FROM ROW({new})) EXECUTE FUNCTION api_touch_modified_at()",
    ]


def _sqlite(table: str, columns: list[str]) -> list[str]:
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)
    # The same text format Django stores datetimes in (UTC), to the millisecond. Table and column
    # names are this module's constants, never input.
    touch = f"UPDATE {table} SET modified_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = NEW.id"  # noqa: S608
    return [
        f"DROP TRIGGER IF EXISTS {table}_modified",
        f"CREATE TRIGGER {table}_modified AFTER UPDATE OF {', '.join(columns)} ON {table} "
        f"FOR EACH ROW WHEN {changed} BEGIN {touch}; END",
    ]


def install_triggers(using: str = "default") -> None:
    conn = connections[using]
    build = {"postgresql": _postgresql, "sqlite": _sqlite}.get(conn.vendor)
    if build is None:
        return
    tables = set(conn.introspection.table_names())
    with conn.cursor() as cursor:
        for table, columns in WATCHED.items():
            if table in tables:
                for sql in build(table, columns):
                    cursor.execute(sql)
