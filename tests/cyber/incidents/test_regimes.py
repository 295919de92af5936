"""The platform administrator creates reporting regimes and corrects their names and span in force."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from lionrock.core.accounts.access import NotFound
from lionrock.core.audit.models import AuditEntry
from lionrock.cyber.incidents import services
from lionrock.cyber.incidents.models import ReportingRegime
from lionrock.cyber.incidents.services import IncidentInvalid
from tests.cyber.incidents.factories import desk_make
from tests.cyber.intel.test_views import client_for

pytestmark = pytest.mark.django_db

NEW = {
    "regime-code": "pdpo-breach",
    "regime-name_en": "Personal data breach (voluntary)",
    "regime-name_zh": "個人資料外洩自願通報",
    "regime-description": "Voluntary notification of data breaches.",
    "regime-effective_from": "2026-01-01",
}


def _create(desk, **overrides):
    values = {
        "code": "pdpo-breach",
        "name_en": "Personal data breach",
        "handling_organisation": desk.cert,
    }
    values.update(overrides)
    return services.regime_create(actor=desk.platform_admin, **values)


def test_the_platform_administrator_creates_a_regime_on_the_clocks_page_and_adds_its_first_rule():
    desk = desk_make()
    client = client_for(desk.platform_admin)
    response = client.post(
        "/incidents/clocks/regimes/", {**NEW, "regime-handling_organisation": desk.cert.pk}
    )
    assert response.status_code == 302, response.content.decode()
    regime = ReportingRegime.objects.get(code="pdpo-breach")
    assert (regime.handling_organisation, regime.effective_from) == (desk.cert, date(2026, 1, 1))
    assert AuditEntry.objects.filter(action="incidents.regime.create", target_id=str(regime.pk)).exists()
    page = client.get("/incidents/clocks/").content.decode()
    assert "Personal data breach (voluntary)" in page
    added = client.post(
        "/incidents/clocks/",
        {"regime": regime.pk, "notify_hours": "72", "effective_from": "2026-02-01"},
    )
    assert added.status_code == 302 and regime.clocks.count() == 1


def test_a_regime_with_a_taken_code_is_refused_on_the_page_naming_the_field_and_nothing_stored():
    desk = desk_make()
    response = client_for(desk.platform_admin).post(
        "/incidents/clocks/regimes/",
        {**NEW, "regime-code": desk.regime.code, "regime-handling_organisation": desk.cert.pk},
    )
    assert response.status_code == 422
    assert "A regime with this code exists already." in response.content.decode()
    assert ReportingRegime.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"code": "Not A Slug"}, "code"),
        ({"name_en": "  "}, "name_en"),
        ({"effective_from": date(2027, 1, 1), "effective_until": date(2026, 1, 1)}, "effective_until"),
    ],
)
def test_a_bad_regime_is_refused_naming_the_field(overrides, field):
    desk = desk_make()
    with pytest.raises(IncidentInvalid) as refused:
        _create(desk, **overrides)
    assert refused.value.field == field
    assert ReportingRegime.objects.count() == 1


def test_only_the_platform_administrator_creates_or_edits_regimes():
    desk = desk_make()
    with pytest.raises(NotFound):
        services.regime_create(actor=desk.handler, code="x", name_en="X", handling_organisation=desk.cert)
    client = client_for(desk.handler)
    assert client.post("/incidents/clocks/regimes/", {**NEW}).status_code == 404
    assert client.get(f"/incidents/clocks/regimes/{desk.regime.pk}/").status_code == 404


def test_a_new_default_regime_replaces_the_old_default():
    desk = desk_make()
    regime = _create(desk, is_default=True)
    assert list(ReportingRegime.objects.filter(is_default=True)) == [regime]


def test_the_administrator_edits_a_regimes_names_and_span_and_the_change_is_audited():
    desk = desk_make()
    client = client_for(desk.platform_admin)
    url = f"/incidents/clocks/regimes/{desk.regime.pk}/"
    assert "Critical infrastructure (Cap. 653)" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "name_en": "Critical infrastructure (Cap. 653)",
            "name_zh": "保護關鍵基礎設施電腦系統條例",
            "description": "As publicly described.",
            "effective_from": "2026-01-01",
        },
    )
    assert response.status_code == 302
    desk.regime.refresh_from_db()
    assert desk.regime.name_zh == "保護關鍵基礎設施電腦系統條例"
    assert desk.regime.effective_from == date(2026, 1, 1)
    entry = AuditEntry.objects.get(action="incidents.regime.update")
    assert entry.target_id == str(desk.regime.pk)


def test_a_regimes_span_may_not_leave_out_its_clock_rules():
    desk = desk_make()  # its clocks start on 1 January 2026
    with pytest.raises(IncidentInvalid) as refused:
        services.regime_update(
            actor=desk.platform_admin,
            regime=desk.regime,
            name_en=desk.regime.name_en,
            name_zh=desk.regime.name_zh,
            description="",
            effective_from=date(2026, 6, 1),
            effective_until=None,
        )
    assert refused.value.field == "effective_from"
    response = client_for(desk.platform_admin).post(
        f"/incidents/clocks/regimes/{desk.regime.pk}/",
        {"name_en": desk.regime.name_en, "effective_until": "2025-12-31"},
    )
    assert response.status_code == 200 and "A clock rule of this regime starts after this date." in (
        response.content.decode()
    )


def test_a_clock_rule_outside_the_regimes_span_is_refused():
    desk = desk_make()
    regime = _create(desk, effective_from=date(2026, 1, 1), effective_until=date(2026, 12, 31))
    for day in (date(2025, 12, 1), date(2027, 1, 1)):
        with pytest.raises(IncidentInvalid):
            services.notification_clock_add(
                actor=desk.platform_admin,
                regime=regime,
                serious=False,
                notify_within=timedelta(hours=48),
                written_report_within=None,
                effective_from=day,
            )


def test_an_incident_known_after_its_regime_ended_has_no_deadline_from_it():
    desk = desk_make()
    aware = timezone.now()
    # The day before awareness in Hong Kong (not "yesterday" from now: two hours after midnight they differ).
    day_before = timezone.localtime(aware).date() - timedelta(days=1)
    services.regime_update(
        actor=desk.platform_admin,
        regime=desk.regime,
        name_en=desk.regime.name_en,
        name_zh=desk.regime.name_zh,
        description="",
        effective_from=None,
        effective_until=day_before,
    )
    assert desk.report(aware_at=aware, detected_at=aware).notify_by is None
