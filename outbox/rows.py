"""One INSERT statement for a new row and the message owed about it (outbox.services.create_with_message).

On PostgreSQL a data-modifying WITH stores both in one statement, which is atomic on its own:

    WITH new_row AS (INSERT INTO <table> (...) VALUES (...) RETURNING <pk>)
    INSERT INTO outbox_outboxmessage (..., ref) VALUES (..., (SELECT <pk>::text FROM new_row))
    RETURNING (SELECT <pk> FROM new_row), id

So the caller needs no transaction of its own: no BEGIN and COMMIT round trips, one statement
instead of two, and the SQL is made once per model rather than compiled by the ORM for every row.
It is sent with its values apart (server-side binding) and prepared once per connection, so
PostgreSQL parses and plans it once and no literal SQL is built for each row (Django's own cursors
bind on the client and prepare nothing). The values go through each field's pre_save() and
get_db_prep_save(), as Model.save() does; a model whose insert needs more than that (database
defaults, generated columns, parents) is refused here.
"""

import functools

from django.db import connections, models
from django.db.models import NOT_PROVIDED

from .models import OutboxMessage


def _insert_fields(model) -> list:
    meta = model._meta
    if meta.parents:
        raise TypeError(f"{meta.label}: a model with parents needs Model.save()")
    fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field]
    for f in fields:
        if f.generated or f.db_default is not NOT_PROVIDED:
            raise TypeError(f"{meta.label}.{f.name}: generated or database default; use Model.save()")
    return fields


@functools.cache
def _statement(model, alias: str) -> tuple[str, list, list]:
    """The SQL for a new `model` row and its message, and the fields whose values it takes."""
    quote = connections[alias].ops.quote_name
    fields = _insert_fields(model)
    message_fields = [f for f in _insert_fields(OutboxMessage) if f.name != "ref"]
    pk = quote(model._meta.pk.column)
    ref = quote(OutboxMessage._meta.get_field("ref").column)

    def columns(fields) -> str:
        return ", ".join(quote(f.column) for f in fields)

    sql = (
        f"WITH new_row AS (INSERT INTO {quote(model._meta.db_table)} ({columns(fields)}) "  # noqa: S608 - names from the models; values are parameters
        f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {pk}) "
        f"INSERT INTO {quote(OutboxMessage._meta.db_table)} ({columns(message_fields)}, {ref}) "
        f"VALUES ({', '.join(['%s'] * len(message_fields))}, (SELECT CAST({pk} AS text) FROM new_row)) "
        f"RETURNING (SELECT {pk} FROM new_row), {quote(OutboxMessage._meta.pk.column)}"
    )
    # Each field with whether a str is stored as it is (see _values).
    return sql, [(f, _as_is(f)) for f in fields], [(f, _as_is(f)) for f in message_fields]


@functools.cache
def _prepared_cursor():
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparedCursor(ServerBindingCursor):
        """Server-side binding, each statement prepared on its first run on the connection."""

        def execute(self, query, params=None, **options):
            return super().execute(query, params, prepare=True, **options)

    return PreparedCursor


def _as_is(field) -> bool:
    """Whether a str is stored as it is: a CharField or TextField (or a subclass changing none of
    this) turns a str into itself on saving, so asking it costs five calls for nothing."""
    steps = ("pre_save", "get_db_prep_save", "get_db_prep_value", "get_prep_value", "to_python")
    return any(
        isinstance(field, base) and all(getattr(type(field), step) is getattr(base, step) for step in steps)
        for base in (models.CharField, models.TextField)
    )


def _values(instance, fields, connection) -> list:
    values = []
    for field, as_is in fields:
        value = getattr(instance, field.attname)
        if not (as_is and type(value) is str):
            value = field.get_db_prep_save(field.pre_save(instance, True), connection)
        values.append(value)
    return values


def insert_with_message(instance, message: OutboxMessage, connection) -> None:
    """INSERT `instance` (a new row) and `message` about it, its ref set to the row's primary key,
    in one statement on this PostgreSQL connection. Both instances come back saved."""
    sql, fields, message_fields = _statement(type(instance), connection.alias)
    params = _values(instance, fields, connection) + _values(message, message_fields, connection)
    # As connection.cursor() does (a health check, a connection, Django's wrappers for errors and
    # query logging), with a cursor that binds on the server and prepares.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        cursor = connection._prepare_cursor(_prepared_cursor()(connection.connection))
    with cursor:
        cursor.execute(sql, params)
        instance_pk, message_pk = cursor.fetchone()
    instance.pk, message.pk, message.ref = instance_pk, message_pk, str(instance_pk)
    for saved in (instance, message):
        saved._state.adding = False
        saved._state.db = connection.alias
