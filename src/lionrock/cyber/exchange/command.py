"""`lionrock intel ...`: import a file or feed directory, stream an export, poll feeds, from the shell.

The parser is built without Django; `run` is called once Django is set up. Each command acts as the
user named by --user, with that user's roles and TLP rights, exactly as in the UI.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

IMPORT_FORMATS = ("auto", "stix", "misp", "misp-feed", "csv", "text")
EXPORT_FORMATS = ("stix", "misp", "csv", "zeek", "suricata-dataset", "suricata-iprep", "list")
TLP_WORDS = ("clear", "white", "green", "amber", "amber+strict", "red")


def add_intel_parser(sub: Any) -> argparse.ArgumentParser:
    intel: argparse.ArgumentParser = sub.add_parser(
        "intel", help="import and export intelligence, poll TAXII feeds"
    )
    actions = intel.add_subparsers(dest="intel_command", required=True, metavar="ACTION")

    imp = actions.add_parser(
        "import",
        help="import a file or MISP feed directory into a collection (all or nothing)",
        description="STIX 2.x bundles (2.0 upgraded), MISP events, MISP feed directories or archives, "
        "CSV and text lists (defanged values refanged). Nothing is stored if any part is refused.",
    )
    imp.add_argument("file", type=Path, help="the file, or a MISP feed directory with manifest.json")
    imp.add_argument("--collection", required=True, help="short code or id of the collection")
    imp.add_argument("--user", required=True, help="email of the analyst the import acts for")
    imp.add_argument("--tlp", choices=TLP_WORDS, help="TLP for objects that carry no marking")
    imp.add_argument("--format", choices=IMPORT_FORMATS, default="auto", help="default: recognise")
    imp.add_argument("--dry-run", action="store_true", help="report what would be stored; store nothing")

    exp = actions.add_parser("export", help="write what the user may see in a collection, in a tool's format")
    exp.add_argument("--collection", required=True)
    exp.add_argument("--user", required=True, help="email of the person the export is for (TLP applies)")
    exp.add_argument("--format", choices=EXPORT_FORMATS, default="stix")
    exp.add_argument("--kind", default="", help="for list and suricata-dataset: ip, cidr, domain, url, ...")
    exp.add_argument(
        "--include-warninglisted",
        action="store_true",
        help="zeek, suricata and list: keep values on MISP warninglists (left out by default)",
    )
    exp.add_argument("--output", "-o", type=Path, help="file to write (default: standard output)")

    feeds = actions.add_parser("feeds", help="list TAXII feeds, or poll the due ones now")
    feeds.add_argument("feeds_action", choices=("list", "poll"))
    feeds.add_argument("--user", help="for list: email of the analyst whose feeds to show")
    return intel


def _actor(email: str) -> Any:
    from lionrock.core.accounts.access import actor_for_email

    actor = actor_for_email(email)
    if actor is None:
        raise SystemExit(f"lionrock intel: no active user {email!r}")
    return actor


def _collection(actor: Any, key: str) -> Any:
    from lionrock.core.accounts.access import NotFound
    from lionrock.cyber.intel.selectors import collection_access_get

    try:
        return collection_access_get(actor=actor, key=key).collection
    except NotFound:
        raise SystemExit(f"lionrock intel: no collection {key!r} for this user") from None


def run(args: argparse.Namespace) -> int:
    from lionrock.core.accounts.access import NotFound
    from lionrock.core.errors import ValidationFailed

    try:
        if args.intel_command == "import":
            return _import(args)
        if args.intel_command == "export":
            return _export(args)
        return _feeds(args)
    except NotFound:
        print("lionrock intel: not found, or not allowed for this user", file=sys.stderr)
        return 2
    except ValidationFailed as error:
        print(f"lionrock intel: {error}", file=sys.stderr)
        if args.intel_command == "import":
            print("Nothing was stored.", file=sys.stderr)
        return 2


def _import(args: argparse.Namespace) -> int:
    from lionrock.cyber.exchange import services
    from lionrock.cyber.intel.tlp import tlp_from_word

    actor = _actor(args.user)
    collection = _collection(actor, args.collection)
    level = tlp_from_word(args.tlp) if args.tlp else None
    if not args.file.exists():
        print(f"lionrock intel: {args.file}: no such file or directory", file=sys.stderr)
        return 2
    if args.dry_run:
        preview = services.import_preview(
            path=args.file, name=args.file.name, format=args.format, tlp=level.value if level else ""
        )
        counts, flagged, skipped = preview.counts, preview.flagged, preview.skipped
        print(f"Would import {sum(counts.values())} object(s) as {preview.format}: {counts}")
    else:
        run, preview = services.import_run(
            actor=actor,
            collection=collection,
            path=args.file,
            name=args.file.name,
            format=args.format,
            tlp=level.value if level else "",
        )
        counts, flagged, skipped = run.counts, run.flagged, run.skipped
        print(
            f"Imported {run.added} object version(s) into {collection.alias} from {run.format}"
            f" ({run.duplicates} already present): {counts}"
        )
    for item in flagged:
        print(f"flagged: {item.get('value') or item.get('name')} is on warninglist: {item['list']}")
    for line in skipped:
        print(f"skipped: {line}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from lionrock.cyber.exchange import exporting

    actor = _actor(args.user)
    collection = _collection(actor, args.collection)
    job = exporting.export_open(
        actor=actor,
        collection=collection,
        fmt=args.format,
        kind=args.kind,
        include_warninglisted=args.include_warninglisted,
    )
    if args.output:
        with args.output.open("w", encoding="utf-8", newline="") as handle:
            for chunk in job.chunks:
                handle.write(chunk)
        print(f"Wrote {args.output}", file=sys.stderr)
    else:
        for chunk in job.chunks:
            sys.stdout.write(chunk)
    if job.warninglisted:
        print(
            f"Left out {job.warninglisted} value(s) on MISP warninglists"
            " (--include-warninglisted keeps them)",
            file=sys.stderr,
        )
    return 0


def _feeds(args: argparse.Namespace) -> int:
    from lionrock.cyber.exchange import selectors, services

    if args.feeds_action == "poll":
        claimed = services.feeds_claim_due()
        for feed_id in claimed:
            feed = selectors.feed_for_worker(feed_id=feed_id)
            if feed is not None:
                poll = services.feed_poll(feed=feed)
                print(
                    f"{feed.name}: {poll.outcome}; {poll.added} added, "
                    f"{poll.duplicates} present {poll.message}"
                )
        if not claimed:
            print("No feed is due.")
        return 0
    if not args.user:
        print("lionrock intel feeds list: --user is required", file=sys.stderr)
        return 2
    for feed in selectors.feeds_visible(actor=_actor(args.user)).order_by("name"):
        state = "paused" if not feed.is_active else ("failing" if feed.is_failing else "ok")
        print(f"{feed.pk}\t{feed.name}\t{feed.collection.alias}\t{state}\t{feed.next_poll_at:%Y-%m-%d %H:%M}")
    return 0
