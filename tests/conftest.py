"""Test-wide set-up: an isolated data directory and tasks run in-process by Huey's immediate mode."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("LIONROCK_DATA_DIR", tempfile.mkdtemp(prefix="lionrock-test-"))
os.environ.setdefault("LIONROCK_TASKS_IMMEDIATE", "1")
os.environ.setdefault("LIONROCK_REQUIRE_MFA", "1")
