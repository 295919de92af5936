"""A TAXII-speaking wrapper around Django's test client, and tokens for the intel community's actors."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client
from django.test.client import Client as DjangoClient
from django.urls import reverse

from lionrock.core.accounts import services as account_services
from lionrock.core.accounts.access import Actor
from lionrock.cyber.intel.models import Collection
from lionrock.cyber.taxii.protocol import TAXII_MEDIA_TYPE

ROOT = "/taxii2/api/"


def token_for(actor: Actor, scopes: tuple[str, ...] = ("intel:read", "intel:write")) -> str:
    """An API token secret for the actor's first organisation."""
    organisation = actor.primary_organisation_id
    _token, secret = account_services.token_create(
        actor=actor, organisation=organisation, name="TAXII", scopes=list(scopes)
    )
    return secret


def collection_url(collection: Collection, tail: str = "") -> str:
    return reverse("taxii:collection", args=[str(collection.id)]) + tail


class Taxii:
    """Sends what a TAXII 2.1 client sends: the media type in Accept and a Bearer token."""

    def __init__(self, secret: str | None = None, *, client: DjangoClient | None = None) -> None:
        self.client = client or Client()
        self.headers: dict[str, str] = {"Accept": TAXII_MEDIA_TYPE}
        if secret is not None:
            self.headers["Authorization"] = f"Bearer {secret}"

    def get(
        self, path: str, params: dict[str, Any] | None = None, headers: dict[str, str] | None = None
    ) -> Any:
        return self.client.get(path, params or {}, headers={**self.headers, **(headers or {})})

    def post(
        self,
        path: str,
        body: dict[str, Any] | str | bytes,
        content_type: str = TAXII_MEDIA_TYPE,
    ) -> Any:
        data = json.dumps(body) if isinstance(body, dict) else body
        return self.client.post(path, data, content_type=content_type, headers=self.headers)

    def delete(self, path: str, params: dict[str, Any] | None = None) -> Any:
        query = "&".join(f"{key}={value}" for key, value in (params or {}).items())
        return self.client.delete(path + (f"?{query}" if query else ""), headers=self.headers)


def envelope(*objects: dict[str, Any]) -> dict[str, Any]:
    return {"objects": list(objects)}
