"""Pulls indicators from a TAXII 2.1 collection, so a stakeholder matches what was shared with it today.

The token comes from the environment (`LIONROCK_TAXII_TOKEN`), never from the command line, where it would
end up in shell history and process listings.
"""

from __future__ import annotations

import os
from typing import Any

from lionrock.matcher.indicators import IndicatorCollection, load_stix

TOKEN_VARIABLE = "LIONROCK_TAXII_TOKEN"


def is_collection_url(source: str) -> bool:
    """Whether a SOURCE argument names a TAXII collection rather than a file."""
    return source.startswith(("https://", "http://")) and "/collections/" in source


def fetch(url: str) -> IndicatorCollection:
    """All indicators of a collection, following TAXII pagination."""
    try:
        from taxii2client.v21 import Collection, as_pages
    except ImportError as error:  # pragma: no cover - it is a declared dependency
        raise RuntimeError("taxii2-client is not installed; save the collection to a file instead") from error
    token = os.environ.get(TOKEN_VARIABLE, "")

    class _Bearer:
        """requests auth hook adding the bearer token."""

        def __call__(self, request: Any) -> Any:
            if token:
                request.headers["Authorization"] = f"Bearer {token}"
            return request

    collection = Collection(url if url.endswith("/") else url + "/", auth=_Bearer())
    result = IndicatorCollection()
    for envelope in as_pages(collection.get_objects, per_request=1000, type="indicator"):
        load_stix(envelope, url, result)
    return result
