"""An export opened for an actor: the rows their TLP allows, the writer, file name and media type."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from lionrock.core.accounts import access
from lionrock.core.accounts.access import Actor
from lionrock.core.accounts.roles import Scope
from lionrock.core.audit import services as audit
from lionrock.core.errors import ValidationFailed
from lionrock.cyber.exchange import flags, selectors, writers
from lionrock.cyber.exchange.models import ImportRun
from lionrock.cyber.intel.models import Collection

# The response header that tells how many warninglisted values a blocking export left out.
WARNINGLISTED_HEADER = "X-Lionrock-Warninglisted"
# A MISP event is converted in memory, whole; larger collections go out as streamed STIX bundles.
MISP_EXPORT_MAX = 50_000


@dataclass
class ExportJob:
    chunks: Iterator[str]
    content_type: str
    filename: str
    # Values left out because a MISP warninglist names them (blocking formats, unless included).
    warninglisted: int = 0


def _screened(values: list[writers.Value]) -> tuple[list[writers.Value], int]:
    """The values no MISP warninglist names, and how many were left out."""
    lists = flags.warninglists_of([(value.kind, value.value) for value in values])
    kept = [value for value, found in zip(values, lists, strict=True) if found is None]
    return kept, len(values) - len(kept)


def export_open(
    *,
    actor: Actor,
    collection: Collection,
    fmt: str,
    kind: str = "",
    category: int = 1,
    score: int = 100,
    include_warninglisted: bool = False,
) -> ExportJob:
    """Checks the request, records it in the audit trail, and returns the stream (read lazily).

    A blocking format leaves out values on MISP warninglists unless include_warninglisted: its values
    are gathered and screened first (one batch lookup), so that the count is known before the download.
    """
    access.require_scope(actor, Scope.INTEL_READ)
    if fmt not in writers.FORMATS:
        raise ValidationFailed(_("Unknown export format “%(format)s”.") % {"format": fmt})
    if fmt in ("list", "suricata-dataset") and kind not in (
        writers.DATASET_KINDS if fmt == "suricata-dataset" else writers.KINDS
    ):
        raise ValidationFailed(_("Choose a kind of value for this format."))
    if fmt not in ("list", "suricata-dataset"):
        kind = ""  # only lists and datasets take one; anything else would only reach the file name
    if fmt == "misp" and selectors.export_count(actor=actor, collection=collection) > MISP_EXPORT_MAX:
        raise ValidationFailed(
            _("A MISP event holds at most %(max)s objects; export this collection as a STIX bundle instead.")
            % {"max": MISP_EXPORT_MAX}
        )
    rows = selectors.export_rows(actor=actor, collection=collection)  # raises NotFound if unreadable
    first = next(rows, None)
    chained = _chain(first, rows)
    values: list[writers.Value] | None = None
    withheld = 0
    if fmt in writers.BLOCKING_FORMATS and not include_warninglisted:
        values, withheld = _screened(list(writers.unique(writers.indicator_values(chained))))
    audit.record(
        actor=actor,
        action="exchange.export",
        target=collection,
        changes={"format": fmt, "kind": kind, "warninglisted_left_out": withheld},
        summary=f"{fmt}{':' + kind if kind else ''}",
    )
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    suffix = f"-{kind}" if kind else ""
    extension = writers.EXTENSIONS.get(fmt, "txt")
    return ExportJob(
        chunks=writers.write(
            fmt,
            chained,
            kind=kind,
            title=f"lionrock:{collection.alias}",
            category=category,
            score=score,
            values=values,
        ),
        content_type=writers.CONTENT_TYPES.get(fmt, "text/plain; charset=utf-8"),
        filename=f"{collection.alias}-{fmt}{suffix}-{stamp}.{extension}",
        warninglisted=withheld,
    )


def _chain(first: writers.Row | None, rest: Iterator[writers.Row]) -> Iterator[writers.Row]:
    if first is not None:
        yield first
        yield from rest


def preview_rows(run: ImportRun, *, limit: int) -> list[dict[str, Any]]:
    """The first objects of a draft, with the flag each indicator carries, for the wizard's table."""
    flagged = {item["id"]: item["list"] for item in run.flagged}
    rows = []
    for obj in json.loads(run.objects_json or "[]")[:limit]:
        rows.append(
            {
                "type": obj.get("type", ""),
                "id": obj.get("id", ""),
                "label": writers.describe_row(obj),
                "pattern": obj.get("pattern", ""),
                "flag": flagged.get(obj.get("id", ""), ""),
            }
        )
    return rows
