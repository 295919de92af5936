import json
import os
import subprocess
import sys


def test_an_operator_sets_the_field_keys_and_retention_in_the_environment(tmp_path):
    """Configuration is by environment only: without these, key rotation could not be done at all."""
    settings = {
        "LIONROCK_FIELD_KEY": "new-key",
        "LIONROCK_FIELD_KEYS_PREVIOUS": "old-key-1, old-key-2",
        "LIONROCK_REPORT_RETENTION_DAYS": "365",
        "LIONROCK_PERSON_RETENTION_DAYS": "3650",
        "LIONROCK_REPORTS_PER_ADDRESS_PER_HOUR": "3",
        "LIONROCK_REPORTS_ORGANISATION": "immd",
        "LIONROCK_SCREENING_DUE_HOURS": "12",
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
    assert values["LIONROCK_FIELD_KEY"] == "new-key"
    assert values["LIONROCK_FIELD_KEYS_PREVIOUS"] == ["old-key-1", "old-key-2"]
    assert values["LIONROCK_REPORT_RETENTION_DAYS"] == 365
    assert values["LIONROCK_PERSON_RETENTION_DAYS"] == 3650
    assert values["LIONROCK_REPORTS_PER_ADDRESS_PER_HOUR"] == 3
    assert values["LIONROCK_REPORTS_ORGANISATION"] == "immd"
    assert values["LIONROCK_SCREENING_DUE_HOURS"] == 12


def test_persons_are_kept_seven_years_after_their_last_case_unless_the_operator_says_otherwise(tmp_path):
    environment = dict(os.environ)
    environment.pop("LIONROCK_PERSON_RETENTION_DAYS", None)
    environment["LIONROCK_DATA_DIR"] = str(tmp_path)
    script = "from lionrock.config import settings; print(settings.LIONROCK_PERSON_RETENTION_DAYS)"
    done = subprocess.run(
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "2555"
