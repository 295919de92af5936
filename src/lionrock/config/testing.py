"""Settings for the test suite: the real settings, fed a throwaway data directory and in-process tasks.

pytest-django imports settings before any conftest runs, so the environment is prepared here.
"""

import os
import tempfile

os.environ.setdefault("LIONROCK_DATA_DIR", tempfile.mkdtemp(prefix="lionrock-test-"))
os.environ.setdefault("LIONROCK_TASKS_IMMEDIATE", "1")
os.environ.setdefault("LIONROCK_REQUIRE_MFA", "1")
os.environ.setdefault("LIONROCK_DEMO_PASSWORD", "demo-password-for-tests")

from lionrock.config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast hashing; tests only
