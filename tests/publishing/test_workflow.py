"""From draft to publication: four eyes, the embargo, frozen versions, corrections, and refusals."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from lionrock.core.accounts.access import NotFound
from lionrock.core.audit.models import AuditEntry
from lionrock.core.errors import ValidationFailed
from lionrock.publishing import selectors, services
from lionrock.publishing.models import PressRelease, ReleaseTemplate, ReleaseVersion
from tests.immigration.enforcement.factories import department_make
from tests.publishing.factories import (
    EMPLOYER,
    hkt,
    operation_with_arrests_make,
    press_officer_make,
    release_make,
    workers,
)

pytestmark = pytest.mark.django_db

DAY = date(2026, 1, 15)


@pytest.fixture
def operation():  # type: ignore[no-untyped-def]
    return operation_with_arrests_make(day=DAY, people=[*workers(2), (EMPLOYER, "M", 45, ("s17i",))])


def _edit(press, release, **changes):  # type: ignore[no-untyped-def]
    values = {
        "title_en": release.title_en,
        "title_zh": release.title_zh,
        "body_en": release.body_en,
        "body_zh": release.body_zh,
    }
    values.update(changes)
    return services.release_update(actor=press, release=release, **values)


def test_a_second_press_officer_approves_and_the_text_is_frozen_as_version_one(operation) -> None:  # type: ignore[no-untyped-def]
    drafter, approver = press_officer_make(), press_officer_make()
    release = release_make(drafter, operation, release_at=hkt(DAY))
    _edit(drafter, release, title_en="Three persons arrested in Sheung Shui operation")
    services.release_submit(actor=drafter, release=release)
    version = services.release_approve(actor=approver, release=release)
    assert version.number == 1 and version.title_en == "Three persons arrested in Sheung Shui operation"
    assert PressRelease.objects.get(pk=release.pk).state == PressRelease.State.PUBLISHED
    assert AuditEntry.objects.filter(action="publishing.release.approve").count() == 1


def test_approving_ones_own_draft_is_refused_and_changes_nothing(operation) -> None:  # type: ignore[no-untyped-def]
    drafter = press_officer_make()
    release = release_make(drafter, operation, release_at=hkt(DAY))
    services.release_submit(actor=drafter, release=release)
    with pytest.raises(ValidationFailed, match="second press officer"):
        services.release_approve(actor=drafter, release=release)
    assert PressRelease.objects.get(pk=release.pk).state == PressRelease.State.SUBMITTED
    assert not ReleaseVersion.objects.exists()


def test_a_draft_cannot_be_approved_or_published_before_it_is_submitted(operation) -> None:  # type: ignore[no-untyped-def]
    drafter, other = press_officer_make(), press_officer_make()
    release = release_make(drafter, operation, release_at=hkt(DAY))
    with pytest.raises(ValidationFailed):
        services.release_approve(actor=other, release=release)
    with pytest.raises(ValidationFailed, match="approved"):
        services.release_publish_now(actor=other, release=release)
    assert not ReleaseVersion.objects.exists()
    assert not selectors.releases_public().exists()


def test_the_public_sees_a_release_only_from_its_embargo_time(operation) -> None:  # type: ignore[no-untyped-def]
    drafter, approver = press_officer_make(), press_officer_make()
    embargo = timezone.now() + timedelta(hours=2)
    release = release_make(drafter, operation, release_at=embargo)
    services.release_submit(actor=drafter, release=release)
    services.release_approve(actor=approver, release=release)
    assert PressRelease.objects.get(pk=release.pk).state == PressRelease.State.SCHEDULED
    assert not selectors.releases_public().exists()
    assert selectors.releases_public(now=embargo).get().release == release
    assert services.release_publish_due(now=embargo) == 1
    assert PressRelease.objects.get(pk=release.pk).state == PressRelease.State.PUBLISHED


def test_a_published_version_cannot_be_edited_and_a_correction_is_the_next_version(operation) -> None:  # type: ignore[no-untyped-def]
    drafter, approver = press_officer_make(), press_officer_make()
    release = release_make(drafter, operation, release_at=hkt(DAY))
    services.release_submit(actor=drafter, release=release)
    services.release_approve(actor=approver, release=release)
    with pytest.raises(ValidationFailed, match="correction"):
        _edit(drafter, release, title_en="Changed after publication")
    assert ReleaseVersion.objects.get().title_en != "Changed after publication"

    services.release_correction_start(actor=drafter, release=release)
    _edit(drafter, release, body_en=release.body_en.replace("two suspected", "2 suspected"))
    with pytest.raises(ValidationFailed, match="says what it changes"):
        services.release_submit(actor=drafter, release=release)
    _edit(
        drafter,
        release,
        change_note_en="The count of workers is given in figures.",
        change_note_zh="更正工人數目的寫法。",
    )
    services.release_submit(actor=drafter, release=release)
    # The public still reads version 1 while the correction awaits approval.
    assert selectors.releases_public().get().number == 1
    version = services.release_approve(actor=approver, release=release)
    assert version.number == 2 and version.change_note_en == "The count of workers is given in figures."
    latest, versions = selectors.release_public_get(reference=release.reference)
    assert latest.number == 2 and [v.number for v in versions] == [2, 1]
    assert "two suspected" in versions[1].body_en


def test_a_name_or_document_of_an_arrested_person_cannot_be_written_into_the_release(operation) -> None:  # type: ignore[no-untyped-def]
    drafter = press_officer_make()
    release = release_make(drafter, operation, release_at=hkt(DAY))
    with pytest.raises(ValidationFailed, match="nothing personal"):
        _edit(drafter, release, body_zh=release.body_zh + "陳大文")
    assert "陳大文" not in PressRelease.objects.get(pk=release.pk).body_zh


def test_a_template_with_an_unknown_placeholder_is_refused_with_its_name(operation) -> None:  # type: ignore[no-untyped-def]
    press = press_officer_make()
    current = ReleaseTemplate.objects.get(kind="operation", language="en", organisation__isnull=True)
    before = ReleaseTemplate.objects.count()
    with pytest.raises(ValidationFailed, match=r"Unknown placeholder \{nationality\}"):
        services.template_save(
            actor=press,
            kind="operation",
            language="en",
            title=current.title,
            body=current.body + "\n\nThe workers were {nationality}.",
            phrases=current.phrases,
            note="tried",
            organisation=operation.organisation,
        )
    with pytest.raises(ValidationFailed, match="penalties come from the offence catalogue"):
        services.template_save(
            actor=press,
            kind="operation",
            language="en",
            title=current.title,
            body=current.body + "\n\nEmployers face a fine of $500,000.",
            phrases=current.phrases,
            note="tried",
            organisation=operation.organisation,
        )
    assert ReleaseTemplate.objects.count() == before


def test_a_new_template_version_drafts_the_next_release_and_the_old_one_keeps_its_own(operation) -> None:  # type: ignore[no-untyped-def]
    press = press_officer_make()
    first = release_make(press, operation, release_at=hkt(DAY))
    current = ReleaseTemplate.objects.get(kind="operation", language="en", organisation__isnull=True)
    saved = services.template_save(
        actor=press,
        kind="operation",
        language="en",
        title="Anti-illegal worker operation: {persons_arrested} arrested",
        body=current.body,
        phrases=current.phrases,
        note="Title leads with the operation",
        organisation=operation.organisation,
    )
    second = release_make(press, operation, release_at=hkt(DAY))
    assert saved.version == 2 and second.template_en == saved and first.template_en == current
    assert second.title_en == "Anti-illegal worker operation: three persons arrested"


def test_a_press_officer_of_another_department_cannot_see_or_draft_the_operation(operation) -> None:  # type: ignore[no-untyped-def]
    outsider = press_officer_make(department_make())
    with pytest.raises(NotFound):
        selectors.operation_for_release(actor=outsider, reference=operation.pk)
    with pytest.raises(NotFound):
        release_make(outsider, operation, release_at=hkt(DAY))


def test_each_step_is_kept_in_the_history_and_the_approvers_and_drafter_are_told(operation) -> None:  # type: ignore[no-untyped-def]
    from django.test import TestCase

    from lionrock.core.notifications.models import Notification
    from lionrock.core.workflow.models import Transition

    drafter, colleague, approver = press_officer_make(), press_officer_make(), press_officer_make()
    release = release_make(drafter, operation, release_at=hkt(DAY))
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.release_submit(actor=drafter, release=release)
    told = set(Notification.objects.values_list("recipient_id", flat=True))
    assert told == {colleague.user.pk, approver.user.pk}  # type: ignore[union-attr]
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.release_approve(actor=approver, release=release)
    assert Notification.objects.filter(recipient=drafter.user).count() == 1
    steps = list(Transition.objects.filter(object_id=str(release.pk)).values_list("from_state", "to_state"))
    assert steps == [("draft", "submitted"), ("submitted", "published")]


def test_a_returned_release_goes_back_to_its_drafter_with_the_reason_in_its_history(operation) -> None:  # type: ignore[no-untyped-def]
    from lionrock.core.workflow.models import Transition

    drafter, approver = press_officer_make(), press_officer_make()
    release = release_make(drafter, operation, release_at=hkt(DAY))
    services.release_submit(actor=drafter, release=release)
    with pytest.raises(ValidationFailed, match="Say why"):
        services.release_return(actor=approver, release=release, reason=" ")
    services.release_return(actor=approver, release=release, reason="Give the district in the title.")
    assert PressRelease.objects.get(pk=release.pk).state == PressRelease.State.DRAFT
    last = Transition.objects.filter(object_id=str(release.pk)).order_by("-pk").first()
    assert last is not None and last.reason == "Give the district in the title." and last.to_state == "draft"
    _edit(drafter, release, title_en="Three persons arrested in North District operation")
    assert (
        PressRelease.objects.get(pk=release.pk).title_en
        == "Three persons arrested in North District operation"
    )
