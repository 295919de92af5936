"""Small files built in code: STIX 2.0 and 2.1 bundles, a MISP event and feed, CSV and text lists."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from typing import Any

from tests.cyber.intel.factories import STAMP, indicator


def bundle(*objects: dict[str, Any]) -> bytes:
    return json.dumps({"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": list(objects)}).encode()


def stix20_bundle() -> bytes:
    """A 2.0 bundle: spec_version on the bundle, labels instead of indicator_types, no pattern_type."""
    return json.dumps(
        {
            "type": "bundle",
            "id": f"bundle--{uuid.uuid4()}",
            "spec_version": "2.0",
            "objects": [
                {
                    "type": "indicator",
                    "id": f"indicator--{uuid.uuid4()}",
                    "created": STAMP,
                    "modified": STAMP,
                    "labels": ["malicious-activity"],
                    "pattern": "[ipv4-addr:value = '198.51.100.7']",
                    "valid_from": STAMP,
                },
                {
                    "type": "malware",
                    "id": f"malware--{uuid.uuid4()}",
                    "created": STAMP,
                    "modified": STAMP,
                    "name": "Poison Ivy",
                    "labels": ["remote-access-trojan"],
                },
            ],
        }
    ).encode()


def misp_event(*values: tuple[str, str], info: str = "Phishing wave") -> dict[str, Any]:
    return {
        "Event": {
            "uuid": str(uuid.uuid4()),
            "info": info,
            "date": "2025-03-01",
            "timestamp": "1740816000",
            "threat_level_id": "2",
            "analysis": "1",
            "distribution": "1",
            "Org": {"name": "CERT", "uuid": "a0c22599-9e58-4da4-96ac-7051603fa951"},
            "Orgc": {"name": "CERT", "uuid": "a0c22599-9e58-4da4-96ac-7051603fa951"},
            "Tag": [{"name": "tlp:green"}],
            "Attribute": [
                {
                    "uuid": str(uuid.uuid4()),
                    "type": kind,
                    "category": "Network activity",
                    "value": value,
                    "to_ids": True,
                    "timestamp": "1740816000",
                }
                for kind, value in values
            ],
        }
    }


def misp_feed_zip(*events: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        manifest = {event["Event"]["uuid"]: {"info": event["Event"]["info"]} for event in events}
        archive.writestr("feed/manifest.json", json.dumps(manifest))
        for event in events:
            archive.writestr(f"feed/{event['Event']['uuid']}.json", json.dumps(event))
    return buffer.getvalue()


__all__ = ["bundle", "indicator", "misp_event", "misp_feed_zip", "stix20_bundle"]
