"""REST endpoints for major events: the events one may see and their situation (for dashboards)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["events"])
