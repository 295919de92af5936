import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.utils import timezone

from lionrock.immigration.screening.models import Debriefing
from tests.immigration.screening.factories import owed_case_make, screened_with_indicator, screener_make


def test_an_operator_sets_the_screening_due_times_in_the_environment(tmp_path):
    """The due times docs/users/screening.md calls configurable are read from the environment."""
    settings = {
        "LIONROCK_SCREENING_DUE_HOURS": "12",
        "LIONROCK_DEBRIEFING_DUE_HOURS": "96",
        "LIONROCK_REFERRAL_DUE_HOURS": "24",
    }
    environment = {**os.environ, **settings, "LIONROCK_DATA_DIR": str(tmp_path)}
    names = sorted(settings)
    script = (
        "import json, sys; from lionrock.config import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True, check=True
    )
    values = json.loads(done.stdout.strip().splitlines()[-1])
    assert values == {
        "LIONROCK_SCREENING_DUE_HOURS": 12,
        "LIONROCK_DEBRIEFING_DUE_HOURS": 96,
        "LIONROCK_REFERRAL_DUE_HOURS": 24,
    }


def test_without_the_variables_the_documented_defaults_apply(tmp_path):
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in {"LIONROCK_DEBRIEFING_DUE_HOURS", "LIONROCK_REFERRAL_DUE_HOURS"}
    }
    environment["LIONROCK_DATA_DIR"] = str(tmp_path)
    script = (
        "from lionrock.config import settings; "
        "print(settings.LIONROCK_DEBRIEFING_DUE_HOURS, settings.LIONROCK_REFERRAL_DUE_HOURS)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "72 48"


def test_a_variable_that_is_not_a_number_stops_the_process_naming_it(tmp_path):
    environment = {**os.environ, "LIONROCK_REFERRAL_DUE_HOURS": "two days"}
    environment["LIONROCK_DATA_DIR"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", "from lionrock.config import settings"],
        env=environment,
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0
    assert "LIONROCK_REFERRAL_DUE_HOURS" in done.stderr


@pytest.mark.django_db
def test_the_debriefing_an_indicator_requires_is_due_after_the_configured_hours(settings):
    settings.LIONROCK_DEBRIEFING_DUE_HOURS = 10
    before = timezone.now()
    debriefing = screened_with_indicator(owed_case_make(), screener_make())
    assert debriefing.state == Debriefing.State.ASSIGNED
    assert before + timedelta(hours=10) <= debriefing.due_at <= timezone.now() + timedelta(hours=10)
