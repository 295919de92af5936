"""Pages for analysts and stakeholders: browse and search, object pages, authoring, collections, groups."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lionrock.core.accounts.access import Actor, NotFound, actor_for_request
from lionrock.core.accounts.models import Organisation, User
from lionrock.core.errors import ValidationFailed
from lionrock.cyber.intel import selectors, services
from lionrock.cyber.intel.forms import (
    CollectionForm,
    GrantForm,
    IndicatorForm,
    ObjectFilterForm,
    RedRecipientsForm,
    ReportForm,
    SharingGroupForm,
)
from lionrock.cyber.intel.models import Collection
from lionrock.cyber.intel.services import StixRejected
from lionrock.cyber.intel.sharing import INTEL_MANAGE_ROLES
from lionrock.cyber.intel.tlp import Tlp

PAGE_SIZE = 50
# Matches are counted up to this many; past it the page says "more than" (an exact count would read
# every visible row on every page of a large store).
COUNT_CAP = 1_000


# Where a refusal from objects_add belongs on the forms.
_ERROR_FIELDS = {"object_marking_refs": "tlp", "valid_until": "valid_until", "valid_from": "valid_from"}


def _intel_actor(request: HttpRequest) -> Actor:
    actor = actor_for_request(request)
    if not selectors.intel_organisations(actor):
        raise NotFound
    return actor


def _language(request: HttpRequest) -> str:
    return getattr(request, "LANGUAGE_CODE", "") or ""


def _organisation_choices(request: HttpRequest, actor: Actor) -> list[tuple[str, str]]:
    language = _language(request)
    return [(org.slug, org.display_name(language)) for org in selectors.intel_participants(actor=actor)]


def _people_choices(actor: Actor) -> list[tuple[str, str]]:
    return [
        (str(person.pk), f"{person.full_name or person.email} <{person.email}>")
        for person in selectors.intel_people(actor=actor)
    ]


def _user_label(person: User) -> str:
    return person.full_name or person.email


# --- Browse and search ---------------------------------------------------------------------------------


@login_required
@require_GET
def objects(request: HttpRequest) -> HttpResponse:
    actor = _intel_actor(request)
    form = ObjectFilterForm(
        request.GET or None,
        organisations=_organisation_choices(request, actor),
        collections=[(c.alias, c.title) for c in selectors.collections_visible(actor=actor)],
    )
    arguments = form.search_arguments()
    if form.is_bound and not form.is_valid():
        # A filter that cannot be understood finds nothing, and the form says why.
        page = selectors.ObjectPage(summaries=[], older="", newer="", total=0, capped=False)
    else:
        page = selectors.stix_objects_page(
            actor=actor,
            older=request.GET.get("older", ""),
            newer=request.GET.get("newer", ""),
            size=PAGE_SIZE,
            count_cap=COUNT_CAP,
            **arguments,
        )
    query = request.GET.copy()
    for cursor in ("older", "newer", "page"):
        query.pop(cursor, None)
    context = {
        "form": form,
        "page": page,
        "summaries": page.summaries,
        "query": query.urlencode(),
        "normalised": _normalised_for_display(arguments.get("value", "")),
    }
    template = (
        "intel/partials/objects_table.html" if request.headers.get("HX-Request") else "intel/objects.html"
    )
    return render(request, template, context)


def _normalised_for_display(value: str) -> tuple[str, str] | None:
    """What a searched value was recognised as, in words, and its normal form."""
    normal = selectors.value_lookup_normalise(value) if value else None
    if normal is None:
        return None
    kinds = {
        "ip": _("IP address"),
        "cidr": _("network"),
        "domain": _("domain"),
        "url": _("URL"),
        "email": _("email address"),
        "hash": _("file hash"),
    }
    return kinds.get(normal[0], normal[0]), normal[1]


# --- Object page ---------------------------------------------------------------------------------------


@login_required
@require_GET
def object_detail(request: HttpRequest, stix_id: str) -> HttpResponse:
    actor = _intel_actor(request)
    obj = selectors.stix_object_get(actor=actor, stix_id=stix_id)
    summary = selectors.object_summarise(obj)
    versions = selectors.stix_object_versions(actor=actor, stix_id=stix_id).select_related(
        "collection", "created_by_org"
    )
    recipients: tuple[list[Organisation], list[User]] = ([], [])
    if obj.tlp in (Tlp.AMBER_STRICT, Tlp.RED):
        recipients = selectors.object_recipients(actor=actor, obj=obj)
    cited = (
        selectors.stix_objects_latest(actor=actor, stix_ids=summary.object_refs)
        if summary.object_refs
        else {}
    )
    return render(
        request,
        "intel/object_detail.html",
        {
            "obj": obj,
            "summary": summary,
            "versions": [selectors.object_summarise(version) for version in versions],
            "relationships": selectors.object_relationships(actor=actor, obj=obj),
            "seen_elsewhere": [
                selectors.object_summarise(other)
                for other in selectors.object_seen_elsewhere(actor=actor, obj=obj, limit=50)
            ],
            "sightings": selectors.object_sightings(actor=actor, obj=obj),
            "cited": [cited[ref] for ref in summary.object_refs if ref in cited],
            "cited_hidden": len([ref for ref in summary.object_refs if ref not in cited]),
            "editable": selectors.object_editable(actor=actor, obj=obj),
            "can_write": bool(selectors.collection_ids_writable(actor)),
            "recipient_organisations": recipients[0],
            "recipient_users": [_user_label(person) for person in recipients[1]],
        },
    )


# --- Authoring -----------------------------------------------------------------------------------------


def _sharing_choices(request: HttpRequest, actor: Actor) -> dict[str, Any]:
    return {
        "collections": [(c.alias, c.title) for c in selectors.collections_writable(actor=actor)],
        "organisations": _organisation_choices(request, actor),
        "people": _people_choices(actor),
    }


def _recipients(actor: Actor, form: IndicatorForm | ReportForm) -> tuple[list[Organisation], list[User]]:
    return selectors.recipients_resolve(
        actor=actor,
        organisations=form.cleaned_data.get("recipient_organisations") or [],
        people_ids=[str(pk) for pk in form.cleaned_data.get("recipient_users") or []],
    )


def _refusal_to_form(form: IndicatorForm | ReportForm, exc: ValidationFailed) -> None:
    """Puts each precise refusal beside the field it concerns."""
    if not isinstance(exc, StixRejected):
        form.add_error(None, str(exc))
        return
    for error in exc.errors:
        field = _ERROR_FIELDS.get(error.property, error.property)
        if field == "pattern" and isinstance(form, IndicatorForm) and form.cleaned_data.get("value"):
            field = "value"
        if field in form.fields and field in form.cleaned_data:
            form.add_error(field, error.message)
        else:
            form.add_error(None, f"{error.property}: {error.message}" if error.property else error.message)


def _writable_collection(actor: Actor, alias: str) -> Collection:
    rights = selectors.collection_access_get(actor=actor, key=alias)
    if not rights.can_write:
        raise NotFound
    return rights.collection


@login_required
@require_http_methods(["GET", "POST"])
def indicator_new(request: HttpRequest) -> HttpResponse:
    actor = _intel_actor(request)
    choices = _sharing_choices(request, actor)
    if not choices["collections"]:
        raise NotFound
    initial = {"valid_from": timezone.localtime().replace(second=0, microsecond=0)}
    form = IndicatorForm(request.POST or None, initial=initial, **choices)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                organisations, people = _recipients(actor, form)
                obj = services.indicator_create(
                    actor=actor,
                    collection=_writable_collection(actor, form.cleaned_data["collection"]),
                    draft=form.draft(),
                    recipient_organisations=organisations,
                    recipient_users=people,
                )
            except ValidationFailed as exc:
                _refusal_to_form(form, exc)
            else:
                messages.success(
                    request, _("Indicator “%(name)s” shared.") % {"name": form.cleaned_data["name"]}
                )
                return redirect("intel:object", stix_id=obj.stix_id)
    return render(request, "intel/indicator_form.html", {"form": form, "editing": None}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request: HttpRequest, stix_id: str) -> HttpResponse:
    actor = _intel_actor(request)
    current = selectors.stix_object_get(actor=actor, stix_id=stix_id)
    if current.type != "indicator" or not selectors.object_editable(actor=actor, obj=current):
        raise NotFound
    summary = selectors.object_summarise(current)
    organisations, people = selectors.object_recipients(actor=actor, obj=current)
    choices = _sharing_choices(request, actor)
    choices["collections"] = [(current.collection.alias, current.collection.title)]
    initial = {
        "name": summary.name,
        "description": summary.description,
        "pattern": summary.pattern,
        "valid_from": summary.valid_from and timezone.localtime(summary.valid_from),
        "valid_until": summary.valid_until and timezone.localtime(summary.valid_until),
        "labels": ", ".join(summary.labels),
        "confidence": summary.data.get("confidence"),
        "tlp": current.tlp,
        "collection": current.collection.alias,
        "recipient_organisations": [org.slug for org in organisations],
        "recipient_users": [str(person.pk) for person in people],
    }
    form = IndicatorForm(request.POST or None, initial=initial, **choices)
    form.fields["collection"].disabled = True
    form.fields["collection"].help_text = _("A new version stays in the collection of the current one.")
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                chosen_orgs, chosen_people = _recipients(actor, form)
                services.indicator_update(
                    actor=actor,
                    stix_id=stix_id,
                    draft=form.draft(),
                    recipient_organisations=chosen_orgs,
                    recipient_users=chosen_people,
                )
            except ValidationFailed as exc:
                _refusal_to_form(form, exc)
            else:
                messages.success(request, _("A new version of the indicator was saved."))
                return redirect("intel:object", stix_id=stix_id)
    return render(request, "intel/indicator_form.html", {"form": form, "editing": summary}, status=status)


@login_required
@require_POST
def object_revoke(request: HttpRequest, stix_id: str) -> HttpResponse:
    actor = _intel_actor(request)
    try:
        services.object_revoke(actor=actor, stix_id=stix_id)
    except ValidationFailed as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The object was revoked; its earlier versions stay in the history."))
    return redirect("intel:object", stix_id=stix_id)


@login_required
@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest) -> HttpResponse:
    actor = _intel_actor(request)
    choices = _sharing_choices(request, actor)
    if not choices["collections"]:
        raise NotFound
    candidates = [
        selectors.object_summarise(row) for row in selectors.objects_for_report(actor=actor, limit=300)
    ]
    object_choices = [(s.row.stix_id, f"{s.row.type}: {s.name[:90]}") for s in candidates if s.row.stix_id]
    preset = [ref for ref in request.GET.getlist("ref") if ref]
    known = {value for value, _label in object_choices}
    initial = {
        "published": timezone.localtime().replace(second=0, microsecond=0),
        "object_refs": [ref for ref in preset if ref in known],
        "more_refs": "\n".join(ref for ref in preset if ref not in known),
    }
    form = ReportForm(
        request.POST or None, initial=initial, objects=list(dict.fromkeys(object_choices)), **choices
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                organisations, people = _recipients(actor, form)
                obj = services.report_create(
                    actor=actor,
                    collection=_writable_collection(actor, form.cleaned_data["collection"]),
                    draft=form.draft(),
                    recipient_organisations=organisations,
                    recipient_users=people,
                )
            except ValidationFailed as exc:
                _refusal_to_form(form, exc)
            else:
                messages.success(
                    request, _("Report “%(name)s” shared.") % {"name": form.cleaned_data["name"]}
                )
                return redirect("intel:object", stix_id=obj.stix_id)
    return render(request, "intel/report_form.html", {"form": form}, status=status)


# --- Collections and sharing groups --------------------------------------------------------------------


def _managing(actor: Actor) -> bool:
    return bool(actor.organisations_with(*INTEL_MANAGE_ROLES))


@login_required
@require_GET
def collections(request: HttpRequest) -> HttpResponse:
    actor = _intel_actor(request)
    return render(
        request,
        "intel/collections.html",
        {"rows": selectors.collections_with_rights(actor=actor), "can_create": _managing(actor)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def collection_new(request: HttpRequest) -> HttpResponse:
    actor = _intel_actor(request)
    language = _language(request)
    owners = list(
        selectors.sharing_organisations(actor=actor).filter(
            pk__in=actor.organisations_with(*INTEL_MANAGE_ROLES)
        )
    )
    if not owners:
        raise NotFound
    form = CollectionForm(
        request.POST or None, owners=[(org.slug, org.display_name(language)) for org in owners]
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                collection = services.collection_create(
                    actor=actor,
                    owner=next(org for org in owners if org.slug == data["owner"]),
                    alias=data["alias"],
                    title=data["title"],
                    description=data["description"],
                    default_tlp=data["default_tlp"],
                    max_tlp=data["max_tlp"],
                )
            except ValidationFailed as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Collection “%(title)s” created.") % {"title": collection.title})
                return redirect("intel:collection", alias=collection.alias)
    return render(request, "intel/collection_form.html", {"form": form}, status=status)


def _collection_context(request: HttpRequest, actor: Actor, alias: str) -> dict[str, Any]:
    rights = selectors.collection_access_get(actor=actor, key=alias)
    collection = rights.collection
    context: dict[str, Any] = {"rights": rights, "collection": collection, "can_manage": False}
    try:
        selectors.require_manage(actor, collection)
    except NotFound:
        return context
    language = _language(request)
    red = selectors.collection_red_recipients(actor=actor, collection=collection)
    audience = selectors.collection_audience_people(actor=actor, collection=collection)
    people = {person.pk: person for person in [*audience, *red]}
    context.update(
        can_manage=True,
        grants=list(selectors.collection_grants(actor=actor, collection=collection)),
        red_recipients=[_user_label(person) for person in red],
        grant_form=GrantForm(
            organisations=_organisation_choices(request, actor),
            groups=[(group.slug, group.name) for group in selectors.sharing_groups_visible(actor=actor)],
            prefix="grant",
        ),
        red_form=RedRecipientsForm(
            initial={"users": [str(person.pk) for person in red]},
            people=[(str(pk), f"{_user_label(p)} <{p.email}>") for pk, p in people.items()],
            prefix="red",
        ),
        language=language,
    )
    return context


@login_required
@require_GET
def collection_detail(request: HttpRequest, alias: str) -> HttpResponse:
    actor = _intel_actor(request)
    return render(request, "intel/collection_detail.html", _collection_context(request, actor, alias))


@login_required
@require_POST
def collection_grant(request: HttpRequest, alias: str) -> HttpResponse:
    actor = _intel_actor(request)
    collection = selectors.collection_managed_get(actor=actor, key=alias)
    organisations = {org.slug: org for org in selectors.sharing_organisations(actor=actor)}
    groups = {group.slug: group for group in selectors.sharing_groups_visible(actor=actor)}
    form = GrantForm(
        request.POST,
        organisations=[(slug, str(org)) for slug, org in organisations.items()],
        groups=[(slug, group.name) for slug, group in groups.items()],
        prefix="grant",
    )
    if not form.is_valid():
        messages.error(request, _("Choose an organisation or a sharing group, and the access to give."))
        return redirect("intel:collection", alias=alias)
    kind, _sep, slug = form.cleaned_data["grantee"].partition(":")
    access = form.cleaned_data["access"]
    try:
        services.collection_grant_set(
            actor=actor,
            collection=collection,
            organisation=organisations[slug] if kind == "org" else None,
            group=groups[slug] if kind == "group" else None,
            can_read=access in ("read", "write"),
            can_write=access == "write",
        )
    except ValidationFailed as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Access updated."))
    return redirect("intel:collection", alias=alias)


@login_required
@require_POST
def collection_red(request: HttpRequest, alias: str) -> HttpResponse:
    actor = _intel_actor(request)
    collection = selectors.collection_managed_get(actor=actor, key=alias)
    candidates = {
        person.pk: person
        for person in [
            *selectors.collection_audience_people(actor=actor, collection=collection),
            *selectors.collection_red_recipients(actor=actor, collection=collection),
        ]
    }
    form = RedRecipientsForm(
        request.POST, people=[(str(pk), _user_label(p)) for pk, p in candidates.items()], prefix="red"
    )
    if not form.is_valid():
        messages.error(request, _("Choose people from the list."))
        return redirect("intel:collection", alias=alias)
    chosen = [candidates[int(pk)] for pk in form.cleaned_data["users"]]
    services.collection_red_recipients_set(actor=actor, collection=collection, users=chosen)
    messages.success(request, _("TLP:RED recipients updated."))
    return redirect("intel:collection", alias=alias)


@login_required
@require_http_methods(["GET", "POST"])
def groups(request: HttpRequest) -> HttpResponse:
    actor = _intel_actor(request)
    organisations = {org.slug: org for org in selectors.sharing_organisations(actor=actor)}
    language = _language(request)
    form = SharingGroupForm(
        request.POST or None,
        organisations=[(slug, org.display_name(language)) for slug, org in organisations.items()],
    )
    status = 200
    if request.method == "POST":
        if not _managing(actor):
            raise NotFound
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                group = services.sharing_group_create(
                    actor=actor,
                    slug=data["slug"],
                    name=data["name"],
                    description=data["description"],
                    organisations=[organisations[slug] for slug in data["organisations"]],
                )
            except ValidationFailed as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Sharing group “%(name)s” created.") % {"name": group.name})
                return redirect("intel:groups")
    return render(
        request,
        "intel/groups.html",
        {
            "groups": selectors.sharing_groups_visible(actor=actor),
            "form": form,
            "can_create": _managing(actor),
        },
        status=status,
    )
