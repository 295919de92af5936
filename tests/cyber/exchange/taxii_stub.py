"""A tiny TAXII 2.1 collection served on loopback, treating added_after INCLUSIVELY (>=), as some servers
do, and paginating by added_after alone (`more` without `next`).

Honest to the wire: real HTTP through wsgiref, the TAXII media type, the Date-Added headers.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

MEDIA = "application/taxii+json;version=2.1"


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class InclusiveStub:
    """Objects as (date_added, object); GET objects/ honours limit and inclusive added_after."""

    def __init__(self, *, always_more: bool = False, endless_next: bool = False) -> None:
        self.entries: list[tuple[str, dict[str, Any]]] = []
        self.requests: list[dict[str, list[str]]] = []
        self.always_more = always_more
        self.endless_next = endless_next  # a broken server: the same page and the same `next`, forever
        self.failing = False
        self.redirect_to = ""  # answer every request with a redirect there
        self._server: WSGIServer | None = None

    def add(self, date_added: str, obj: dict[str, Any]) -> None:
        self.entries.append((date_added, obj))
        self.entries.sort(key=lambda entry: entry[0])

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        query = parse_qs(environ.get("QUERY_STRING", ""))
        if environ["PATH_INFO"].endswith("/objects/"):
            self.requests.append(query)
        if self.redirect_to:
            start_response("302 Found", [("Location", self.redirect_to)])
            return [b""]
        if self.failing:
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"down"]
        if environ["PATH_INFO"].endswith("/collections/stub/"):
            start_response("200 OK", [("Content-Type", MEDIA)])
            collection = {"id": "stub", "title": "Stub", "can_read": True, "can_write": False}
            return [json.dumps(collection).encode()]
        if not environ["PATH_INFO"].endswith("/objects/"):
            start_response("404 Not Found", [("Content-Type", MEDIA)])
            return [b'{"title": "not found"}']
        after = query.get("added_after", [""])[0]
        limit = int(query.get("limit", ["100"])[0])
        rows = [entry for entry in self.entries if not after or entry[0] >= after]  # inclusive!
        page, rest = rows[:limit], rows[limit:]
        body: dict[str, Any] = {"objects": [obj for _, obj in page]}
        body["more"] = bool(rest) or self.always_more or self.endless_next
        if self.endless_next:
            body["next"] = "again"
        headers = [("Content-Type", MEDIA)]
        if page:
            headers += [("X-TAXII-Date-Added-First", page[0][0]), ("X-TAXII-Date-Added-Last", page[-1][0])]
        start_response("200 OK", headers)
        return [json.dumps(body).encode()]

    def start(self) -> str:
        self._server = make_server("127.0.0.1", 0, self, handler_class=_Quiet)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self._server.server_port}/api/collections/stub/"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
