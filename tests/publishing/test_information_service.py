"""The information service drafts and submits releases for every agency; approval stays with the agency."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from lionrock.core.errors import ValidationFailed
from lionrock.core.notifications.models import Notification
from lionrock.publishing import selectors, services
from lionrock.publishing.models import PressRelease
from tests.immigration.enforcement.factories import client_signed_in, department_make
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


@pytest.fixture
def isd():  # type: ignore[no-untyped-def]
    return press_officer_make(department_make("information-services"))


def test_the_information_service_drafts_and_submits_for_an_agency_but_cannot_approve(operation, isd) -> None:  # type: ignore[no-untyped-def]
    release = release_make(isd, operation, release_at=hkt(DAY))
    services.release_submit(actor=isd, release=release)
    second_isd = press_officer_make(department_make("information-services"))
    with pytest.raises(ValidationFailed, match="agency whose record"):
        services.release_approve(actor=second_isd, release=release)
    with pytest.raises(ValidationFailed, match="agency whose record"):
        services.release_return(actor=second_isd, release=release, reason="No")
    release.refresh_from_db()
    assert release.state == PressRelease.State.SUBMITTED
    assert not release.versions.exists()


def test_the_agency_press_officer_approves_what_the_information_service_submitted(operation, isd) -> None:  # type: ignore[no-untyped-def]
    release = release_make(isd, operation, release_at=hkt(DAY))
    services.release_submit(actor=isd, release=release)
    agency = press_officer_make(operation.organisation)
    version = services.release_approve(actor=agency, release=release)
    assert version.number == 1
    assert version.approved_by == agency.user


def test_only_the_agency_press_officers_are_asked_to_approve_and_offered_the_button(
    operation, isd, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    agency = press_officer_make(operation.organisation)
    second_isd = press_officer_make(department_make("information-services"))
    release = release_make(isd, operation, release_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        services.release_submit(actor=isd, release=release)
    asked = set(Notification.objects.values_list("recipient_id", flat=True))
    assert agency.user is not None and second_isd.user is not None
    assert agency.user.pk in asked
    assert second_isd.user.pk not in asked
    assert selectors.release_may_decide(actor=agency, release=release)
    assert not selectors.release_may_decide(actor=second_isd, release=release)
    page = client_signed_in(second_isd).get(f"/publishing/releases/{release.pk}/").content.decode()
    assert 'value="approve"' not in page
