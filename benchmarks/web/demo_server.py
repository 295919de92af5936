"""The demo platform as users get it, for the web benchmarks: `lionrock serve --demo` on 127.0.0.1.

Starts the real command (gunicorn web workers and the task worker) on a fresh data directory under /tmp,
reads the demo accounts and password from what it prints, waits for /healthz, signs personas in through
the sign-in form, and finds the pages each persona's menu leads to (and the first records those pages
link to). Server CPU is read from /proc for the whole process tree, as benchmarks/intel/serve_bench.py
does, so a loaded machine stretches wall time but not the CPU figures.

On PostgreSQL (DATABASE_URL set to any database of the server, as a role that may create databases),
each run gets a database of its own, dropped at the end: a copy of `database_template` (a database an
earlier demo build filled, used with `copy_of` set to the data directory of that build, which holds its
keys), or an empty one that `lionrock serve --demo` fills.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests

ROOT = Path(__file__).resolve().parents[2]


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# The deployed-server helpers the TAXII benchmark already has: a free port, the server's process tree
# read from /proc, its CPU seconds, and the load average.
_serve = _load("intel_serve_bench", ROOT / "benchmarks" / "intel" / "serve_bench.py")
free_port = _serve.free_port
process_tree = _serve.process_tree
tree_cpu_seconds = _serve.tree_cpu_seconds
postgres_cpu_seconds = _serve.postgres_cpu_seconds
load_average = _serve.load_average


def tree_memory_mb(root: int) -> dict[str, Any]:
    """RSS (each process counted whole) and PSS (shared pages split between the sharers) of the tree."""
    rss = pss = 0
    processes = []
    for pid in process_tree(root):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:80]
        except OSError:
            continue
        process_rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
        process_pss = int(re.search(r"^Pss:\s+(\d+)", rollup, re.M).group(1))  # type: ignore[union-attr]
        rss += process_rss
        pss += process_pss
        processes.append({"pid": pid, "rss_mb": round(process_rss / 1024, 1), "command": command})
    return {
        "rss_mb": round(rss / 1024, 1),
        "pss_mb": round(pss / 1024, 1),
        "processes": processes,
    }


def tree_memory_settled_mb(root: int, *, timeout: float = 120.0) -> dict[str, Any]:
    """tree_memory_mb once the platform has finished what it does on its first start (the demo's drill
    archives are made in processes of their own for a while): the same processes and the same RSS,
    within 1 MB, for three seconds running, or whatever it is after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last: tuple[frozenset[int], float] | None = None
    steady = 0
    while True:
        memory = tree_memory_mb(root)
        now = (frozenset(p["pid"] for p in memory["processes"]), memory["rss_mb"])
        steady = steady + 1 if last and now[0] == last[0] and abs(now[1] - last[1]) < 1 else 0
        if steady >= 3 or time.monotonic() > deadline:
            return memory
        last = now
        time.sleep(1)


def tree_cpu_settled(root: int, *, share: float = 0.05, window: float = 3.0, timeout: float = 180.0) -> float:
    """Waits until the server tree spends under `share` of one core over `window` seconds (the task
    worker's first-start jobs done), or `timeout`; the seconds waited. A page measured while the worker
    still works would carry its CPU and wait for the cores."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        before = tree_cpu_seconds(root)
        time.sleep(window)
        if tree_cpu_seconds(root) - before < share * window:
            break
    return round(time.monotonic() - started, 1)


@dataclass
class DemoServer:
    base: str
    process: subprocess.Popen[bytes]
    password: str
    accounts: list[tuple[str, str]]  # (email, "organisation: roles")
    data_dir: Path
    started_s: float = 0.0
    database: str | None = None  # on PostgreSQL, the run's own database

    @property
    def pid(self) -> int:
        return self.process.pid


@contextmanager
def database_of_its_own(template: str | None) -> Iterator[str | None]:
    """With DATABASE_URL set, a fresh PostgreSQL database for one run (from `template` if given), dropped
    afterwards; its URL. Without DATABASE_URL, None: SQLite in the data directory."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        yield None
        return
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = f"lionrock_web_bench_{os.getpid()}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template:
        create = sql.SQL("{} TEMPLATE {}").format(create, sql.Identifier(template))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        connection.execute(create)
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@contextmanager
def demo_server(
    *,
    workers: int | None = None,
    keep: bool = False,
    copy_of: Path | None = None,
    database_template: str | None = None,
) -> Iterator[DemoServer]:
    """`lionrock serve --demo` on a free port and a fresh data directory; stopped on exit.

    copy_of: a data directory an earlier `lionrock serve --demo` built, copied so the run starts from
    the same demo world without building it again (a few minutes on a busy machine).
    database_template: on PostgreSQL, the database that build filled (see the module's docstring)."""
    with (
        database_of_its_own(database_template) as database_url,
        _demo_server(workers=workers, keep=keep, copy_of=copy_of, database_url=database_url) as server,
    ):
        yield server


@contextmanager
def _demo_server(
    *, workers: int | None, keep: bool, copy_of: Path | None, database_url: str | None
) -> Iterator[DemoServer]:
    data_dir = Path(tempfile.mkdtemp(prefix="lionrock-web-bench-"))
    if copy_of is not None:
        for item in copy_of.iterdir():
            if item.is_file() and item.name != "serve.log":
                shutil.copy2(item, data_dir / item.name)
    port = free_port()
    env = {
        **os.environ,
        "LIONROCK_DATA_DIR": str(data_dir),
        "LIONROCK_LOG_LEVEL": "WARNING",
    }
    env.pop("LIONROCK_TASKS_IMMEDIATE", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    command = [sys.executable, "-m", "lionrock.cli", "serve", "--demo", "--port", str(port)]
    if workers:
        command += ["--workers", str(workers)]
    output = data_dir / "serve.log"
    started = time.perf_counter()
    with output.open("wb") as sink:
        process = subprocess.Popen(command, env=env, stdout=sink, stderr=subprocess.STDOUT)
    server = DemoServer(f"http://127.0.0.1:{port}", process, "", [], data_dir)
    if database_url:
        server.database = urlsplit(database_url).path.lstrip("/")
    try:
        _wait_ready(server, output, 900)
        server.started_s = round(time.perf_counter() - started, 1)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        if not keep:
            shutil.rmtree(data_dir, ignore_errors=True)


def _wait_ready(server: DemoServer, output: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            code = server.process.returncode
            raise RuntimeError(f"lionrock serve exited with {code}:\n{output.read_text()}")
        text = output.read_text(errors="replace")
        password = re.search(r"Password: (\S+)", text)
        if password and not server.password:
            server.password = password.group(1)
            server.accounts = re.findall(r"^  (\S+@\S+)\s+(.+)$", text, re.M)
        if server.password:
            try:
                if requests.get(f"{server.base}/healthz", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
        time.sleep(0.5)
    raise RuntimeError(f"{server.base}/healthz was not healthy within {seconds} s")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.nav: list[str] = []
        self._in_nav = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "nav":
            self._in_nav += 1
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if href.startswith("/"):
                self.links.append(href)
                if self._in_nav:
                    self.nav.append(href)

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav" and self._in_nav:
            self._in_nav -= 1


def links_in(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def sign_in(base: str, email: str, password: str) -> requests.Session:
    session = requests.Session()
    form = session.get(f"{base}/sign-in/", timeout=60)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
    if token is None:
        raise RuntimeError("no CSRF token on the sign-in page")
    answer = session.post(
        f"{base}/sign-in/",
        data={"csrfmiddlewaretoken": token.group(1), "email": email, "password": password, "next": ""},
        headers={"Referer": f"{base}/sign-in/"},
        timeout=60,
    )
    if "sign-in" in answer.url or answer.status_code != 200:
        raise RuntimeError(f"{email} could not sign in ({answer.status_code} at {answer.url})")
    return session


# Links that change something, download a file, or leave the signed-in pages.
_SKIP = re.compile(
    r"(sign-out|/i18n/|/new/|/edit/|/delete|/revoke|/toggle|/export|/download|\.csv|\.pdf|\.json|\.xml|"
    r"/admin/|/api/|/taxii2/|/static/|/public/|/report/|/employer-check/|/press/|/statistics/|/media/|"
    r"/files/|/print|/mfa/|/account/recovery|/password)"
)
_ID = re.compile(r"/(\d+|[0-9a-f]{8}-[0-9a-f-]{27,}|[a-z-]+--[0-9a-f-]{36}|[A-Z0-9-]{6,})(?=/|$)")


def shape(path: str) -> str:
    """The page a path is an instance of: ids (numbers, UUIDs, STIX ids, references) as {id}."""
    return _ID.sub("/{id}", path.split("?")[0])


@dataclass
class Persona:
    email: str
    roles: str
    session: requests.Session
    pages: dict[str, str] = field(default_factory=dict)  # shape -> one concrete path


def persona_pages(base: str, session: requests.Session, *, details_per_page: int = 2) -> dict[str, str]:
    """Home, every page its menu leads to, and up to `details_per_page` record pages each one links to."""
    pages: dict[str, str] = {"/": "/"}
    home = session.get(f"{base}/", timeout=60)
    menu = [href for href in dict.fromkeys(links_in(home.text).nav) if not _SKIP.search(href)]
    menu = [href for href in menu if href != "/" and "?" not in href]
    for href in menu:
        pages.setdefault(shape(href), href)
    for href in menu:
        answer = session.get(f"{base}{href}", timeout=60)
        if answer.status_code != 200:
            continue
        found = 0
        for link in dict.fromkeys(links_in(answer.text).links):
            path = link.split("#")[0]
            if "?" in path or _SKIP.search(path) or not path.startswith(href) or path == href:
                continue
            key = shape(path)
            if key in pages or key == path:  # only record pages (with an id), not further menus
                continue
            pages[key] = path
            found += 1
            if found >= details_per_page:
                break
    return pages
