"""Every write of publishing records: drafting from a record, editing, the four-eyes approval that
freezes a numbered version, publication at the embargo, corrections, templates and meetings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lionrock.core.accounts.access import Actor, NotFound
from lionrock.core.accounts.models import Organisation
from lionrock.core.accounts.roles import Role
from lionrock.core.audit import services as audit
from lionrock.core.errors import ValidationFailed
from lionrock.core.workflow import Workflow
from lionrock.cyber.drills.models import Exercise
from lionrock.cyber.events.models import Event
from lionrock.immigration.enforcement.models import Operation
from lionrock.publishing import notices, selectors
from lionrock.publishing.generator import (
    Source,
    draft_generate,
    language_clean,
    source_kind,
    template_validate,
)
from lionrock.publishing.models import Meeting, PressRelease, ReleaseTemplate, ReleaseVersion, SourceKind
from lionrock.publishing.operation_facts import personal_terms

__all__ = [
    "MeetingDetails",
    "meeting_create",
    "release_approve",
    "release_correction_start",
    "release_draft_create",
    "release_publish_due",
    "release_publish_now",
    "release_regenerate",
    "release_return",
    "release_submit",
    "release_update",
    "template_save",
]

_TITLE_MAX = 300

S = PressRelease.State
RELEASE_FLOW = Workflow(
    action="publishing.release.state",
    field="state",
    steps={
        S.DRAFT: {S.SUBMITTED},
        S.SUBMITTED: {S.DRAFT, S.SCHEDULED, S.PUBLISHED},
        S.SCHEDULED: {S.PUBLISHED, S.DRAFT},
        S.PUBLISHED: {S.DRAFT},
    },
    refusal=gettext_lazy("A release cannot go from %(before)s to %(after)s."),
)


def _require_press(actor: Actor, organisation_id: int) -> None:
    if not selectors.press_organisations(actor=actor).filter(pk=organisation_id).exists():
        raise NotFound(organisation_id)


def _require_owner_press(actor: Actor, release: PressRelease) -> None:
    """Approving, returning and lifting an embargo stay with the agency that owns the record: the
    information service drafts and submits for an agency, never decides for it (docs/decisions/0015)."""
    _require_press(actor, release.organisation_id)
    if not actor.has_role(Role.PRESS_OFFICER, release.organisation_id):
        raise ValidationFailed(
            _(
                "Only a press officer of the agency whose record the release announces may approve it, "
                "return it or publish it early; the information service drafts and submits for the agency."
            )
        )


def _reference_next(year: int) -> str:
    prefix = f"PR-{year}-"
    taken = PressRelease.objects.filter(reference__startswith=prefix).values_list("reference", flat=True)
    highest = max((int(ref[len(prefix) :]) for ref in taken if ref[len(prefix) :].isdigit()), default=0)
    return f"{prefix}{highest + 1:04d}"


def _source_read(actor: Actor, release: PressRelease) -> Source:
    """The record a release is drawn from, as the generator reads it: drills and events through their own
    selectors, for this press officer."""
    if release.exercise is not None:
        return selectors.drill_record_read(actor=actor, exercise=release.exercise)
    if release.event is not None:
        return selectors.event_record_read(actor=actor, event=release.event)
    source = release.operation or release.meeting
    assert source is not None
    return source


def _generate_both(release: PressRelease, source: Source) -> None:
    generated = {}
    for language, place in (("en", release.place_en), ("zh-hant", release.place_zh)):
        draft = draft_generate(source=source, language=language, release_at=release.release_at, place=place)
        generated[language] = draft.as_json()
        if language == "en":
            release.title_en, release.body_en, release.template_en = (
                draft.rendered.title[:_TITLE_MAX],
                draft.rendered.body,
                draft.template,
            )
        else:
            release.title_zh, release.body_zh, release.template_zh = (
                draft.rendered.title[:_TITLE_MAX],
                draft.rendered.body,
                draft.template,
            )
    release.generated = generated


@transaction.atomic
def release_draft_create(
    *,
    actor: Actor,
    release_at: datetime,
    operation: Operation | None = None,
    meeting: Meeting | None = None,
    exercise: Exercise | None = None,
    event: Event | None = None,
    place_en: str = "",
    place_zh: str = "",
) -> PressRelease:
    """Generates the draft in English and Chinese from one operation, meeting, finished drill or major
    event, dated `release_at` (the embargo: the law in force and "today" are told from that date)."""
    if timezone.is_naive(release_at):
        release_at = timezone.make_aware(release_at)  # Hong Kong time, as the forms and the command take it
    chosen = [record for record in (operation, meeting, exercise, event) if record is not None]
    if len(chosen) != 1:
        raise ValidationFailed(_("Choose one operation, meeting, drill or major event to announce."))
    organisation_id = exercise.organiser_id if exercise else event.organiser_id if event else None
    if organisation_id is None:
        organisation_id = (operation or meeting).organisation_id  # type: ignore[union-attr]
    _require_press(actor, organisation_id)
    if operation is not None and operation.status == Operation.Status.PLANNED:
        raise ValidationFailed(_("An operation is announced once it has been carried out."))
    if exercise is not None and exercise.status not in (Exercise.Status.ENDED, Exercise.Status.CLOSED):
        raise ValidationFailed(_("A drill is announced once it has ended."))
    if event is not None and event.starts_on > timezone.localtime(release_at).date():
        raise ValidationFailed(_("A major event's summary is released from the event's first day."))
    assert actor.user is not None
    release = PressRelease(
        organisation_id=organisation_id,
        reference=_reference_next(timezone.localtime(release_at).year),
        operation=operation,
        meeting=meeting,
        exercise=exercise,
        event=event,
        release_at=release_at,
        place_en=place_en.strip()[:300],
        place_zh=place_zh.strip()[:300],
        drafted_by=actor.user,
    )
    source = _source_read(actor, release)
    release.kind = source_kind(source)
    _generate_both(release, source)
    release.save()
    audit.record(
        actor=actor,
        action="publishing.release.draft",
        target=release,
        changes={"kind": release.kind, "source": chosen[0].pk, "release_at": release_at.isoformat()},
    )
    return release


def _require_state(release: PressRelease, *states: str, message: str) -> None:
    if release.state not in states:
        raise ValidationFailed(message)


@transaction.atomic
def release_regenerate(*, actor: Actor, release: PressRelease) -> PressRelease:
    """Drafts the text again from the record as it stands now; edits to the working copy are replaced."""
    _require_press(actor, release.organisation_id)
    _require_state(release, PressRelease.State.DRAFT, message=_("Only a draft can be generated again."))
    _generate_both(release, _source_read(actor, release))
    release.updated_at = timezone.now()
    release.save()
    audit.record(actor=actor, action="publishing.release.regenerate", target=release)
    return release


def _personal_check(release: PressRelease, texts: list[str]) -> None:
    if release.operation_id is None:
        return
    assert release.operation is not None
    terms = personal_terms(release.operation)
    joined = "\n".join(texts).casefold()
    if any(term.casefold() in joined for term in terms):
        raise ValidationFailed(
            _(
                "The text names a person arrested in this operation or gives a document number: nothing "
                "personal may be published."
            )
        )


@transaction.atomic
def release_update(
    *,
    actor: Actor,
    release: PressRelease,
    title_en: str,
    title_zh: str,
    body_en: str,
    body_zh: str,
    release_at: datetime | None = None,
    change_note_en: str = "",
    change_note_zh: str = "",
) -> PressRelease:
    """The press officer's edit of a draft. A published version never changes: start a correction."""
    _require_press(actor, release.organisation_id)
    _require_state(
        release,
        PressRelease.State.DRAFT,
        message=_("Only a draft can be edited; a published release is changed by a correction."),
    )
    values = {
        "title_en": title_en.strip(),
        "title_zh": title_zh.strip(),
        "body_en": body_en.strip().replace("\r\n", "\n"),
        "body_zh": body_zh.strip().replace("\r\n", "\n"),
        "change_note_en": change_note_en.strip(),
        "change_note_zh": change_note_zh.strip(),
    }
    if not all(values[name] for name in ("title_en", "title_zh", "body_en", "body_zh")):
        raise ValidationFailed(_("Both languages need a title and a text."))
    if len(values["title_en"]) > _TITLE_MAX or len(values["title_zh"]) > _TITLE_MAX:
        raise ValidationFailed(_("A title is at most 300 characters."))
    if len(values["change_note_en"]) > 500 or len(values["change_note_zh"]) > 500:
        raise ValidationFailed(_("A correction note is at most 500 characters."))
    _personal_check(release, [values["title_en"], values["title_zh"], values["body_en"], values["body_zh"]])
    changes: dict[str, object] = {}
    for name, value in values.items():
        if getattr(release, name) != value:
            setattr(release, name, value)
            changes[name] = value
    if release_at is not None and release_at != release.release_at:
        release.release_at = release_at
        changes["release_at"] = release_at.isoformat()
    if changes:
        release.updated_at = timezone.now()
        release.save()
        audit.record(actor=actor, action="publishing.release.update", target=release, changes=changes)
    return release


@transaction.atomic
def release_submit(*, actor: Actor, release: PressRelease) -> PressRelease:
    """Sends the draft for approval by a second press officer."""
    _require_press(actor, release.organisation_id)
    _require_state(release, PressRelease.State.DRAFT, message=_("Only a draft can be submitted."))
    if release.versions.exists() and not (release.change_note_en and release.change_note_zh):
        raise ValidationFailed(
            _("A correction says what it changes, in both languages, before it is submitted.")
        )
    assert actor.user is not None
    release.submitted_by = actor.user
    release.updated_at = timezone.now()
    RELEASE_FLOW.move(
        actor=actor,
        record=release,
        to=S.SUBMITTED,
        update_fields=["submitted_by", "updated_at"],
        action="publishing.release.submit",
    )
    transaction.on_commit(lambda: notices.release_submitted(actor=actor, release=release))
    return release


@transaction.atomic
def release_return(*, actor: Actor, release: PressRelease, reason: str) -> PressRelease:
    """The approver sends the release back to draft, saying why."""
    _require_owner_press(actor, release)
    _require_state(
        release, PressRelease.State.SUBMITTED, message=_("Only a release awaiting approval can be returned.")
    )
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(_("Say why the release goes back to its drafter."))
    release.updated_at = timezone.now()
    RELEASE_FLOW.move(
        actor=actor,
        record=release,
        to=S.DRAFT,
        reason=reason,
        update_fields=["updated_at"],
        action="publishing.release.return",
    )
    transaction.on_commit(lambda: notices.release_decided(actor=actor, release=release, approved=False))
    return release


@transaction.atomic
def release_approve(*, actor: Actor, release: PressRelease) -> ReleaseVersion:
    """A second press officer approves: the text is frozen as the next numbered version, public from the
    release time (or at once when that time has passed)."""
    _require_owner_press(actor, release)
    assert actor.user is not None
    if actor.user.pk in (release.drafted_by_id, release.submitted_by_id):
        raise ValidationFailed(
            _("A release is approved by a second press officer, never by its drafter or submitter.")
        )
    _require_state(
        release, PressRelease.State.SUBMITTED, message=_("Only a submitted release can be approved.")
    )
    _personal_check(release, [release.title_en, release.title_zh, release.body_en, release.body_zh])
    now = timezone.now()
    number = (release.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    version = ReleaseVersion.objects.create(
        release=release,
        number=number,
        title_en=release.title_en,
        title_zh=release.title_zh,
        body_en=release.body_en,
        body_zh=release.body_zh,
        change_note_en=release.change_note_en if number > 1 else "",
        change_note_zh=release.change_note_zh if number > 1 else "",
        published_at=max(release.release_at, now),
        approved_by=actor.user,
    )
    release.approved_by = actor.user
    release.approved_at = now
    release.updated_at = now
    RELEASE_FLOW.move(
        actor=actor,
        record=release,
        to=S.PUBLISHED if version.published_at <= now else S.SCHEDULED,
        reason=f"version {number}",
        update_fields=["approved_by", "approved_at", "updated_at"],
        action="publishing.release.approve",
    )
    transaction.on_commit(lambda: notices.release_decided(actor=actor, release=release, approved=True))
    return version


@transaction.atomic
def release_publish_now(*, actor: Actor, release: PressRelease) -> ReleaseVersion:
    """Lifts the embargo of an approved release: its frozen version is public from now."""
    _require_owner_press(actor, release)
    if release.state != PressRelease.State.SCHEDULED:
        raise ValidationFailed(_("Only an approved release waiting for its time can be published now."))
    version = release.versions.order_by("-number").first()
    assert version is not None
    now = timezone.now()
    ReleaseVersion.objects.filter(pk=version.pk).update(published_at=now)
    release.updated_at = now
    RELEASE_FLOW.move(
        actor=actor,
        record=release,
        to=S.PUBLISHED,
        reason=f"version {version.number}, embargo lifted",
        update_fields=["updated_at"],
        action="publishing.release.publish",
    )
    version.refresh_from_db()
    return version


@transaction.atomic
def release_publish_due(*, now: datetime | None = None) -> int:
    """Marks as published the scheduled releases whose time has come (the public already sees them)."""
    now = now or timezone.now()
    # Ids first: PostgreSQL refuses FOR UPDATE together with the DISTINCT a join to the versions needs.
    ids = set(
        ReleaseVersion.objects.filter(
            published_at__lte=now, release__state=PressRelease.State.SCHEDULED
        ).values_list("release_id", flat=True)
    )
    due = list(
        PressRelease.objects.select_for_update().filter(pk__in=ids, state=PressRelease.State.SCHEDULED)
    )
    for release in due:
        release.updated_at = now
        RELEASE_FLOW.move(
            actor=None,
            record=release,
            to=S.PUBLISHED,
            reason="release time reached",
            update_fields=["updated_at"],
            action="publishing.release.publish",
            actor_label="scheduler",
        )
    return len(due)


@transaction.atomic
def release_correction_start(*, actor: Actor, release: PressRelease) -> PressRelease:
    """Reopens a published release's working copy for a correction; the public keeps the published
    version until the correction is approved as the next one."""
    _require_press(actor, release.organisation_id)
    _require_state(
        release,
        PressRelease.State.PUBLISHED,
        PressRelease.State.SCHEDULED,
        message=_("Only a published or scheduled release can be corrected."),
    )
    release.change_note_en = release.change_note_zh = ""
    release.submitted_by = None
    release.updated_at = timezone.now()
    RELEASE_FLOW.move(
        actor=actor,
        record=release,
        to=S.DRAFT,
        reason="correction",
        update_fields=["change_note_en", "change_note_zh", "submitted_by", "updated_at"],
        action="publishing.release.correction",
    )
    return release


# --- Templates ---------------------------------------------------------------------------------------------


@transaction.atomic
def template_save(
    *,
    actor: Actor,
    kind: str,
    language: str,
    title: str,
    body: str,
    phrases: dict[str, str],
    note: str,
    organisation: Organisation,
) -> ReleaseTemplate:
    """Saves the agency's next version of a template, once it passes the check; nothing is saved otherwise."""
    _require_press(actor, organisation.pk)
    if kind not in SourceKind.values:
        raise ValidationFailed(_("Choose the kind of release from the list."))
    language = language_clean(language)
    title, body = title.strip(), body.strip().replace("\r\n", "\n")
    template_validate(kind=kind, title=title, body=body, phrases=phrases)
    latest = ReleaseTemplate.objects.filter(
        kind=kind, language=language, organisation=organisation
    ).aggregate(top=Max("version"))["top"]
    default = ReleaseTemplate.objects.filter(
        kind=kind, language=language, organisation__isnull=True
    ).aggregate(top=Max("version"))["top"]
    template = ReleaseTemplate.objects.create(
        organisation=organisation,
        kind=kind,
        language=language,
        version=max(latest or 0, default or 0) + 1,
        title=title,
        body=body,
        phrases=phrases,
        note=note.strip()[:300],
        created_by=actor.user,
    )
    audit.record(
        actor=actor,
        action="publishing.template.save",
        target=template,
        changes={"kind": kind, "language": language, "version": template.version},
    )
    return template


# --- Meetings ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingDetails:
    held_on: date
    name_en: str
    name_zh: str
    convened_by_en: str
    convened_by_zh: str
    topics_en: str
    topics_zh: str
    attendees_en: str = ""
    attendees_zh: str = ""
    follow_up_en: str = ""
    follow_up_zh: str = ""
    quotes: tuple[dict[str, str], ...] = ()


@transaction.atomic
def meeting_create(
    *,
    actor: Actor,
    organisation: Organisation,
    details: MeetingDetails,
    attendees: list[Organisation] = [],  # noqa: B006
) -> Meeting:
    """Records a meeting a release may announce; quotes are the press officer's, attributed by name."""
    _require_press(actor, organisation.pk)
    required = ("name_en", "name_zh", "convened_by_en", "convened_by_zh", "topics_en", "topics_zh")
    if not all(str(getattr(details, name)).strip() for name in required):
        raise ValidationFailed(
            _("Give the meeting's name, who convened it and its topics in both languages.")
        )
    if details.held_on > timezone.localdate():
        raise ValidationFailed(_("A meeting is announced once it has been held."))
    quotes = []
    for item in details.quotes:
        quote = {
            key: str(item.get(key, "")).strip()
            for key in ("speaker_en", "speaker_zh", "quote_en", "quote_zh")
        }
        if not all(quote.values()):
            raise ValidationFailed(_("A quote names its speaker and gives the words in both languages."))
        quotes.append(quote)
    meeting = Meeting.objects.create(
        organisation=organisation,
        held_on=details.held_on,
        name_en=details.name_en.strip(),
        name_zh=details.name_zh.strip(),
        convened_by_en=details.convened_by_en.strip(),
        convened_by_zh=details.convened_by_zh.strip(),
        attendees_en=details.attendees_en.strip(),
        attendees_zh=details.attendees_zh.strip(),
        topics_en=details.topics_en.strip(),
        topics_zh=details.topics_zh.strip(),
        follow_up_en=details.follow_up_en.strip(),
        follow_up_zh=details.follow_up_zh.strip(),
        quotes=quotes,
        created_by=actor.user,
    )
    meeting.attendees.set(attendees)
    audit.record(actor=actor, action="publishing.meeting.create", target=meeting)
    return meeting
