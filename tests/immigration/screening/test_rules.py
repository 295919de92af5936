"""The combination rules, case by case, on the shipped default checklist."""

from __future__ import annotations

import pytest

from lionrock.immigration.screening import rules
from lionrock.immigration.screening.checklists import default_definition

ALTERNATIVES = [{"strong": 2}, {"strong": 1, "medium_or_weak": 1}, {"medium": 3}, {"medium": 2, "weak": 1}]


@pytest.mark.parametrize(
    ("strong", "medium", "weak", "present"),
    [
        (2, 0, 0, True),
        (1, 1, 0, True),
        (1, 0, 1, True),
        (0, 3, 0, True),
        (0, 2, 1, True),
        (3, 2, 1, True),
        (1, 0, 0, False),
        (0, 2, 0, False),
        (0, 1, 2, False),
        (0, 0, 3, False),
        (0, 0, 0, False),
    ],
)
def test_a_dimension_is_present_only_under_the_ilo_combinations(strong, medium, weak, present):
    counts = {"strong": strong, "medium": medium, "weak": weak, "medium_or_weak": medium + weak}
    assert rules.dimension_present(counts, ALTERNATIVES) is present


DEFINITION = default_definition()
INDICATORS = [
    rules.RuleIndicator(
        code=i.code, stage=i.stage, dimension=i.dimension, strength=i.strength, maps_to=i.maps_to
    )
    for i in DEFINITION.indicators
]
DEBRIEF_CODES = [i.code for i in DEFINITION.indicators if i.stage == "debriefing"]

# One way to make each dimension present, each through a different combination of the rule.
DECEPTIVE = {"DR-S1", "DR-M1"}  # strong + medium
COERCIVE = {"CR-S1", "CR-S2"}  # two strong
ABUSE_RECRUITMENT = {"RV-M1", "RV-M2", "RV-M3"}  # three medium
EXPLOITATION = {"EC-S1", "EC-W1"}  # strong + weak
COERCION = {"CD-S1", "CD-S4"}  # two strong
ABUSE_DESTINATION = {"VD-M1", "VD-M2", "VD-W1"}  # two medium + weak


def _recommend(
    present: set[str], unknown: set[str] = frozenset(), exploitation: str = "labour"
) -> rules.Recommendation:  # type: ignore[assignment]
    presence = {
        code: "present" if code in present else "unknown" if code in unknown else "absent"
        for code in DEBRIEF_CODES
    }
    return rules.recommend(presence, INDICATORS, DEFINITION.rules, exploitation=exploitation)


def test_the_default_checklist_has_the_published_counts_per_dimension():
    counts: dict[str, int] = {}
    for item in DEFINITION.indicators:
        counts[item.dimension] = counts.get(item.dimension, 0) + 1
    assert counts == {
        "initial": 7,
        "deceptive_recruitment": 10,
        "coercive_recruitment": 10,
        "recruitment_abuse_of_vulnerability": 16,
        "exploitative_conditions": 9,
        "coercion_at_destination": 15,
        "abuse_of_vulnerability_at_destination": 7,
        "forced_labour": 11,
    }


@pytest.mark.parametrize(
    ("recruitment", "destination"),
    [
        (DECEPTIVE, COERCION),
        (DECEPTIVE, ABUSE_DESTINATION),
        (COERCIVE, COERCION),
        (COERCIVE, ABUSE_DESTINATION),
        (ABUSE_RECRUITMENT, COERCION),
        (ABUSE_RECRUITMENT, ABUSE_DESTINATION),
    ],
    ids=[
        "deceptive+coercion",
        "deceptive+abuse",
        "coercive+coercion",
        "coercive+abuse",
        "abuse+coercion",
        "abuse+abuse",
    ],
)
def test_every_recruitment_and_destination_pairing_with_exploitation_is_trafficking(recruitment, destination):
    result = _recommend(recruitment | EXPLOITATION | destination)
    assert result.outcome == rules.TRAFFICKING_LABOUR
    assert result.confirmed.trafficking


@pytest.mark.parametrize(
    ("yes", "missing"),
    [
        (DECEPTIVE | COERCION, "exploitative_conditions"),
        (EXPLOITATION | COERCION, "recruitment"),
        (DECEPTIVE | EXPLOITATION, "destination"),
    ],
)
def test_trafficking_needs_all_three_elements(yes, missing):
    assert not _recommend(yes).confirmed.trafficking


def test_sexual_exploitation_is_recorded_as_trafficking_for_sexual_exploitation():
    assert (
        _recommend(DECEPTIVE | EXPLOITATION | COERCION, exploitation="sexual").outcome
        == rules.TRAFFICKING_SEXUAL
    )


def test_two_ilo_forced_labour_indicators_without_trafficking_are_forced_labour():
    result = _recommend({"CD-S1", "EC-S1"})  # retention of documents, excessive overtime
    assert result.outcome == rules.FORCED_LABOUR
    assert result.confirmed.forced_labour_present == ["FL-07", "FL-11"]


def test_one_forced_labour_indicator_alone_is_not_identified():
    assert _recommend({"CD-S1"}).outcome == rules.NOT_IDENTIFIED


def test_unknown_answers_that_could_change_the_outcome_mean_insufficient_information():
    result = _recommend({"EC-M1"}, unknown={"EC-S1"})
    assert result.outcome == rules.INSUFFICIENT
    assert result.as_explanation()["unknown_could_change"]["forced_labour"]


def test_unknown_answers_that_cannot_change_the_outcome_leave_it_not_identified():
    assert _recommend(set(), unknown={"EC-W1"}).outcome == rules.NOT_IDENTIFIED


def test_every_indicator_absent_is_not_identified():
    assert _recommend(set()).outcome == rules.NOT_IDENTIFIED


def test_a_weak_indicator_alone_never_makes_a_dimension_present():
    result = _recommend({"VD-W1", "VD-W2"})
    assert not result.confirmed.dimensions["abuse_of_vulnerability_at_destination"]["present"]


@pytest.mark.parametrize(
    ("presence", "required"),
    [
        ({"IS-1": "present", "IS-2": "absent"}, True),
        ({"IS-1": "absent", "IS-2": "absent"}, False),
        ({"IS-1": "unknown", "IS-2": "absent"}, False),
        ({"IS-1": "present", "IS-2": "present"}, True),
    ],
)
def test_any_initial_indicator_present_requires_a_debriefing(presence, required):
    assert rules.initial_outcome(presence, DEFINITION.rules)[0] is required
