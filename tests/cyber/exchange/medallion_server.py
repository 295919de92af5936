"""The OASIS reference TAXII 2.1 server, medallion, run on loopback from a venv of its own.

medallion is not a dependency of Lionrock (it pins its own Flask and pymongo). Tests install nothing
and reach no registry: .ci/run installs it before the suite and names it in LIONROCK_MEDALLION; by hand,
`uv venv /tmp/lionrock-test-medallion && uv pip install --python /tmp/lionrock-test-medallion/bin/python
medallion==3.0.0`. The server gets a memory-backend configuration written here and is stopped when the
test ends.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

VENV = Path("/tmp/lionrock-test-medallion")
API_ROOT = "api1"
COLLECTION_ID = "91a7b528-80eb-42ed-a74d-c6fbd5a26116"
MEDIA = "application/stix+json;version=2.1"


def medallion_executable() -> Path | None:
    """The medallion command named by LIONROCK_MEDALLION, or the one in the default venv; None if absent."""
    named = os.environ.get("LIONROCK_MEDALLION")
    executable = Path(named) if named else VENV / "bin" / "medallion"
    return executable if executable.exists() else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Medallion:
    """A running medallion holding one collection; `entries` are (date_added, STIX object)."""

    def __init__(self, executable: Path, workdir: Path, entries: list[tuple[str, dict[str, Any]]]) -> None:
        self.port = _free_port()
        base = f"http://127.0.0.1:{self.port}"
        self.collection_url = f"{base}/{API_ROOT}/collections/{COLLECTION_ID}/"
        data = {
            "/discovery": {
                "title": "test",
                "default": f"{base}/{API_ROOT}/",
                "api_roots": [f"{base}/{API_ROOT}/"],
            },
            API_ROOT: {
                "information": {
                    "title": "test root",
                    "versions": ["application/taxii+json;version=2.1"],
                    "max_content_length": 10_000_000,
                },
                "status": [],
                "collections": [
                    {
                        "id": COLLECTION_ID,
                        "title": "Partner indicators",
                        "can_read": True,
                        "can_write": False,
                        "media_types": [MEDIA],
                        "objects": [obj for _, obj in entries],
                        "manifest": [
                            {
                                "id": obj["id"],
                                "date_added": added,
                                "version": obj["modified"],
                                "media_type": MEDIA,
                            }
                            for added, obj in entries
                        ],
                    }
                ],
            },
        }
        data_file = workdir / "medallion-data.json"
        data_file.write_text(json.dumps(data))
        config = workdir / "medallion-config.json"
        config.write_text(
            json.dumps(
                {
                    "backend": {
                        "module": "medallion.backends.memory_backend",
                        "module_class": "MemoryBackend",
                        "filename": str(data_file),
                    },
                    "users": {"partner": "s3cret"},
                    "taxii": {"max_page_size": 100},
                }
            )
        )
        self.process = subprocess.Popen(
            [str(executable), "--host", "127.0.0.1", "--port", str(self.port), str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("medallion did not start")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
