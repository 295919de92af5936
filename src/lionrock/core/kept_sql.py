"""A filter compiled to SQL once and its text kept, for rules that take longer to compile than to run.

The visibility rules (intel objects, sightings, incidents) are deep trees of subqueries. Django
compiles a query's whole tree every time it runs it: 5-10 ms of CPU for each list, count or lookup a
page makes through the rule, more than the database then takes to answer. A rule built once per set
of visibility terms and kept (see `_visible_rows` in intel) can keep its SQL too.

What the SQL of an expression depends on, besides the expression itself, is the connection and the
aliases of the tables it names. Django never changes an expression in place: a query copied to add a
filter shares it as it is, and anything that renames tables (using the query as a subquery, joining it
into another) works on a copy. So the kept text lives on the instance, and every copy starts without
it. Django also resolves an expression again each time it compiles a lookup on it; once resolved, this
one answers with itself (resolving a resolved tree again changes nothing but costs as much as
compiling it), so the kept text survives. A renamed copy is resolved afresh.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Any

from django.db import connection
from django.db.models import Expression, Field, QuerySet


class KeptSql(Expression):
    """`expression`, compiled once per database connection on this instance and answered from then on."""

    def __init__(self, expression: Any, output_field: Field[Any, Any]) -> None:
        super().__init__(output_field=output_field)
        self.expression = expression
        self._kept: dict[str, tuple[str, tuple[Any, ...]]] = {}
        self._settled = False

    def get_source_expressions(self) -> list[Any]:
        return [self.expression]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        (self.expression,) = exprs

    def copy(self) -> KeptSql:
        clone: KeptSql = super().copy()
        clone._kept = {}
        clone._settled = False
        return clone

    def resolve_expression(self, *args: Any, **kwargs: Any) -> KeptSql:
        if self._settled:
            return self
        resolved: KeptSql = super().resolve_expression(*args, **kwargs)
        resolved._settled = True
        return resolved

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, tuple[Any, ...]]:
        kept = self._kept.get(connection.alias)
        if kept is None:
            sql, params = compiler.compile(self.expression)
            kept = self._kept[connection.alias] = (sql, tuple(params))
        return kept


_KEPT_QUERIES: OrderedDict[tuple[Hashable, str], tuple[str, tuple[Any, ...]]] = OrderedDict()
_KEPT_QUERIES_MAX = 4096
_kept_queries_lock = threading.Lock()


def kept_query_rows(key: Hashable, build: Callable[[], QuerySet[Any]]) -> list[tuple[Any, ...]]:
    """The rows of the query `build` makes, whose SQL depends on `key` alone: built and compiled on the
    first call for a key, and the SQL kept (the last few thousand keys) and run afresh on every call.

    For the small queries every request makes (a user's roles, the reader's collections): Django
    takes longer to build and compile them than the database takes to answer. The rows are the
    cursor's own values, without Django's conversions, so the query selects plain columns (numbers,
    text) or its caller converts them (a UUID from SQLite's hex text, a boolean from its 0 and 1). A
    query that can match nothing (`.none()`, `pk__in=[]`) has no SQL: its caller answers it itself.
    """
    kept_key = (key, connection.vendor)
    with _kept_queries_lock:
        kept = _KEPT_QUERIES.get(kept_key)
        if kept is not None:
            _KEPT_QUERIES.move_to_end(kept_key)
    if kept is None:
        sql, params = build().query.get_compiler(connection.alias).as_sql()
        kept = (sql, tuple(params))
        with _kept_queries_lock:
            _KEPT_QUERIES[kept_key] = kept
            while len(_KEPT_QUERIES) > _KEPT_QUERIES_MAX:
                _KEPT_QUERIES.popitem(last=False)
    with connection.cursor() as cursor:
        cursor.execute(*kept)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    return rows
