"""`lionrock match` measured as a user runs it: the shipped command, indicator load and warninglists included.

The data is generated here, independently of the matcher's own assumptions and of generate.py: values are
drawn the way real feeds and logs look, not from ranges chosen to keep them apart.

* Indicators: a STIX 2.1 bundle (and the same values as a plain list) mixing public IPv4 addresses (40%),
  domains (30%, a mix of TLDs as abuse feeds show them, some with a `www.`), URLs (15%, http and https,
  paths such as `/wp-admin/x.php?id=`), and MD5/SHA-1/SHA-256 hashes (15%).
* Logs: Zeek conn and dns. Clients are in 10.0.0.0/16; servers and names are drawn from a pool with
  Zipf popularity (a few sites get most traffic, as in real DNS), with `www.`/`api.`/`cdn.` subdomains;
  about 0.1% of the lines carry a value of an indicator (an address, a name or a subdomain of one).

Every run is a fresh process, as a user starts it; the figures are wall seconds, CPU seconds (user +
system of that process, which other load does not inflate), peak memory, and the machine's load average
before and after. Scenarios, each run `--repeat` times (the fastest kept):

* `cold`: `--no-cache`: indicators parsed and compiled, warninglists compiled from their JSON, every run;
* `first`: an empty cache: as cold, plus storing the compiled index and lists;
* `warm`: the cache filled by `first`: what every later run over the same feed costs;
* `no-wl`: warm, with `--no-warninglists`;
* `slow`: warm, with a dozen slow-path patterns (MATCHES, LIKE, AND) added to the feed;
* `baseline` (with `--baseline-src DIR`, an older `src/` tree, e.g. from `git archive`): that version's
  `python -m lionrock.matcher.command` on the same files;
* `jobs`: warm, with `--jobs N` (`--jobs`, default 2);
* `polars`, `duckdb`: an exact semi-join of every value column the matcher reads for that log, against
  the plain list, in a fresh process (`semijoin.py`), the matching rows counted. conn: a row counts when
  either address equals a value; dns: when the `query` equals a value or any element of the `answers`
  (a Zeek set, split on `,`; the unset `-` and the empty `(empty)` match nothing) does. Exact text only:
  no subdomains, no CIDR blocks, no case, trailing-dot or IPv6 forms, no validity or warninglists, so a
  lower bound on the matcher's work. Polars and DuckDB are in the development dependency group, for this
  comparison only.
* `polars-out`, `duckdb-out`: the same semi-joins, with the matching rows (`ts` and those columns) written
  to standard output as JSON lines, as the matcher writes its hits, instead of only counted.

The data is generated once into `--data` and reused while the sizes and seed are the same (`data.json`).

Usage: uv run python benchmarks/matcher/cli_bench.py [--indicators N] [--lines N] [--repeat N]
       [--baseline-src DIR] [--data DIR] [--keep] [--scenarios a,b,...] [--jobs N]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_TLDS = (
    ["com"] * 40 + ["net"] * 8 + ["org"] * 6 + ["ru", "xyz", "top", "info", "cn", "io", "online", "site"] * 3
)
_WORDS = [
    "secure", "login", "update", "account", "verify", "cloud", "mail", "pay", "bank", "shop", "service",
    "portal", "app", "support", "online", "web", "data", "cdn", "static", "media", "news", "hk", "asia",
]  # fmt: skip
_PATHS = [
    "/wp-admin/",
    "/wp-content/plugins/",
    "/login.php",
    "/index.php",
    "/admin/",
    "/gate.php",
    "/api/v1/",
]
_SLOW_PATTERNS = [
    "[domain-name:value MATCHES '^[a-z0-9]{12,}\\\\.(top|xyz)$']",
    "[domain-name:value LIKE '%.duckdns.org']",
    "[domain-name:value LIKE 'login-%.com']",
    "[url:value MATCHES '^http://[^/]+/wp-admin/.*\\\\.php']",
    "[url:value LIKE '%/gate.php%']",
    "[ipv4-addr:value = '198.51.100.7' AND network-traffic:dst_port = 4444]",
    "[domain-name:value MATCHES 'paypal.*\\\\.(ru|cn)$']",
    "[domain-name:value LIKE '%.onion.%']",
    "[email-addr:value MATCHES '@evil-corp\\\\.example$']",
    "[domain-name:value MATCHES '^xn--.*\\\\.top$']",
    "[url:value MATCHES '\\\\.(exe|scr|ps1)$']",
    "[domain-name:value LIKE 'update-%.net']",
]


def _name(rng: random.Random) -> str:
    style = rng.random()
    if style < 0.4:
        label = rng.choice(_WORDS) + "-" + rng.choice(_WORDS) + str(rng.randint(1, 999))
    elif style < 0.7:
        label = "".join(rng.choices("abcdefghijklmnopqrstuvwxyz0123456789", k=rng.randint(8, 16)))
    else:
        label = rng.choice(_WORDS) + "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(3, 8)))
    return f"{label}.{rng.choice(_TLDS)}"


def _public_ip(rng: random.Random) -> str:
    while True:
        first = rng.randint(1, 223)
        if first not in (10, 127) and not (first == 192 and rng.random() < 0.5):
            return f"{first}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


@dataclass
class Feed:
    ips: list[str]
    domains: list[str]
    urls: list[str]
    hashes: list[str]


def make_feed(rng: random.Random, count: int) -> Feed:
    feed = Feed([], [], [], [])
    for _ in range(count):
        draw = rng.random()
        if draw < 0.40:
            feed.ips.append(_public_ip(rng))
        elif draw < 0.70:
            name = _name(rng)
            feed.domains.append(("www." if rng.random() < 0.1 else "") + name)
        elif draw < 0.85:
            scheme = "https" if rng.random() < 0.6 else "http"
            query = f"?id={rng.randint(1, 99999)}" if rng.random() < 0.3 else ""
            feed.urls.append(f"{scheme}://{_name(rng)}{rng.choice(_PATHS)}{rng.randint(1, 999)}{query}")
        else:
            feed.hashes.append("".join(rng.choices("0123456789abcdef", k=rng.choice((32, 40, 64)))))
    return feed


def write_feed(feed: Feed, folder: Path, extra_patterns: list[str] = ()) -> tuple[Path, Path]:  # type: ignore[assignment]
    objects = []
    stamp = "2024-01-01T00:00:00.000Z"

    def indicator(pattern: str) -> dict[str, object]:
        return {
            "type": "indicator", "spec_version": "2.1", "id": f"indicator--{uuid.uuid4()}",
            "created": stamp, "modified": stamp, "pattern": pattern, "pattern_type": "stix",
            "valid_from": stamp,
        }  # fmt: skip

    objects += [indicator(f"[ipv4-addr:value = '{v}']") for v in feed.ips]
    objects += [indicator(f"[domain-name:value = '{v}']") for v in feed.domains]
    objects += [indicator(f"[url:value = '{v}']") for v in feed.urls]
    names = {32: "MD5", 40: "SHA-1", 64: "SHA-256"}
    objects += [indicator(f"[file:hashes.'{names[len(v)]}' = '{v}']") for v in feed.hashes]
    objects += [indicator(p) for p in extra_patterns]
    bundle = folder / ("feed-slow.json" if extra_patterns else "feed.json")
    bundle.write_text(json.dumps({"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": objects}))
    plain = folder / "feed.txt"
    plain.write_text("\n".join(feed.ips + feed.domains + feed.urls + feed.hashes) + "\n")
    return bundle, plain


def _zipf_pool(rng: random.Random, size: int, make: object) -> tuple[list[str], list[float]]:
    pool = [make(rng) for _ in range(size)]  # type: ignore[operator]
    weights = [1.0 / (rank**1.1) for rank in range(1, size + 1)]
    return pool, weights


def _header(path: str, fields: list[str]) -> str:
    return (
        "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n"
        f"#path\t{path}\n#open\t2024-01-01-00-00-00\n#fields\t" + "\t".join(fields) + "\n"
        "#types\t" + "\t".join("string" for _ in fields) + "\n"
    )


def write_logs(rng: random.Random, feed: Feed, lines: int, folder: Path) -> tuple[Path, Path]:
    servers, server_weights = _zipf_pool(rng, 20000, _public_ip)
    names, name_weights = _zipf_pool(rng, 50000, _name)
    conn_fields = ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto", "service",
                   "duration", "orig_bytes", "resp_bytes", "conn_state"]  # fmt: skip
    dns_fields = ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto", "trans_id",
                  "query", "qtype_name", "rcode_name", "answers", "TTLs"]  # fmt: skip
    conn, dns = folder / "conn.log", folder / "dns.log"
    start = 1_704_067_200.0
    with conn.open("w") as c, dns.open("w") as d:
        c.write(_header("conn", conn_fields))
        d.write(_header("dns", dns_fields))
        batch = 10000
        for first in range(0, lines, batch):
            count = min(batch, lines - first)
            resp = rng.choices(servers, server_weights, k=count)
            queried = rng.choices(names, name_weights, k=count)
            answers = rng.choices(servers, server_weights, k=count)
            crows, drows = [], []
            for i in range(count):
                ts = f"{start + (first + i) * 0.01:.6f}"
                client = f"10.0.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
                server = resp[i]
                name = rng.choice(("", "", "www.", "api.", "cdn.")) + queried[i]
                if rng.random() < 0.001 and feed.ips:
                    server = rng.choice(feed.ips)
                if rng.random() < 0.001 and feed.domains:
                    name = rng.choice(("", "a.")) + rng.choice(feed.domains)
                crows.append(
                    f"{ts}\tC{first + i}\t{client}\t{rng.randint(1024, 65535)}\t{server}\t"
                    f"{rng.choice((443, 443, 443, 80, 53, 8443))}\ttcp\t-\t{rng.random() * 10:.3f}\t"
                    f"{rng.randint(0, 99999)}\t{rng.randint(0, 999999)}\tSF\n"
                )
                drows.append(
                    f"{ts}\tD{first + i}\t{client}\t{rng.randint(1024, 65535)}\t10.0.0.53\t53\tudp\t"
                    f"{rng.randint(0, 65535)}\t{name}\tA\tNOERROR\t{answers[i]}\t300.0\n"
                )
            c.write("".join(crows))
            d.write("".join(drows))
    return conn, dns


# -- running ---------------------------------------------------------------------------------------------


def load() -> str:
    return " ".join(f"{v:.1f}" for v in os.getloadavg())


def run_process(command: list[str], env: dict[str, str]) -> dict[str, object]:
    """Wall, CPU and peak memory of one child process, measured with wait4 (exact per process)."""
    before = load()
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    out = process.stdout.read()
    err = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    text = err.decode("utf-8", "replace")
    summary = re.search(r"summary: (\d+) events from \d+ files in ([0-9.]+) s", text)
    return {
        "wall": wall,
        "match_wall": float(summary.group(2)) if summary else None,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mb": usage.ru_maxrss / 1024,
        "status": os.waitstatus_to_exitcode(status),
        "hits": out.count(b"\n"),
        "load": f"{before} -> {load()}",
        "stderr": text,
    }


def warm_up(folder: Path, match: list[str], env: dict[str, str]) -> None:
    """One small run through every part of the command, so that the runs measured find their modules
    compiled, as an installed package has them (it leaves no cache behind)."""
    feed, log = folder / "warm-up.json", folder / "warm-up.log"
    stamp = "2024-01-01T00:00:00.000Z"
    objects = [
        {"type": "indicator", "spec_version": "2.1", "id": f"indicator--{uuid.uuid4()}", "created": stamp,
         "modified": stamp, "pattern": pattern, "pattern_type": "stix", "valid_from": stamp}
        for pattern in ("[ipv4-addr:value = '192.0.2.1']", _SLOW_PATTERNS[0])
    ]  # fmt: skip
    feed.write_text(json.dumps({"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": objects}))
    log.write_text(_header("conn", ["ts", "id.orig_h", "id.resp_h"]) + "1704067200.0\t10.0.0.1\t192.0.2.1\n")
    subprocess.run([*match, "--no-cache", "--indicators", str(feed), str(log), "--jsonl", os.devnull],
                   env=env, capture_output=True, check=False)  # fmt: skip


def best(runs: list[dict[str, object]]) -> dict[str, object]:
    return min(runs, key=lambda r: float(r["cpu"]))  # type: ignore[arg-type]


SCENARIOS = (
    "cold", "first", "warm", "jobs", "no-wl", "plain", "slow", "baseline", "polars", "duckdb", "polars-out",
    "duckdb-out",
)  # fmt: skip
# Every value column the matcher reads for each log (src/lionrock/matcher/zeek.py, PATH_ROLES), as
# semijoin.py takes them: `:set` for a Zeek set, whose elements are compared one by one. conn's ports are
# left out: the matcher reads them only beside an address-and-port indicator, and the plain list has none.
SEMI_JOIN_COLUMNS = {"conn": ["id.orig_h", "id.resp_h"], "dns": ["query", "answers:set"]}


def semi_join(
    engine: str, plain: Path, log: Path, rows: list[tuple[str, str, str, dict[str, object]]]
) -> None:
    """An exact semi-join of the log's columns against the plain list, in a fresh process as the matcher
    runs: the indicator list and the log both read by the engine, the matching rows counted (`-out`:
    written as JSON lines as well)."""
    name, write = engine.removesuffix("-out"), engine.endswith("-out")
    columns = SEMI_JOIN_COLUMNS[log.stem]
    command = [sys.executable, str(Path(__file__).with_name("semijoin.py")), *(["--write"] if write else []),
               name, str(plain), str(log), *columns]  # fmt: skip
    result = run_process(command, dict(os.environ))
    result["hits"] = int(result["stderr"].strip().splitlines()[-1]) if result["status"] == 0 else None  # type: ignore[union-attr]
    rows.append((engine, plain.name, log.name, result))
    print(f"  {engine:9} {plain.name:14} {log.name:9} wall {result['wall']:7.2f} s  "
          f"cpu {result['cpu']:7.2f} s  rss {result['rss_mb']:6.0f} MB  rows {result['hits']}  "
          f"exit {result['status']}  load {result['load']}", flush=True)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--indicators", type=int, default=100_000)
    parser.add_argument("--lines", type=int, default=200_000, help="lines per log (conn and dns)")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--baseline-src", type=Path, help="an older src/ tree to run side by side")
    parser.add_argument("--data", type=Path, help="keep the generated data here (default: a temp folder)")
    parser.add_argument("--keep", action="store_true", help="do not delete the temp folder")
    parser.add_argument(
        "--scenarios",
        help=f"comma-separated, from {','.join(SCENARIOS)} (default: all; 'none' to generate only)",
    )
    parser.add_argument("--jobs", type=int, default=2, help="worker processes of the `jobs` scenario")
    args = parser.parse_args()

    folder = args.data or Path(tempfile.mkdtemp(prefix="lionrock-cli-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    generated = time.perf_counter()
    feed = make_feed(rng, args.indicators)
    bundle, plain, slow_bundle = folder / "feed.json", folder / "feed.txt", folder / "feed-slow.json"
    conn, dns = folder / "conn.log", folder / "dns.log"
    facts = {"indicators": args.indicators, "lines": args.lines, "seed": args.seed, "version": 1}
    marker = folder / "data.json"
    if marker.is_file() and json.loads(marker.read_text()) == facts:
        print(f"data: reusing {folder} ({args.indicators:,} indicators, {args.lines:,} lines)")
    else:
        write_feed(feed, folder)
        write_feed(feed, folder, _SLOW_PATTERNS)
        write_logs(rng, feed, args.lines, folder)
        marker.write_text(json.dumps(facts))
        print(f"data: {args.indicators:,} indicators, {args.lines:,} lines each of conn and dns, "
              f"in {folder} ({time.perf_counter() - generated:.0f} s to generate)")  # fmt: skip
    print(f"machine: {os.cpu_count()} CPUs, load average {load()}", flush=True)

    cache = folder / "cache"
    # As installed by pip, Python's modules are compiled once and their bytecode kept: a shell that sets
    # PYTHONDONTWRITEBYTECODE would make every run compile numpy and pyarrow's Python again (0.2-0.4 s).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(ROOT / "src")
    match = [sys.executable, "-m", "lionrock.matcher.command"]
    warm_up(folder, match, env)
    rows: list[tuple[str, str, str, dict[str, object]]] = []

    def scenario(label: str, source: Path, log: Path, *extra: str, environment: dict[str, str] = env) -> None:
        runs = []
        for attempt in range(args.repeat):
            if label == "first":
                for stored in cache.glob("index-*"):
                    stored.unlink()
            command = [*match, "--indicators", str(source), str(log), "--jsonl", "-", *extra]
            if label not in ("cold", "baseline"):
                command += ["--cache-dir", str(cache)]
            runs.append(run_process(command, environment))
            del attempt
        chosen = best(runs)
        rows.append((label, source.name, log.name, chosen))
        print(f"  {label:9} {source.name:14} {log.name:9} wall {chosen['wall']:7.2f} s  "
              f"cpu {chosen['cpu']:7.2f} s  "
              f"(matching {chosen['match_wall']} s)  "
              f"rss {chosen['rss_mb']:6.0f} MB  hits {chosen['hits']:6}  exit {chosen['status']}  "
              f"load {chosen['load']}", flush=True)  # fmt: skip

    chosen = set(args.scenarios.split(",")) if args.scenarios else set(SCENARIOS)
    for log in (conn, dns):
        if "cold" in chosen:
            scenario("cold", bundle, log, "--no-cache")
        if chosen & {"first", "warm", "no-wl", "jobs"}:
            scenario("first", bundle, log)
        if "warm" in chosen:
            scenario("warm", bundle, log)
        if "jobs" in chosen:
            scenario("jobs", bundle, log, "--jobs", str(args.jobs))
        if "no-wl" in chosen:
            scenario("no-wl", bundle, log, "--no-warninglists")
        if "plain" in chosen:
            scenario("first", plain, log)
            scenario("warm", plain, log)
        if "slow" in chosen:
            scenario("first", slow_bundle, log)
            scenario("slow", slow_bundle, log)
        if args.baseline_src and "baseline" in chosen:
            scenario(
                "baseline", bundle, log, environment={**os.environ, "PYTHONPATH": str(args.baseline_src)}
            )
        for engine in ("polars", "duckdb", "polars-out", "duckdb-out"):
            if engine in chosen:
                semi_join(engine, plain, log, rows)
    if not rows:
        return
    summary = folder / "cli_bench.json"
    summary.write_text(json.dumps([{"scenario": a, "indicators": b, "log": c, **{k: v for k, v in r.items()
                                    if k != "stderr"}} for a, b, c, r in rows], indent=2))  # fmt: skip
    print(f"figures: {summary}")
    last = rows[-1][3]["stderr"]
    print("last run's summary:\n" + str(last)[-1500:])
    if not args.data and not args.keep:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
