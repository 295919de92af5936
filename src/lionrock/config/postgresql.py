"""The cursor Lionrock's PostgreSQL connections use: Django's server-binding cursor, preparing on the
first run only the statements that carry parameters.

Each serving thread has a connection of its own, and a page's visibility-rule statements cost PostgreSQL
more to parse and plan than to run; prepared on their first run, each connection plans them once rather
than on every visit until a threshold. A statement without parameters is left unprepared: migrations and
maintenance send several commands in one string, which PostgreSQL cannot prepare, and the statements that
matter to a page all carry parameters.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.postgresql.base import ServerBindingCursor  # type: ignore[attr-defined]


class PreparingCursor(ServerBindingCursor):  # type: ignore[misc]
    def execute(
        self, query: Any, params: Any = None, *, prepare: bool | None = None, binary: bool | None = None
    ) -> Any:
        if prepare is None and not params:
            prepare = False
        return super().execute(query, params, prepare=prepare, binary=binary)
