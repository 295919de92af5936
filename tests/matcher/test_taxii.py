"""Pulling indicators from a TAXII 2.1 collection, against a small server on the loopback interface."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from lionrock.matcher import taxii

from .factories import stix_indicator

MEDIA = "application/taxii+json;version=2.1"


class _Collection(BaseHTTPRequestHandler):
    """One readable collection with two pages of indicators; records the Authorization header it saw."""

    seen_auth: list[str] = []
    pages = [
        [stix_indicator("[domain-name:value = 'evil.example']")],
        [stix_indicator("[ipv4-addr:value = '192.0.2.66']")],
    ]

    def do_GET(self) -> None:
        _Collection.seen_auth.append(self.headers.get("Authorization", ""))
        if self.path.startswith("/api/collections/c1/objects/"):
            page = 1 if "next=1" in self.path else 0
            body = {"more": page == 0, "objects": self.pages[page]}
            if page == 0:
                body["next"] = "1"
        elif self.path.startswith("/api/collections/c1/"):
            body = {
                "id": "c1",
                "title": "shared",
                "can_read": True,
                "can_write": False,
                "media_types": [MEDIA],
            }
        else:
            self.send_error(404)
            return
        payload = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", MEDIA)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        """Keeps test output quiet."""


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Collection)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/api/collections/c1/"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_collection_url_is_recognised_and_a_file_name_is_not() -> None:
    assert taxii.is_collection_url("https://lionrock.example/taxii2/api/collections/1f0c/")
    assert not taxii.is_collection_url("feed.json")


def test_all_pages_of_a_collection_are_loaded_with_the_token_from_the_environment(
    server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(taxii.TOKEN_VARIABLE, "s3cret")
    _Collection.seen_auth.clear()
    collection = taxii.fetch(server)
    assert collection.entries["domain"][0] == ["evil.example"]
    assert collection.entries["ip"][0] == ["192.0.2.66"]
    assert set(_Collection.seen_auth) == {"Bearer s3cret"}
