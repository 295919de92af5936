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

from collections.abc import Sequence
from typing import Any

from django.db.models import Expression, Field


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
