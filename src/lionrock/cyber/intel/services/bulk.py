"""Writing many rows at once for the ingest path: values adapted once, COPY on PostgreSQL, multi-row
INSERT elsewhere (docs/decisions/0002-postgresql-copy-ingest.md), and the lock that orders writers."""

from __future__ import annotations

from enum import Enum
from functools import lru_cache
from operator import itemgetter
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models

from lionrock.cyber.intel.models import (
    Collection,
)

__all__ = ["collection_lock", "rows_insert"]


def collection_lock(collection: Collection) -> None:
    """Serialises writers to one collection so date_added stays strictly increasing without ties."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"intel:{collection.pk}"])


def rows_insert(model: type[models.Model], objs: list[Any]) -> None:
    """bulk_create for the ingest path: one multi-row INSERT ... RETURNING per batch, values adapted once.

    Django's bulk_create prepares every value through its field (most of a TAXII push's CPU time). The
    rows here are plain columns (text, booleans, timestamps, foreign-key ids), so text, numbers and
    booleans are written as they are, timestamps adapted as Django adapts them, other keys (UUIDs)
    prepared by their field once per distinct value. Primary keys come back in insertion order, as
    bulk_create itself relies on. Databases without INSERT ... RETURNING use bulk_create.

    `objs` are model instances, which get their primary keys, or plain dicts of attribute values for
    rows nobody reads back (an instance per observable value and label cost a tenth of a push).
    """
    if not objs:
        return
    db = connections[DEFAULT_DB_ALIAS]  # the wrapper itself: the proxy costs a lookup per attribute
    if not db.features.can_return_rows_from_bulk_insert:
        instances = [model(**obj) if isinstance(obj, dict) else obj for obj in objs]
        model._default_manager.bulk_create(instances, batch_size=500)
        return
    keys_back = not isinstance(objs[0], dict)
    meta = model._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    plain = (models.CharField, models.TextField, models.BooleanField, models.IntegerField)

    def preparer(field: Any) -> Any:
        if isinstance(getattr(field, "target_field", field), plain):
            return None
        if isinstance(field, models.DateTimeField):
            # A push repeats its created, modified and valid_from values: each adapted once.
            return lru_cache(maxsize=256)(db.ops.adapt_datetimefield_value)
        return lru_cache(maxsize=64)(lambda value: field.get_db_prep_save(value, db))

    preparers = [preparer(field) for field in fields]
    attnames = [field.attname for field in fields]
    quote = db.ops.quote_name
    # Names come from the model's own metadata, quoted; every value is a bound parameter.
    columns = ", ".join(quote(field.column) for field in fields)
    # All of a row's values in one C call; Python touches only the columns that need adapting (dates,
    # UUID keys) and the text columns, which may hold an enum member (choices) rather than its value.
    values_of = itemgetter(*attnames) if len(attnames) > 1 else (lambda values: (values[attnames[0]],))
    adapted = [(n, prepare) for n, prepare in enumerate(preparers) if prepare is not None]
    texts = [n for n, prepare in enumerate(preparers) if prepare is None]

    def row_of(obj: Any) -> list[Any]:
        row = list(values_of(obj.__dict__ if keys_back else obj))
        for n, prepare in adapted:
            value = row[n]
            if value is not None:
                row[n] = prepare(value)
        for n in texts:
            value = row[n]
            if isinstance(value, Enum):
                row[n] = value.value
        return row

    def saved(obj: Any, pk: int) -> None:
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = db.alias

    if db.vendor == "postgresql":
        # COPY instead of a multi-row INSERT: psycopg would re-parse a 7,000-placeholder statement per
        # batch and the server plan it, which together cost more than validating the objects. Keys wanted
        # back are drawn from the sequence first and written with the rows.
        with db.cursor() as cursor:
            pks: list[int] = []
            if keys_back:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [meta.db_table, meta.pk.column, len(objs)],
                )
                pks = [pk for (pk,) in cursor.fetchall()]
                columns = f"{quote(meta.pk.column)}, {columns}"
            with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
                for n, obj in enumerate(objs):
                    copy.write_row([pks[n], *row_of(obj)] if keys_back else row_of(obj))
        for pk, obj in zip(pks, objs, strict=False):
            saved(obj, pk)
        return
    head = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES "  # noqa: S608
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    returning = f" RETURNING {quote(meta.pk.column)}" if keys_back else ""
    per_batch = max(1, min(500, 30000 // len(fields)))
    with db.cursor() as cursor:
        for start in range(0, len(objs), per_batch):
            chunk = objs[start : start + per_batch]
            params: list[Any] = []
            for obj in chunk:
                params.extend(row_of(obj))
            cursor.execute(head + ", ".join([row_sql] * len(chunk)) + returning, params)
            if keys_back:
                for obj, (pk,) in zip(chunk, cursor.fetchall(), strict=True):
                    saved(obj, pk)
