"""Source files stay small enough to read: none over 600 lines outside migrations.

A file that passes the limit is split along its seams (features, sections), not by line count.
"""

from __future__ import annotations

from pathlib import Path

import lionrock

LIMIT = 600
SOURCE = Path(lionrock.__file__).parent


def test_no_source_file_is_over_six_hundred_lines():
    too_long = {
        path.relative_to(SOURCE).as_posix(): lines
        for path in sorted(SOURCE.rglob("*.py"))
        if "migrations" not in path.parts
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > LIMIT
    }
    assert too_long == {}
