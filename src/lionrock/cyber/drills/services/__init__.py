"""Every write of drills: planning from a template, the MSEL, the clock, delivery, evidence and scores.

Each service is keyword-only, runs in one transaction and writes its audit row; refusals are
`ValidationFailed` with a message for the user and change nothing. One module per stage of a drill.
"""

from lionrock.cyber.drills.services.evidence import (
    evidence_record,
    exercise_accepting_require,
    manual_score_set,
    report_evidence_record,
)
from lionrock.cyber.drills.services.planning import exercise_create, inject_add
from lionrock.cyber.drills.services.review import (
    exercise_lessons_set,
    finding_add,
    finding_move,
    hotwash_submit,
    report_approve,
)
from lionrock.cyber.drills.services.rules import EXERCISE_FLOW, FINDING_FLOW, MAX_LINES_PER_TEAM
from lionrock.cyber.drills.services.running import (
    exercise_end,
    exercise_pause,
    exercise_resume,
    exercise_shift,
    exercise_start,
    exercises_tick,
    injects_deliver_due,
)

__all__ = [
    "EXERCISE_FLOW",
    "FINDING_FLOW",
    "MAX_LINES_PER_TEAM",
    "evidence_record",
    "exercise_accepting_require",
    "exercise_create",
    "exercise_end",
    "exercise_lessons_set",
    "exercise_pause",
    "exercise_resume",
    "exercise_shift",
    "exercise_start",
    "exercises_tick",
    "finding_add",
    "finding_move",
    "hotwash_submit",
    "inject_add",
    "injects_deliver_due",
    "manual_score_set",
    "report_approve",
    "report_evidence_record",
]
