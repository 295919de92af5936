"""Operations, the persons arrested in them and their arrests, and the screenings they owe."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from lionrock.core.accounts import access
from lionrock.core.accounts.access import Actor, NotFound
from lionrock.core.accounts.roles import Role
from lionrock.core.audit import services as audit
from lionrock.immigration.enforcement.encryption import blind_indexes
from lionrock.immigration.enforcement.models import (
    Arrest,
    IdentityDocument,
    Offence,
    Operation,
    Person,
    Premises,
    ScreeningOwed,
)
from lionrock.immigration.enforcement.normalise import (
    identity_document_check,
    text_clean,
)

# --- Operations, persons, arrests ----------------------------------------------------------------------


def _enforcement_organisations(actor: Actor) -> frozenset[int]:
    organisations = actor.organisations_with(Role.ENFORCEMENT_OFFICER)
    if actor.user is None or not organisations:
        raise NotFound
    return organisations


def operations_visible(*, actor: Actor) -> QuerySet[Operation]:
    return Operation.objects.filter(organisation_id__in=_enforcement_organisations(actor))


def operations_list(*, actor: Actor, status: str = "") -> QuerySet[Operation]:
    operations = operations_visible(actor=actor).select_related("lead_officer")
    if status:
        operations = operations.filter(status=status)
    return operations.annotate(
        premises_count=Count("premises", distinct=True), arrests_count=Count("arrests", distinct=True)
    ).order_by("-planned_start")


def _count_of(model: type[Premises] | type[Arrest]) -> Coalesce:
    """How many rows of `model` name the operation, as a correlated subquery."""
    rows = model.objects.filter(operation=OuterRef("pk")).order_by().values("operation")
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")), 0)


def operations_page(
    *, actor: Actor, status: str = "", older_than: int | None = None, size: int = 50
) -> tuple[list[Operation], int | None]:
    """A page of operations, latest planned first, after the operation `older_than` (keyset: any page costs
    what the first does), each with its premises and arrests counted; with the operation to continue
    after, None on the last page. Only the page's operations are counted: the counts are subqueries
    evaluated for the rows read in order from the (organisation, planned_start) index, not a grouping of
    every operation and arrest of the department before the page is cut."""
    operations = operations_visible(actor=actor)
    if status:
        operations = operations.filter(status=status)
    if older_than is not None:
        mark = operations.filter(pk=older_than).values_list("planned_start", flat=True).first()
        if mark is not None:
            operations = operations.filter(
                Q(planned_start__lt=mark) | Q(planned_start=mark, pk__lt=older_than)
            )
    rows: list[Operation] = list(
        operations.select_related("lead_officer")
        .annotate(premises_count=_count_of(Premises), arrests_count=_count_of(Arrest))
        .order_by("-planned_start", "-pk")[: size + 1]
    )
    more = len(rows) > size
    rows = rows[:size]
    return rows, (rows[-1].pk if more else None)


def operations_open(*, actor: Actor, organisation_id: int) -> QuerySet[Operation]:
    """Operations a report can still be linked to."""
    return (
        operations_visible(actor=actor)
        .filter(organisation_id=organisation_id)
        .exclude(status=Operation.Status.CLOSED)
    )


def operation_get(*, actor: Actor, operation_id: int) -> Operation:
    operation = (
        operations_visible(actor=actor)
        .select_related("lead_officer")
        .prefetch_related("premises")
        .filter(pk=operation_id)
        .first()
    )
    if operation is None:
        raise NotFound(operation_id)
    return operation


def operation_arrests(
    *, actor: Actor, operation: Operation, purpose: str = "operation record"
) -> list[Arrest]:
    """The operation's arrests with persons, premises and offences; names are personal data, so audited."""
    access.require(actor, Role.ENFORCEMENT_OFFICER, organisation=operation.organisation_id)
    arrests = list(
        Arrest.objects.filter(operation=operation)
        .select_related("person", "premises", "screening_owed")
        .prefetch_related(Prefetch("offences", queryset=Offence.objects.order_by("code")))
        .order_by("arrested_at", "pk")
    )
    if arrests:
        audit.record_read(
            actor=actor,
            target_type="enforcement.person",
            target_ids=[arrest.person_id for arrest in arrests],
            purpose=purpose,
        )
    return arrests


def arrest_get(*, actor: Actor, arrest_id: int) -> Arrest:
    arrest = (
        Arrest.objects.filter(operation__organisation_id__in=_enforcement_organisations(actor), pk=arrest_id)
        .select_related("operation", "person")
        .first()
    )
    if arrest is None:
        raise NotFound(arrest_id)
    return arrest


def persons_visible(*, actor: Actor) -> QuerySet[Person]:
    return Person.objects.filter(organisation_id__in=_enforcement_organisations(actor))


def person_get(*, actor: Actor, person_id: int, purpose: str = "person record") -> Person:
    """One person with documents and arrests; the read is audited."""
    person = (
        persons_visible(actor=actor)
        .prefetch_related(
            "documents",
            Prefetch(
                "arrests", queryset=Arrest.objects.select_related("operation").prefetch_related("offences")
            ),
        )
        .filter(pk=person_id)
        .first()
    )
    if person is None:
        raise NotFound(person_id)
    audit.record_read(actor=actor, target_type="enforcement.person", target_ids=[person.pk], purpose=purpose)
    return person


def person_possible_duplicates(*, actor: Actor, person: Person) -> list[Person]:
    """Other persons of the department with the same document, or the same name and date of birth.

    Their names are shown beside the person's record, so listing them is an audited read of their records
    too, not only of the person whose page is open.
    """
    indexes = list(person.documents.values_list("number_index", flat=True))
    match = Q(documents__number_index__in=indexes) if indexes else Q()
    if person.normalised_name.strip("|"):
        same_name = Q(normalised_name=person.normalised_name)
        if person.date_of_birth:
            same_name &= Q(date_of_birth=person.date_of_birth)
        else:
            same_name &= Q(nationality=person.nationality)
        match |= same_name
    if not match:
        return []
    duplicates = list(
        persons_visible(actor=actor)
        .filter(organisation_id=person.organisation_id)
        .filter(match)
        .exclude(pk=person.pk)
        .distinct()[:10]
    )
    if duplicates:
        audit.record_read(
            actor=actor,
            target_type="enforcement.person",
            target_ids=[other.pk for other in duplicates],
            purpose="possible duplicates",
        )
    return duplicates


def persons_flagged_as_possible_duplicates(*, actor: Actor, persons: list[Person]) -> set[int]:
    """Which of these persons may be recorded twice: a shared document, or the same name and birth date
    (or name and nationality when no birth date is known). A fixed number of queries for any number."""
    if not persons:
        return set()
    visible = persons_visible(actor=actor)
    organisations = _enforcement_organisations(actor)
    ids = [person.pk for person in persons]
    flagged: set[int] = set()
    owners: dict[str, set[int]] = {}
    for index, pid in IdentityDocument.objects.filter(person_id__in=ids).values_list(
        "number_index", "person_id"
    ):
        owners.setdefault(index, set()).add(pid)
    if owners:
        elsewhere = set(
            # A join on the person, not "person in (every visible person)": that list is the department.
            IdentityDocument.objects.filter(
                number_index__in=list(owners), person__organisation_id__in=organisations
            )
            .exclude(person_id__in=ids)
            .values_list("number_index", flat=True)
        )
        for index, pids in owners.items():
            if len(pids) > 1 or index in elsewhere:
                flagged |= pids
    # Same name and the same birth date, or the same name, no birth date and the same nationality: asked
    # of the database as exact pairs, so a common name costs an index probe, not a read of everyone with it.
    keys: dict[tuple[str, date | None, str], set[int]] = {}
    same = Q()
    for person in persons:
        if not person.normalised_name.strip("|"):
            continue
        born = person.date_of_birth
        nationality = "" if born else person.nationality
        keys.setdefault((person.normalised_name, born, nationality), set()).add(person.pk)
        if born:
            same |= Q(normalised_name=person.normalised_name, date_of_birth=born)
        else:
            same |= Q(normalised_name=person.normalised_name, date_of_birth=None, nationality=nationality)
    if same:
        for other_pk, name, born, nationality in visible.filter(same).values_list(
            "pk", "normalised_name", "date_of_birth", "nationality"
        ):
            flagged |= keys.get((name, born, "" if born else nationality), set()) - {other_pk}
    return flagged


def identity_documents_of(*, actor: Actor, person: Person) -> list[IdentityDocument]:
    access.require(actor, Role.ENFORCEMENT_OFFICER, organisation=person.organisation_id)
    return list(person.documents.all())


def premises_get(*, actor: Actor, operation: Operation, premises_id: int) -> Premises:
    """One place of an operation the actor may see; premises of another operation are not found."""
    access.require(actor, Role.ENFORCEMENT_OFFICER, organisation=operation.organisation_id)
    premises = (
        Premises.objects.filter(operation=operation, pk=premises_id).select_related("operation").first()
    )
    if premises is None:
        raise NotFound(premises_id)
    return premises


PERSON_SEARCH_MIN_LENGTH = 2
PERSON_SEARCH_LIMIT = 20
_NAME_SEPARATORS = re.compile(r"[\s,.\-]+")


def _document_indexes(query: str) -> list[str]:
    """The keyed hashes a document number typed in any usual way would be stored under, for every kind.

    A number is stored normalised as its kind's check left it (A123456(3); L898902C3), or as typed in
    capitals when the check failed; each reading is hashed, so nothing is ever decrypted to search.
    """
    typed = text_clean(query)
    indexes: list[str] = []
    for kind in IdentityDocument.Kind.values:
        normalised, _result, _note = identity_document_check(kind=kind, number=typed)
        for reading in dict.fromkeys((normalised, typed.upper(), typed)):
            indexes.extend(blind_indexes(f"{kind}:{reading}"))
    return indexes


def persons_search(
    *, actor: Actor, organisation_id: int, query: str, limit: int = PERSON_SEARCH_LIMIT
) -> list[Person]:
    """Persons of the department by name (English words in any order, or Chinese) or by the number of a
    document they hold, to choose an existing record at an arrest. Showing the matches is an audited read.

    A query shorter than two characters finds nobody, so the list of persons cannot be read by searching
    for "a".
    """
    access.require(actor, Role.ENFORCEMENT_OFFICER, organisation=organisation_id)
    query = unicodedata.normalize("NFKC", query).strip()[:100]
    if len(query) < PERSON_SEARCH_MIN_LENGTH:
        return []
    words = [word for word in _NAME_SEPARATORS.split(query.casefold()) if word]
    match = Q()
    if words:
        by_name = Q()
        for word in words:
            by_name &= Q(normalised_name__contains=word)
        match |= by_name
    if any(character.isdigit() for character in query):
        match |= Q(
            pk__in=IdentityDocument.objects.filter(number_index__in=_document_indexes(query)).values(
                "person_id"
            )
        )
    found = list(
        persons_visible(actor=actor)
        .filter(organisation_id=organisation_id)
        .filter(match)
        .prefetch_related(
            Prefetch(
                "arrests",
                queryset=Arrest.objects.select_related("operation").order_by("-arrested_at"),
            )
        )
        .order_by("name_en", "name_zh", "pk")[:limit]
    )
    if found:
        audit.record_read(
            actor=actor,
            target_type="enforcement.person",
            target_ids=[person.pk for person in found],
            purpose="arrest: choosing an existing person",
        )
    return found


# --- The screening hook ---------------------------------------------------------------------------------


def screenings_owed(*, actor: Actor, include_fulfilled: bool = False) -> QuerySet[ScreeningOwed]:
    """Persons awaiting an initial TIP / FL screening, soonest due first; for enforcement and screening."""
    organisations = actor.organisations_with(
        Role.ENFORCEMENT_OFFICER, Role.SCREENING_OFFICER, Role.SCREENING_SUPERVISOR
    )
    if actor.user is None or not organisations:
        raise NotFound
    owed = ScreeningOwed.objects.filter(organisation_id__in=organisations).select_related(
        "person", "arrest", "arrest__operation"
    )
    if not include_fulfilled:
        owed = owed.filter(fulfilled_at__isnull=True)
    return owed.order_by("due_at", "pk")


def screenings_owed_read(
    *, actor: Actor, limit: int = 500, purpose: str = "screening list"
) -> list[ScreeningOwed]:
    """The list as shown to people: names are personal data, so the read is audited."""
    return screenings_owed_page(actor=actor, size=limit, purpose=purpose)[0]


def screenings_owed_page(
    *, actor: Actor, after: int | None = None, size: int = 50, purpose: str = "screening list"
) -> tuple[list[ScreeningOwed], int | None]:
    """A page of the persons awaiting screening, soonest due first, after the owed screening `after`
    (keyset: any page costs what the first does); with the one to continue after, None on the last page.
    Only the rows shown are recorded as read."""
    rows = screenings_owed(actor=actor)
    if after is not None:
        mark = rows.filter(pk=after).values_list("due_at", flat=True).first()
        if mark is not None:
            rows = rows.filter(Q(due_at__gt=mark) | Q(due_at=mark, pk__gt=after))
    owed = list(rows[: size + 1])
    more = len(owed) > size
    owed = owed[:size]
    if owed:
        audit.record_read(
            actor=actor,
            target_type="enforcement.person",
            target_ids=[item.person_id for item in owed],
            purpose=purpose,
        )
    return owed, (owed[-1].pk if more else None)


def screenings_owed_count(*, actor: Actor) -> int:
    try:
        return screenings_owed(actor=actor).count()
    except NotFound:
        return 0


def person_export(*, actor: Actor, person_id: int) -> dict[str, object]:
    """Everything held on one person, for a subject access request; the read is audited as such."""
    person = person_get(actor=actor, person_id=person_id, purpose="subject access export")
    return {
        "person": {
            "id": person.pk,
            "name_en": person.name_en,
            "name_zh": person.name_zh,
            "sex": person.sex,
            "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
            "age_estimate": person.age_estimate,
            "nationality": person.nationality,
            "status_category": person.status_category,
            "recorded_at": person.created_at.isoformat(),
        },
        "identity_documents": [
            {
                "kind": document.kind,
                "number": document.number,
                "issuing_country": document.issuing_country,
                "expiry_date": document.expiry_date.isoformat() if document.expiry_date else None,
                "format_check": document.format_check,
                "check_note": document.check_note,
            }
            for document in person.documents.all()
        ],
        "arrests": [
            {
                "operation": arrest.operation.codename,
                "arrested_at": arrest.arrested_at.isoformat(),
                "role": arrest.role,
                "offences": [offence.section for offence in arrest.offences.all()],
                "stage": arrest.stage,
                "plea": arrest.plea,
                "fine_hkd": arrest.fine_hkd,
                "imprisonment_months": arrest.imprisonment_months,
                "suspended": arrest.suspended,
            }
            for arrest in person.arrests.all()
        ],
        "screenings_owed": [
            {"due_at": owed.due_at.isoformat(), "fulfilled": owed.fulfilled_at is not None}
            for owed in person.screenings_owed.all()
        ],
    }
