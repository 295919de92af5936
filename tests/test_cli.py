"""The `lionrock` command as operators use it."""

from __future__ import annotations

import json
import os
import queue
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import IO

import pytest
from django.db import connection

from lionrock.cli import build_parser, main
from lionrock.core.accounts.models import ApiToken, Organisation, User
from lionrock.core.accounts.roles import Role
from lionrock.core.audit.models import AuditEntry
from tests.core.accounts.factories import member_make


def test_every_subcommand_has_help(capsys):
    parser = build_parser()
    for command in ("serve", "worker", "demo", "createadmin", "token", "unlock", "audit"):
        with pytest.raises(SystemExit) as exit_info:
            parser.parse_args([command, "--help"])
        assert exit_info.value.code == 0
        assert "usage: lionrock " + command in capsys.readouterr().out


@pytest.mark.django_db
class TestAuditVerify:
    def test_an_intact_trail_exits_zero(self, capsys):
        member_make([Role.INTEL_ANALYST])
        from lionrock.core.audit import services as audit

        audit.record(actor=None, action="one")
        audit.record(actor=None, action="two")
        assert main(["audit", "verify"]) == 0
        assert "2 entries verified" in capsys.readouterr().out

    def test_a_row_changed_behind_the_applications_back_exits_non_zero_naming_the_entry(self, capsys):
        from lionrock.core.audit import services as audit

        for action in ("one", "two", "three"):
            audit.record(actor=None, action=action)
        with connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditentry SET action = 'rewritten' WHERE sequence = 2")
        assert main(["audit", "verify"]) == 1
        assert "BROKEN at entry #2" in capsys.readouterr().err


@pytest.mark.django_db
class TestTokens:
    def test_create_prints_the_secret_once_list_shows_it_and_revoke_ends_it(self, capsys):
        membership = member_make([Role.INTEL_STAKEHOLDER])
        email, slug = membership.user.email, membership.organisation.slug
        assert (
            main(
                [
                    "token",
                    "create",
                    "--user",
                    email,
                    "--organisation",
                    slug,
                    "--name",
                    "SIEM",
                    "--scope",
                    "intel:read",
                    "--days",
                    "30",
                ]
            )
            == 0
        )
        secret = capsys.readouterr().out.strip()
        token = ApiToken.objects.get()
        assert secret.startswith(f"lrk_{token.prefix}_")

        assert main(["token", "list", "--user", email]) == 0
        listing = capsys.readouterr().out
        assert token.prefix in listing and "active" in listing and secret not in listing

        assert main(["token", "revoke", "--user", email, str(token.pk)]) == 0
        token.refresh_from_db()
        assert token.revoked_at is not None

    def test_a_token_for_someone_elses_organisation_is_refused(self, capsys):
        membership = member_make([Role.INTEL_STAKEHOLDER])
        other = member_make([Role.INTEL_STAKEHOLDER]).organisation
        code = main(
            [
                "token",
                "create",
                "--user",
                membership.user.email,
                "--organisation",
                other.slug,
                "--name",
                "x",
                "--scope",
                "intel:read",
            ]
        )
        assert code == 2
        assert "is not a member" in capsys.readouterr().err
        assert not ApiToken.objects.exists()


@pytest.mark.django_db
class TestCreateAdmin:
    def test_creates_a_platform_administrator_from_the_environment(self, monkeypatch):
        monkeypatch.setenv("LIONROCK_ADMIN_PASSWORD", "a long and unusual passphrase")
        assert main(["createadmin", "--email", "Ops@Example.org", "--name", "Ops Lead"]) == 0
        user = User.objects.get(email="ops@example.org")
        from lionrock.core.accounts.access import actor_for_user

        assert actor_for_user(user).is_platform_admin

    def test_a_weak_password_is_refused(self, monkeypatch, capsys):
        monkeypatch.setenv("LIONROCK_ADMIN_PASSWORD", "password")
        assert main(["createadmin", "--email", "ops@example.org", "--name", "Ops"]) == 2
        assert not User.objects.exists()


@pytest.mark.django_db
class TestDemo:
    def test_the_demo_world_has_every_role_and_a_second_run_changes_nothing(self, capsys):
        assert main(["demo"]) == 0
        first = (Organisation.objects.count(), User.objects.count(), AuditEntry.objects.count())
        held = set(
            User.objects.filter(memberships__role_grants__isnull=False).values_list(
                "memberships__role_grants__role", flat=True
            )
        )
        assert held == set(Role.values)
        assert main(["demo"]) == 0
        assert (Organisation.objects.count(), User.objects.count(), AuditEntry.objects.count()) == first
        assert "demo-password-for-tests" in capsys.readouterr().out

    def test_refuses_a_database_with_real_data_unless_forced(self, capsys):
        member_make([Role.INTEL_ANALYST])
        assert main(["demo"]) == 2
        assert "--force" in capsys.readouterr().err
        assert not User.objects.filter(email__endswith="@lionrock.test").exists()
        assert main(["demo", "--force"]) == 0
        assert User.objects.filter(email__endswith="@lionrock.test").exists()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# Only a ceiling for a process that hangs: the test waits on what the server itself says, never on a
# wall-clock budget, so a busy machine makes it slower, not red.
_HANG_CEILING_SECONDS = 900


class _Output:
    """The lines a child process prints, read in a thread so the test can wait for one of them."""

    def __init__(self, stream: IO[str]) -> None:
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._thread = threading.Thread(target=self._pump, args=(stream,), daemon=True)
        self._thread.start()

    def _pump(self, stream: IO[str]) -> None:
        for line in stream:
            self._queue.put(line)
        self._queue.put(None)

    def wait_for(self, *texts: str) -> str:
        """The next line holding every one of `texts`; fails if the process ends without printing it."""
        text = " … ".join(texts)
        deadline = time.monotonic() + _HANG_CEILING_SECONDS
        while True:
            try:
                line = self._queue.get(timeout=max(deadline - time.monotonic(), 0.001))
            except queue.Empty:
                pytest.fail(f"no {text!r} after {_HANG_CEILING_SECONDS} s:\n" + "".join(self.lines[-40:]))
            if line is None:
                pytest.fail(f"the process ended before printing {text!r}:\n" + "".join(self.lines[-40:]))
            self.lines.append(line)
            if all(part in line for part in texts):
                return line

    def rest(self) -> str:
        """Everything printed, once the process has ended."""
        self._thread.join(timeout=_HANG_CEILING_SECONDS)
        while not self._queue.empty():
            line = self._queue.get_nowait()
            if line is not None:
                self.lines.append(line)
        return "".join(self.lines)


def test_serve_demo_starts_web_server_and_worker_together(tmp_path: Path):
    """The README's first command, end to end: migrations, demo data, gunicorn, a live worker.

    Readiness is what the process reports (gunicorn listening, the worker's heartbeat task done), so the
    test takes as long as the machine needs and depends on no timing.
    """
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LIONROCK_", "DATABASE_URL"))}
    env |= {"LIONROCK_DATA_DIR": str(tmp_path), "LIONROCK_DEMO_PASSWORD": "demo-pass-for-serve-test"}
    process = subprocess.Popen(
        [sys.executable, "-m", "lionrock.cli", "serve", "--demo", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    output = _Output(process.stdout)
    try:
        output.wait_for(f"Listening at: http://127.0.0.1:{port}")
        output.wait_for("tasks.worker_heartbeat", "executed in")

        def get(path: str) -> tuple[int, bytes]:
            url = f"http://127.0.0.1:{port}{path}"
            with urllib.request.urlopen(url, timeout=_HANG_CEILING_SECONDS) as response:
                return response.status, response.read()

        status, body = get("/healthz")
        health = json.loads(body)
        assert status == 200 and health["status"] == "ok"
        assert health["database"]["vendor"] == "sqlite"
        assert "worker_seen_seconds_ago" in health["task_queue"], "the worker never reported in"
        status, body = get("/sign-in/")
        assert status == 200 and b"/static/lionrock/app.css" in body
        assert get("/static/lionrock/vendor/htmx.min.js")[0] == 200
    finally:
        process.terminate()
        process.wait(timeout=_HANG_CEILING_SECONDS)
    printed = output.rest()
    assert "admin@lionrock.test" in printed
    assert "demo-pass-for-serve-test" in printed
    assert (tmp_path / "lionrock.sqlite3").exists()


@pytest.mark.django_db
def test_a_weak_demo_password_is_refused_with_a_message(monkeypatch, capsys):
    monkeypatch.setenv("LIONROCK_DEMO_PASSWORD", "123")
    assert main(["demo"]) == 2
    assert "too weak" in capsys.readouterr().err
    assert not User.objects.exists()


def test_a_web_worker_loads_every_view_and_leaves_what_it_loaded_out_of_full_collections():
    """Full garbage collections in a serving worker walk only what requests left, not all of Django."""
    import gc

    from django.core.handlers.wsgi import WSGIHandler

    from lionrock.cli import _web_application_load
    from lionrock.core.shell.server_timing import ServerTiming

    gc.unfreeze()
    try:
        application = _web_application_load()
        assert isinstance(application, ServerTiming)
        assert isinstance(application.application, WSGIHandler)
        assert gc.get_freeze_count() > 10_000
        assert "lionrock.cyber.intel.views" in sys.modules
    finally:
        gc.unfreeze()
