"""The `lionrock` command: serve the platform, run the worker, seed demo data, manage tokens, verify audit."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lionrock.config.settings")
    import django

    django.setup()


def _unused_drivers_left_out() -> None:
    """The task queue's library loads the Redis and PostgreSQL drivers whether or not they are used
    (some 16 MB in each web and worker process). A server on SQLite without Redis never needs them, so
    the serving processes leave them out; with DATABASE_URL or REDIS_URL set, nothing changes."""
    if not os.environ.get("REDIS_URL"):
        sys.modules.setdefault("redis", None)  # type: ignore[arg-type]
    if not os.environ.get("DATABASE_URL"):
        sys.modules.setdefault("psycopg", None)  # type: ignore[arg-type]


def _demo_environment() -> None:
    """Demo mode keeps its data apart from a real installation's, and relaxes MFA for a first look."""
    os.environ["LIONROCK_DEMO"] = "1"
    if not os.environ.get("LIONROCK_DATA_DIR"):
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
        os.environ["LIONROCK_DATA_DIR"] = str(base / "lionrock-demo")


def _prepare_database_and_static() -> None:
    from django.core.management import call_command

    from lionrock.core.shell.planner import planner_statistics_refresh
    from lionrock.core.shell.static_collection import static_collect_if_changed
    from lionrock.cyber.exchange.flags import warninglists_prepare

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    static_collect_if_changed()
    planner_statistics_refresh()
    warninglists_prepare()  # once per installed lists: each web worker then maps them in milliseconds


def cmd_serve(args: argparse.Namespace) -> int:
    if args.demo:
        _demo_environment()
    _unused_drivers_left_out()
    if args.prepare_only:
        return _serve_prepare(args)
    # Migrations, static files and the demo world are prepared in a process of their own: the gunicorn
    # master that stays behind then holds no Django (about 30 MB instead of 150-200 MB at rest), and
    # each web worker loads the application for itself.
    prepare = [sys.executable, "-m", "lionrock.cli", "serve", "--prepare-only"]
    prepare += ["--host", args.host, "--port", str(args.port)] + (["--demo"] if args.demo else [])
    prepared = subprocess.run(prepare, env=os.environ.copy(), check=False)  # noqa: S603 - our own command
    if prepared.returncode != 0:
        return prepared.returncode
    worker: subprocess.Popen[bytes] | None = None
    if not args.no_worker:
        worker = subprocess.Popen([sys.executable, "-m", "lionrock.cli", "worker"], env=os.environ.copy())
    try:
        return _gunicorn_run(args.host, args.port, args.workers, args.timeout)
    finally:
        if worker is not None and worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()


def _serve_prepare(args: argparse.Namespace) -> int:
    _django_setup()
    from django.conf import settings

    print(f"Lionrock: data in {settings.DATA_DIR}; applying migrations…", flush=True)
    _prepare_database_and_static()
    if args.demo:
        from lionrock import demo

        try:
            world = demo.demo_world_build(force=False, quiet=True)
        except demo.DemoRefused as exc:
            print(f"lionrock serve --demo: {exc}", file=sys.stderr)
            return 2
        print(demo.demo_accounts_text(world, url=f"http://{args.host}:{args.port}/"), flush=True)
    return 0


def _web_application_load() -> Any:
    """The WSGI application for one web worker, with every view imported now rather than on a user's
    first request, and everything loaded so far moved out of the garbage collector's sight: a full
    collection otherwise walked the whole of Django each time (100-160 ms of one request's time, every
    few hundred requests); now it walks what requests have left since."""
    import gc

    from django.urls import get_resolver

    from lionrock.config.wsgi import application

    get_resolver().url_patterns  # noqa: B018
    gc.collect()
    gc.freeze()
    return application


def _gunicorn_run(host: str, port: int, workers: int, timeout: int) -> int:
    from gunicorn.app.base import BaseApplication

    class LionrockServer(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"[{host}]:{port}" if ":" in host else f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("threads", 4)
            # gunicorn's largest: searches with many filters fit; longer lines get a 414.
            self.cfg.set("limit_request_line", 8190)
            self.cfg.set("timeout", timeout)
            self.cfg.set("accesslog", "-")
            self.cfg.set(
                "forwarded_allow_ips", os.environ.get("LIONROCK_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
            )
            self.cfg.set("proc_name", "lionrock")
            self.cfg.set("control_socket_disable", True)

        def load(self) -> Any:
            return _web_application_load()

    LionrockServer().run()
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    if args.demo:
        _demo_environment()
    _unused_drivers_left_out()
    os.environ.setdefault("LIONROCK_SQLITE_CACHE_MB", "512")  # it stores the pushes: see settings
    _django_setup()

    from django.core.management import call_command

    from lionrock.core.shell.tasks import worker_heartbeat

    # Queued, not written directly: the heartbeat appears only once this consumer really runs tasks.
    worker_heartbeat()
    options: dict[str, Any] = {}
    if args.workers:
        options["workers"] = args.workers
    call_command("run_huey", **options)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    _django_setup()
    from django.core.management import call_command

    from lionrock import demo

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    try:
        world = demo.demo_world_build(force=args.force, quiet=False)
    except demo.DemoRefused as exc:
        print(f"lionrock demo: {exc}", file=sys.stderr)
        return 2
    print(demo.demo_accounts_text(world, url=None))
    return 0


def cmd_createadmin(args: argparse.Namespace) -> int:
    import getpass

    _django_setup()
    from django.core.exceptions import ValidationError
    from django.core.management import call_command

    from lionrock.core.accounts import services

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    password = os.environ.get("LIONROCK_ADMIN_PASSWORD") or ""
    if not password:
        if not sys.stdin.isatty():
            print("lionrock createadmin: set LIONROCK_ADMIN_PASSWORD or run in a terminal", file=sys.stderr)
            return 2
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            print("lionrock createadmin: the passwords do not match", file=sys.stderr)
            return 2
    try:
        user = services.platform_admin_create(
            email=args.email, full_name=args.name, password=password, organisation_slug=args.organisation
        )
    except ValidationError as exc:
        print("lionrock createadmin: " + " ".join(exc.messages), file=sys.stderr)
        return 2
    print(f"Platform administrator {user.email} is ready; they set up two-step sign-in at first sign-in.")
    return 0


def _cli_actor(email: str) -> Any:
    from lionrock.core.accounts.access import actor_for_email

    actor = actor_for_email(email)
    if actor is None:
        raise SystemExit(f"lionrock token: no active user {email!r}")
    return actor


def cmd_token(args: argparse.Namespace) -> int:
    _django_setup()
    from lionrock.core.accounts import selectors, services
    from lionrock.core.accounts.access import NotFound
    from lionrock.core.accounts.models import Organisation
    from lionrock.core.errors import ValidationFailed

    actor = _cli_actor(args.user)
    if args.token_command == "create":
        organisation = Organisation.objects.filter(slug=args.organisation).first()
        try:
            if organisation is None:
                raise NotFound
            _, secret = services.token_create(
                actor=actor,
                organisation=organisation,
                name=args.name,
                scopes=args.scope,
                expires_in_days=args.days,
            )
        except NotFound:
            print(f"lionrock token: {args.user} is not a member of {args.organisation!r}", file=sys.stderr)
            return 2
        except ValidationFailed as exc:
            print(f"lionrock token: {exc}", file=sys.stderr)
            return 2
        print(secret)
        print("Shown once: keep it in the client's secret store.", file=sys.stderr)
        return 0
    if args.token_command == "list":
        for token in selectors.tokens_of(actor=actor):
            state = "revoked" if token.revoked_at else ("expired" if not token.is_usable() else "active")
            print(
                f"{token.pk}\t{token.prefix}\t{token.name}\t{token.organisation.slug}\t"
                f"{','.join(token.scopes)}\t{token.expires_at:%Y-%m-%d}\t{state}"
            )
        return 0
    try:
        token = selectors.token_get(actor=actor, token_id=args.id)
    except NotFound:
        print(f"lionrock token: no token {args.id} for {args.user}", file=sys.stderr)
        return 2
    services.token_revoke(actor=actor, token=token)
    print(f"Revoked {token.name} ({token.prefix}).")
    return 0


def cmd_unlock(args: argparse.Namespace) -> int:
    _django_setup()
    import getpass

    from lionrock.core.accounts import services
    from lionrock.core.errors import ValidationFailed

    try:
        cleared = services.user_sign_in_unlock_by_operator(
            email=args.email, operator=f"command line ({getpass.getuser()})"
        )
    except ValidationFailed as exc:
        print(f"lionrock unlock: {exc}", file=sys.stderr)
        return 2
    print(f"Sign-in unlocked for {args.email.strip().lower()} ({cleared} failure records cleared).")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    _django_setup()
    from django.db import DatabaseError

    from lionrock.core.audit.selectors import audit_chain_verify

    try:
        report = audit_chain_verify()
    except DatabaseError as exc:
        print(
            f"lionrock audit verify: cannot read the audit trail ({exc}); is the database set up?",
            file=sys.stderr,
        )
        return 2
    if report.ok:
        noun = "entry" if report.checked == 1 else "entries"
        print(f"Audit trail intact: {report.checked} {noun} verified.")
        return 0
    print(f"Audit trail BROKEN at entry #{report.broken_at}: {report.reason}", file=sys.stderr)
    print(f"{report.checked} entries before it verified.", file=sys.stderr)
    return 1


def cmd_intel(args: argparse.Namespace) -> int:
    _django_setup()
    from lionrock.cyber.exchange.command import run

    return run(args)


def cmd_publish(args: argparse.Namespace) -> int:
    """`lionrock publish draft`: a generated release on standard output, for scripts and tests."""
    _django_setup()
    from datetime import datetime

    from django.utils import timezone

    from lionrock.core.accounts.access import NotFound
    from lionrock.core.errors import ValidationFailed
    from lionrock.publishing.drafting import draft_for_operation

    actor = _cli_actor(args.user) if args.user else None
    release_at = None
    if args.at:
        try:
            release_at = datetime.fromisoformat(args.at)
        except ValueError:
            print(
                f"lionrock publish: --at {args.at!r} is not a date and time (2026-01-15T20:30)",
                file=sys.stderr,
            )
            return 2
        if timezone.is_naive(release_at):
            release_at = timezone.make_aware(release_at)
    try:
        draft = draft_for_operation(
            actor=actor,
            reference=args.operation,
            language=args.language,
            release_at=release_at,
            place=args.place,
        )
    except NotFound:
        print(f"lionrock publish: no operation {args.operation!r} to announce", file=sys.stderr)
        return 2
    except ValidationFailed as exc:
        print(f"lionrock publish: {exc}", file=sys.stderr)
        return 2
    print(draft.rendered.title)
    print()
    print(draft.rendered.body)
    if args.sources:
        print()
        for source in draft.rendered.sources:
            print(f"[{source['placeholder']}] {source['source']} ({source['label']})")
    return 0


def cmd_manage(rest: Sequence[str]) -> int:
    _django_setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["lionrock manage", *rest])
    return 0


def cmd_match(rest: Sequence[str]) -> int:
    from lionrock.matcher.command import main as match_main

    return match_main(list(rest))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lionrock",
        description="Lionrock: threat-intelligence sharing, monitoring and immigration case work.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser(
        "serve",
        help="run the web server and the background worker",
        description="Apply migrations, collect static files, then serve with gunicorn and a task worker.",
    )
    serve.add_argument(
        "--demo", action="store_true", help="use a separate demo data directory, seed demo data, relax MFA"
    )
    serve.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST})")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    serve.add_argument("--workers", type=int, default=2, help="web worker processes (default 2)")
    serve.add_argument("--timeout", type=int, default=60, help="seconds before a stuck request is restarted")
    serve.add_argument(
        "--no-worker",
        action="store_true",
        help="do not start a task worker (run `lionrock worker` elsewhere)",
    )
    serve.add_argument("--prepare-only", action="store_true", help=argparse.SUPPRESS)
    serve.set_defaults(handler=cmd_serve)

    worker = sub.add_parser("worker", help="run the background task consumer alone")
    worker.add_argument(
        "--workers", type=int, default=0, help="worker threads (default from LIONROCK_WORKER_THREADS)"
    )
    worker.add_argument("--demo", action="store_true", help="consume the demo installation's queue")
    worker.set_defaults(handler=cmd_worker)

    demo = sub.add_parser("demo", help="create demo organisations and accounts (idempotent)")
    demo.add_argument(
        "--force", action="store_true", help="add demo data even to a database that holds other data"
    )
    demo.set_defaults(handler=cmd_demo)

    admin = sub.add_parser(
        "createadmin",
        help="create or reset a platform administrator",
        description="Password from LIONROCK_ADMIN_PASSWORD, or asked for in a terminal.",
    )
    admin.add_argument("--email", required=True)
    admin.add_argument("--name", required=True, help="full name")
    admin.add_argument("--organisation", default="platform", help="short code of the operating organisation")
    admin.set_defaults(handler=cmd_createadmin)

    token = sub.add_parser("token", help="create, list and revoke API tokens")
    token_sub = token.add_subparsers(dest="token_command", required=True, metavar="ACTION")
    create = token_sub.add_parser("create", help="issue a token (printed once)")
    create.add_argument("--user", required=True, help="email of the token's owner")
    create.add_argument("--organisation", required=True, help="short code of the organisation it acts for")
    create.add_argument("--name", required=True, help="what will use it")
    create.add_argument(
        "--scope", action="append", required=True, help="a scope such as intel:read (repeatable)"
    )
    create.add_argument("--days", type=int, default=90, help="days until it expires (default 90)")
    listing = token_sub.add_parser("list", help="list a user's tokens")
    listing.add_argument("--user", required=True)
    revoke = token_sub.add_parser("revoke", help="revoke a token by id")
    revoke.add_argument("--user", required=True)
    revoke.add_argument("id", type=int)
    token.set_defaults(handler=cmd_token)

    unlock = sub.add_parser(
        "unlock",
        help="lift an account's sign-in lock-out, from every address (audited)",
        description="Clears the account's failed sign-ins: the per-address locks and the account-wide count.",
    )
    unlock.add_argument("email", help="the account's email address")
    unlock.set_defaults(handler=cmd_unlock)

    audit = sub.add_parser("audit", help="audit-trail tools")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    audit_sub.add_parser(
        "verify", help="walk the hash chain; exit 1 at the first changed, missing or inserted entry"
    )
    audit.set_defaults(handler=cmd_audit)

    from lionrock.cyber.exchange.command import add_intel_parser

    add_intel_parser(sub).set_defaults(handler=cmd_intel)

    publish = sub.add_parser("publish", help="press releases generated from the records")
    publish_sub = publish.add_subparsers(dest="publish_command", required=True, metavar="ACTION")
    draft = publish_sub.add_parser(
        "draft",
        help="print the release Lionrock generates for an operation (nothing is saved)",
        description="Without --at or --place, those of the operation's latest release are used, else now.",
    )
    draft.add_argument("--operation", required=True, help="operation id or codename")
    draft.add_argument("--language", default="en", choices=["en", "zh-hant"], help="default en")
    draft.add_argument("--at", default="", help="release date and time, Hong Kong time (2026-01-15T20:30)")
    draft.add_argument("--place", default="", help="the place as the release gives it")
    draft.add_argument(
        "--user", default="", help="act as this press officer (default: the server's own rights)"
    )
    draft.add_argument("--sources", action="store_true", help="also print where every figure comes from")
    publish.set_defaults(handler=cmd_publish)

    sub.add_parser("manage", help="Django's manage.py (arguments passed through)", add_help=False)
    sub.add_parser("match", help="match indicators against log files (no server needed)", add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and args_list[0] == "manage":
        return cmd_manage(args_list[1:])
    if args_list and args_list[0] == "match":
        return cmd_match(args_list[1:])
    args = build_parser().parse_args(args_list)
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
