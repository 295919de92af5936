"""TAXII 2.1 endpoints (OASIS standard, sections 4 and 5) as plain Django views.

Plain views rather than the ninja API because TAXII fixes its own media types, error bodies and headers.
Each handler authenticates, checks the media type, then calls taxii/intel selectors and services only.
Object pages are assembled from the stored JSON text without parsing it: the bytes a client receives
are the bytes that were accepted, and a page of 1,000 objects costs one string join.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from lionrock.core.accounts.access import Actor, NotFound
from lionrock.core.accounts.authentication import (
    PasswordChangeRequired,
    TokenBasic,
    TokenBearer,
    session_actor,
)
from lionrock.core.boundedjson import json_loads_bounded
from lionrock.cyber.intel import services as intel_services
from lionrock.cyber.taxii import selectors, services
from lionrock.cyber.taxii.protocol import (
    MATCH_FIELDS,
    STIX_MEDIA_TYPE,
    TAXII_MEDIA_TYPE,
    Query,
    TaxiiError,
    accepts_taxii,
    is_taxii_content,
    max_content_length,
    query_parse,
    timestamp,
)

log = logging.getLogger(__name__)
REALM = 'Basic realm="Lionrock TAXII", Bearer realm="Lionrock TAXII"'
Handler = Callable[..., HttpResponse]


def _response(
    body: dict[str, Any] | str, status: int = 200, headers: dict[str, str] | None = None
) -> HttpResponse:
    content = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    response = HttpResponse(content, status=status, content_type=TAXII_MEDIA_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _error(error: TaxiiError) -> HttpResponse:
    return _response(error.body(), error.http_status, error.headers)


def _authenticate(request: HttpRequest) -> Actor:
    """An API token as Bearer or as the Basic password; else, for reads, a browser session past MFA."""
    header = request.headers.get("Authorization", "")
    actor: Actor | None = None
    if header:
        scheme = header.split(" ", 1)[0].lower()
        if scheme == "bearer":
            actor = TokenBearer()(request)
        elif scheme == "basic":
            actor = TokenBasic()(request)
        if actor is None or actor.user is None:
            raise TaxiiError(
                401,
                _("Authentication failed"),
                _("the API token is unknown, expired or revoked"),
                {"WWW-Authenticate": REALM},
            )
        return actor
    if request.method == "GET":
        try:
            actor = session_actor(request)
        except PasswordChangeRequired as refused:
            raise TaxiiError(403, _("Password change required"), refused.message) from refused
        if actor is not None and actor.user is not None:
            return actor
    raise TaxiiError(
        401,
        _("Authentication required"),
        _("send an API token as a Bearer token, or as the password of HTTP Basic"),
        {"WWW-Authenticate": REALM},
    )


def taxii_endpoint(*methods: str) -> Callable[[Handler], Handler]:
    """Method, authentication and media-type checks shared by every endpoint; errors as TAXII bodies."""

    def decorate(handler: Handler) -> Handler:
        @csrf_exempt
        @wraps(handler)
        def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                if request.method not in methods:
                    raise TaxiiError(
                        405,
                        _("Method not allowed"),
                        _("this endpoint answers %(methods)s") % {"methods": ", ".join(methods)},
                        {"Allow": ", ".join(methods)},
                    )
                actor = _authenticate(request)
                if not accepts_taxii(request.headers.get("Accept")):
                    raise TaxiiError(
                        406,
                        _("Not acceptable"),
                        _("send Accept: %(media)s") % {"media": TAXII_MEDIA_TYPE},
                    )
                return handler(request, actor, *args, **kwargs)
            except TaxiiError as error:
                return _error(error)
            except NotFound:
                return _error(TaxiiError(404, _("Not found"), _("no such resource, or not visible to you")))
            except Exception:
                # A TAXII client reads every answer as TAXII, failures included (3.6.1).
                log.exception("TAXII %s %s failed", request.method, request.path)
                return _error(
                    TaxiiError(500, _("Server error"), _("the server could not answer this request"))
                )

        return view

    return decorate


def _root_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("taxii:api_root"))


def _require_root(actor: Actor) -> None:
    if not selectors.api_root_usable(actor=actor):
        raise NotFound


def _rights(
    actor: Actor, collection_id: str, *, read: bool = False, write: bool = False
) -> selectors.CollectionRights:
    """The collection and the caller's rights; 404 when it is unknown to them, 403 when a right is missing."""
    _require_root(actor)
    try:
        uuid.UUID(collection_id)
    except ValueError as exc:
        raise NotFound from exc
    rights = selectors.collection_rights_get(actor=actor, collection_id=collection_id)
    if read and not rights.can_read:
        raise TaxiiError(403, _("Forbidden"), _("you may add objects to this collection but not read it"))
    if write and not rights.can_write:
        raise TaxiiError(403, _("Forbidden"), _("you may read this collection but not write to it"))
    return rights


def _page_headers(page: selectors.Page) -> dict[str, str]:
    """X-TAXII-Date-Added-First/Last on every page with content, single-object pages included."""
    if page.first_added is None or page.last_added is None:
        return {}
    return {
        "X-TAXII-Date-Added-First": timestamp(page.first_added),
        "X-TAXII-Date-Added-Last": timestamp(page.last_added),
    }


def _envelope_head(page: selectors.Page) -> str:
    head = '{"more":' + ("true" if page.more else "false")
    if page.next:
        head += ',"next":' + json.dumps(page.next)
    return head


def _params(request: HttpRequest) -> dict[str, list[str]]:
    """Every value of every query parameter, so a repeated one can be refused rather than half-read."""
    return dict(request.GET.lists())


def _scope(name: str, actor: Actor, *parts: object) -> str:
    return ":".join([name, str(actor.user.pk if actor.user else ""), *(str(part) for part in parts)])


# --- discovery and API root (4.1, 4.2) --------------------------------------------------------------------


@taxii_endpoint("GET")
def discovery(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Lists the API root only to callers who can use it."""
    body: dict[str, Any] = {
        "title": _("Lionrock threat-intelligence sharing"),
        "description": _("TAXII 2.1 server of the Lionrock platform"),
    }
    if selectors.api_root_usable(actor=actor):
        body["default"] = _root_url(request)
        body["api_roots"] = [_root_url(request)]
    return _response(body)


@taxii_endpoint("GET")
def api_root(request: HttpRequest, actor: Actor) -> HttpResponse:
    _require_root(actor)
    return _response(
        {
            "title": "Lionrock",
            "description": _("Collections shared under TLP 2.0 with the caller's organisation"),
            "versions": [TAXII_MEDIA_TYPE],
            "max_content_length": max_content_length(),
        }
    )


@taxii_endpoint("GET")
def status(request: HttpRequest, actor: Actor, status_id: str) -> HttpResponse:
    _require_root(actor)
    try:
        uuid.UUID(status_id)
    except ValueError as exc:
        raise NotFound from exc
    return _response(services.status_resource(selectors.status_get(actor=actor, status_id=status_id)))


# --- collections (5.1, 5.2) ------------------------------------------------------------------------------


def _collection_resource(rights: selectors.CollectionRights) -> dict[str, Any]:
    collection = rights.collection
    body: dict[str, Any] = {"id": str(collection.id), "title": collection.title}
    if collection.description:
        body["description"] = collection.description
    body.update(
        alias=collection.alias,
        can_read=rights.can_read,
        can_write=rights.can_write,
        media_types=[STIX_MEDIA_TYPE],
    )
    return body


@taxii_endpoint("GET")
def collections(request: HttpRequest, actor: Actor) -> HttpResponse:
    _require_root(actor)
    listed = [_collection_resource(rights) for rights in selectors.collections_listed(actor=actor)]
    return _response({"collections": listed} if listed else {})


@taxii_endpoint("GET")
def collection(request: HttpRequest, actor: Actor, collection_id: str) -> HttpResponse:
    return _response(_collection_resource(_rights(actor, collection_id)))


# --- manifest and objects (5.3 - 5.5) ---------------------------------------------------------------------


@taxii_endpoint("GET")
def manifest(request: HttpRequest, actor: Actor, collection_id: str) -> HttpResponse:
    rights = _rights(actor, collection_id, read=True)
    query = query_parse(
        _params(request), allowed=MATCH_FIELDS, scope=_scope("manifest", actor, collection_id)
    )
    page = selectors.rows_page(
        actor=actor, collection=rights.collection, query=query, fields=("stix_id", "modified")
    )
    body: dict[str, Any] = {"more": page.more}
    if page.next:
        body["next"] = page.next
    if page.rows:
        body["objects"] = [
            {
                "id": stix_id,
                "date_added": timestamp(date_added),
                "version": timestamp(modified),
                "media_type": STIX_MEDIA_TYPE,
            }
            for stix_id, modified, date_added, _pk in page.rows
        ]
    return _response(body, headers=_page_headers(page))


def _objects_response(page: selectors.Page) -> HttpResponse:
    body = _envelope_head(page)
    if page.rows:
        body += ',"objects":[' + ",".join(row[0] for row in page.rows) + "]"
    return _response(body + "}", headers=_page_headers(page))


@taxii_endpoint("GET", "POST")
def objects(request: HttpRequest, actor: Actor, collection_id: str) -> HttpResponse:
    if request.method == "POST":
        return _objects_post(request, actor, collection_id)
    rights = _rights(actor, collection_id, read=True)
    query = query_parse(_params(request), allowed=MATCH_FIELDS, scope=_scope("objects", actor, collection_id))
    page = selectors.rows_page(actor=actor, collection=rights.collection, query=query, fields=("raw",))
    return _objects_response(page)


def _objects_post(request: HttpRequest, actor: Actor, collection_id: str) -> HttpResponse:
    """Checks the envelope (415, 413, 400, 422) and answers 202 with its status resource."""
    rights = _rights(actor, collection_id, write=True)
    if actor.token is None:
        raise TaxiiError(
            401,
            _("Authentication required"),
            _("adding objects needs an API token with the intel:write scope"),
            {"WWW-Authenticate": REALM},
        )
    if not is_taxii_content(request.headers.get("Content-Type")):
        raise TaxiiError(
            415, _("Unsupported media type"), _("send Content-Type: %(media)s") % {"media": TAXII_MEDIA_TYPE}
        )
    limit = max_content_length()
    too_big = TaxiiError(
        413,
        _("Content too large"),
        _("an envelope may hold at most %(limit)d bytes (max_content_length); split it") % {"limit": limit},
    )
    declared = request.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_big
    data = request.read(limit + 1)
    if len(data) > limit:
        raise too_big
    try:
        payload = data.decode("utf-8")
        envelope = json_loads_bounded(payload)
    except (UnicodeDecodeError, ValueError) as exc:
        raise TaxiiError(
            400, _("Malformed request"), _("the body is not UTF-8 JSON: %(why)s") % {"why": exc}
        ) from exc
    if not isinstance(envelope, dict) or not isinstance(envelope.get("objects"), list):
        raise TaxiiError(
            422,
            _("Unprocessable envelope"),
            _('the body must be a TAXII envelope: a JSON object with an "objects" list'),
        )
    objects = envelope["objects"]
    status_row = services.envelope_post(
        actor=actor, collection=rights.collection, payload=payload, objects=objects
    )
    return _response(services.status_resource(status_row, objects), 202)


# --- one object (5.6 - 5.8) -------------------------------------------------------------------------------


def _single_object_page(
    request: HttpRequest,
    actor: Actor,
    collection_id: str,
    object_id: str,
    *,
    name: str,
    fields: tuple[str, ...],
) -> tuple[selectors.Page, Query]:
    rights = _rights(actor, collection_id, read=True)
    allowed = ("version", "spec_version") if name == "object" else ("spec_version",)
    query = query_parse(
        _params(request),
        allowed=allowed,
        scope=_scope(name, actor, collection_id, object_id),
        default_version="last" if name == "object" else "all",
    )
    page = selectors.rows_page(
        actor=actor, collection=rights.collection, query=query, fields=fields, stix_id=object_id
    )
    if not page.rows and not selectors.object_exists(
        actor=actor, collection=rights.collection, stix_id=object_id
    ):
        raise NotFound
    return page, query


@taxii_endpoint("GET", "DELETE")
def object_detail(request: HttpRequest, actor: Actor, collection_id: str, object_id: str) -> HttpResponse:
    if request.method == "DELETE":
        return _object_delete(request, actor, collection_id, object_id)
    page, _query = _single_object_page(
        request, actor, collection_id, object_id, name="object", fields=("raw",)
    )
    return _objects_response(page)


def _object_delete(request: HttpRequest, actor: Actor, collection_id: str, object_id: str) -> HttpResponse:
    """Removes the matching versions (all by default); only the contributing organisation or the owner may."""
    rights = _rights(actor, collection_id)
    if not rights.can_read or not rights.can_write:
        raise TaxiiError(
            403, _("Forbidden"), _("deleting needs both read and write access to the collection")
        )
    if actor.token is None:
        raise TaxiiError(
            401,
            _("Authentication required"),
            _("deleting needs an API token with the intel:write scope"),
            {"WWW-Authenticate": REALM},
        )
    query = query_parse(
        _params(request),
        allowed=("version", "spec_version"),
        scope=_scope("delete", actor, collection_id, object_id),
        default_version="all",
    )
    versions = selectors.object_versions_matching(
        actor=actor, collection=rights.collection, stix_id=object_id, query=query
    )
    if not versions:
        raise NotFound
    try:
        intel_services.object_delete(
            actor=actor, collection=rights.collection, stix_id=object_id, versions=versions
        )
    except NotFound as exc:
        raise TaxiiError(
            403,
            _("Forbidden"),
            _("only the organisation that contributed an object, or the collection's owner, may delete it"),
        ) from exc
    # TAXII 2.1 5.7: an empty 200, still of the TAXII media type like every answer here.
    return _response("", 200)


@taxii_endpoint("GET")
def versions(request: HttpRequest, actor: Actor, collection_id: str, object_id: str) -> HttpResponse:
    page, _query = _single_object_page(
        request, actor, collection_id, object_id, name="versions", fields=("modified",)
    )
    body: dict[str, Any] = {"more": page.more}
    if page.next:
        body["next"] = page.next
    if page.rows:
        body["versions"] = [timestamp(row[0]) for row in page.rows]
    return _response(body, headers=_page_headers(page))


@csrf_exempt
def unknown(request: HttpRequest, path: str = "") -> HttpResponse:
    """Any other URL under the TAXII prefix: a TAXII 404, not the site's HTML page."""
    return _error(TaxiiError(404, _("Not found"), _("no such resource, or not visible to you")))
