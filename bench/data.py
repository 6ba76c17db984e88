"""The bench's database: recreated each run, and filled fast with SQL."""

import os
import secrets
import urllib.parse

from .system import BenchError


def recreate_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = urllib.parse.unquote(parts.path.lstrip("/"))
    if "bench" not in name and os.environ.get("BENCH_FORCE") != "1":
        raise BenchError(
            f"refusing to drop database {name!r}: its name has no 'bench' (BENCH_FORCE=1 to insist)"
        )
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = urllib.parse.unquote(parts.path.lstrip("/"))
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def insert_signatures(
    statement_id: int, rows: int, *, status: str, mail_due: bool = False, age_s: int = 0
) -> None:
    """Insert many signatures in one INSERT ... SELECT generate_series (seconds for a million).

    Confirmed ones are stored as already counted, as if the tally had run: a recount then sets the
    total, and no one UPDATE of a million rows floods the WAL while the figures are taken. Fields
    not named here get their model default, so this keeps working as the model grows. With
    `mail_due`, each also gets its confirmation mail in the outbox, due now.
    """
    from django.db import connection

    from petitions.models import Signature

    seed = secrets.token_hex(4)
    expressions = {
        "uuid": f"md5('{seed}' || i)::uuid",
        "statement_id": "%(statement)s",
        "status": "%(status)s",
        "name": "'Signer ' || i",
        "email": f"'s{seed}-' || i || '@bench.example.org'",
        "email_normalized": f"'s{seed}-' || i || '@bench.example.org'",
        "country": "(ARRAY['PE','GB','ES','AR','FR','DE','US','CL'])[1 + i %% 8]",
        "language": "'en'",
        "created_at": "now() - make_interval(secs => %(age)s + i * 0.01)",
        "confirmed_at": "CASE WHEN %(status)s = 'confirmed' THEN now() - make_interval(secs => i * 0.01) END",
        # Spread like real confirmations, so the API's keyset paging walks a realistic index.
        "modified_at": "now() - make_interval(secs => %(age)s + i * 0.01)",
        "counted": "%(status)s = 'confirmed'",
        "mails_requested": "1",
    }
    params = {"statement": statement_id, "status": status, "age": age_s}
    columns, values = [], []
    for model_field in Signature._meta.concrete_fields:
        if model_field.primary_key:
            continue
        columns.append(connection.ops.quote_name(model_field.column))
        if model_field.attname in expressions:
            values.append(expressions[model_field.attname])
        else:
            key = f"default_{model_field.attname}"
            params[key] = model_field.get_db_prep_save(model_field.get_default(), connection)
            values.append(f"%({key})s")
    # Only model metadata is interpolated; every value is a parameter.
    sql = (
        f"INSERT INTO {Signature._meta.db_table} ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {', '.join(values)} FROM generate_series(1, %(rows)s) AS i"
    )
    params["rows"] = rows
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        cursor.execute(f"ANALYZE {Signature._meta.db_table}")
    if mail_due:
        _insert_mails(statement_id, seed)


def _insert_mails(statement_id: int, seed: str) -> None:
    """The outbox rows signing would have written for the signatures just inserted (seed)."""
    from django.db import connection

    from outbox.models import OutboxMessage
    from petitions.models import Signature

    table = OutboxMessage._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO {table} (uuid, kind, channel, "to", ref, context, language, statement_id,'  # noqa: S608
            " campaign_id, created_at, due_at, status, attempts, last_error, lease_owner)"
            " SELECT gen_random_uuid(), 'petitions.signature', 'email', s.email, s.id::text, '{}',"
            " s.language, s.statement_id, st.campaign_id, now(), now(), 'pending', 0, '', ''"
            f" FROM {Signature._meta.db_table} s JOIN petitions_statement st ON st.id = s.statement_id"
            " WHERE s.statement_id = %s AND s.email LIKE %s",
            [statement_id, f"s{seed}-%"],
        )
        cursor.execute(f"ANALYZE {table}")
