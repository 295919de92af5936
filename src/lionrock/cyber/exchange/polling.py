"""Reads a remote TAXII 2.1 collection page by page with taxii2-client, without gaps and without loops.

* The first request carries `added_after` (the feed's cursor); pages after it follow `next`, which the
  standard binds to the first request's query.
* A server that says `more` but gives no `next` is followed by moving `added_after` to the page's
  X-TAXII-Date-Added-Last.
* Servers that treat `added_after` inclusively hand back the last object again: every (id, version) is
  kept once per poll, and a page that brings nothing new, or a cursor that does not advance, ends the
  poll instead of looping (a page limit bounds the rest).
* The cursor moves only to a date_added the server reported for objects this poll received.
* Every connection goes to an address feed_urls has checked, and every redirect is checked as a URL.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

import requests
from requests.adapters import HTTPAdapter
from requests.auth import AuthBase
from taxii2client.common import _HTTPConnection
from taxii2client.v21 import Collection
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NewConnectionError
from urllib3.util.connection import create_connection

from lionrock.cyber.exchange import feed_urls
from lionrock.cyber.exchange.upgrade import object_upgrade


def _connect_checked(conn: HTTPConnection) -> socket.socket:
    """Connects to one of the addresses feed_urls accepted for the host, never to a fresh DNS answer."""
    port = conn.port or conn.default_port
    addresses = feed_urls.checked_addresses(conn.host, port)
    failure: OSError | None = None
    for address in addresses:
        try:
            return create_connection(
                (str(address), port),
                conn.timeout,
                source_address=conn.source_address,
                socket_options=conn.socket_options,
            )
        except OSError as error:
            failure = error
    raise NewConnectionError(conn, f"Failed to establish a new connection: {failure}")


class _CheckedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        return _connect_checked(self)


class _CheckedHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        return _connect_checked(self)


class _CheckedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _CheckedHTTPConnection


class _CheckedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _CheckedHTTPSConnection


class _CheckedAdapter(HTTPAdapter):
    """requests' adapter with connection pools whose connections go only to checked addresses."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _CheckedHTTPPool, "https": _CheckedHTTPSPool}


def _guard(session: requests.Session) -> None:
    """Checked connections for every request of the session, and each redirect checked as a new URL."""
    session.mount("https://", _CheckedAdapter())
    session.mount("http://", _CheckedAdapter())
    target_of = session.get_redirect_target

    def checked_target(response: requests.Response) -> str | None:
        target = target_of(response)
        if target:
            feed_urls.url_check(urljoin(response.url, target))
        return target

    session.get_redirect_target = checked_target  # type: ignore[method-assign, assignment]


class _Bearer(AuthBase):
    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request


class _RecordingConnection(_HTTPConnection):  # type: ignore[misc]
    """taxii2-client's connection, keeping the last response's headers (the Date-Added ones)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.last_headers: dict[str, str] = {}
        self.session.hooks["response"].append(self._keep)

    def _keep(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self.last_headers = dict(response.headers)


def _parse_time(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


@dataclass
class PollState:
    """What one poll saw: pages, objects received, the new cursor, and why it stopped early (if it did)."""

    cursor: str
    pages: int = 0
    received: int = 0
    stopped: str = ""
    seen: set[tuple[str, str]] = field(default_factory=set)


def version_key(obj: dict[str, Any]) -> tuple[str, str]:
    return (str(obj.get("id")), str(obj.get("modified") or obj.get("created") or ""))


def connect(
    url: str, *, auth: str, username: str = "", secret: str = "", verify: bool = True, timeout: float = 30
) -> tuple[Collection, _RecordingConnection]:
    """A taxii2-client Collection for the URL, with basic or bearer credentials.

    The URL is checked against the operator's allow-list first (feed_urls.FeedUrlRefused otherwise).
    """
    feed_urls.url_check(url)
    kwargs: dict[str, Any] = {"verify": verify, "version": "2.1"}
    if auth == "basic":
        kwargs.update(user=username, password=secret)
    elif auth == "bearer":
        kwargs["auth"] = _Bearer(secret)
    conn = _RecordingConnection(**kwargs)
    _guard(conn.session)
    original = conn.session.request

    def request_with_timeout(*args: Any, **kw: Any) -> requests.Response:
        kw.setdefault("timeout", timeout)
        response: requests.Response = original(*args, **kw)
        return response

    conn.session.request = request_with_timeout
    return Collection(url, conn=conn), conn


def pages(
    collection: Collection, conn: _RecordingConnection, state: PollState, *, limit: int, max_pages: int
) -> Iterator[list[dict[str, Any]]]:
    """Yields each page's objects not seen before in this poll; advances state.cursor as pages arrive."""
    request_after = state.cursor
    next_token = ""
    while True:
        if state.pages >= max_pages:
            state.stopped = f"stopped after {max_pages} pages; the rest follows on the next poll"
            return
        kwargs: dict[str, Any] = {"limit": limit}
        if request_after:
            kwargs["added_after"] = request_after
        if next_token:
            kwargs["next"] = next_token
        envelope = collection.get_objects(**kwargs)
        state.pages += 1
        objects = [obj for obj in (envelope.get("objects") or []) if isinstance(obj, dict)]
        state.received += len(objects)
        fresh = []
        for obj in objects:
            key = version_key(obj)
            if key not in state.seen:
                state.seen.add(key)
                fresh.append(object_upgrade(obj) if obj.get("spec_version") == "2.0" else obj)
        last = conn.last_headers.get("X-TAXII-Date-Added-Last", "")
        last_time, cursor_time = _parse_time(last), _parse_time(state.cursor)
        advanced = last_time is not None and (cursor_time is None or last_time > cursor_time)
        yield fresh
        if advanced:
            state.cursor = last
        if not envelope.get("more"):
            return
        if not fresh:
            state.stopped = "the server said more but sent nothing new; stopped to avoid a loop"
            return
        token = str(envelope.get("next") or "")
        if token:
            next_token = token  # some servers (medallion) keep one token for the whole paged query
            continue
        if not advanced:
            state.stopped = "the server said more but did not advance; stopped to avoid a loop"
            return
        request_after, next_token = state.cursor, ""
