"""A believable demo world: every area builds its own part, in the order their records depend on.

Each mission area keeps its demo records beside its code (`<area>/demo.py`, built through that area's
services); this module only decides the order and wraps the whole in one transaction. It is the one place
that knows every area, so the shared core never imports a mission area. Running it again changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from lionrock.cyber.drills.demo import drills_demo_build
from lionrock.cyber.events.demo import events_demo_build
from lionrock.cyber.incidents.demo import incidents_demo_build
from lionrock.cyber.intel.demo import intel_demo_build
from lionrock.cyber.monitoring.demo import monitoring_demo_build
from lionrock.demo.accounts import DemoWorld, accounts_demo_build
from lionrock.immigration.enforcement.demo import enforcement_demo_build
from lionrock.immigration.screening.demo import screening_demo_build
from lionrock.publishing.demo import publishing_demo_build

# After the organisations and people, in dependency order: monitoring's sightings point at intel's
# indicators, screening's cases at enforcement's arrests, events' sightings at intel's collections, and
# publishing's press releases at enforcement's operations. Each part is called as `build(quiet=...)`.
AREA_PARTS: tuple[Callable[..., object], ...] = (
    intel_demo_build,
    monitoring_demo_build,
    enforcement_demo_build,
    screening_demo_build,
    incidents_demo_build,
    events_demo_build,
    drills_demo_build,
    publishing_demo_build,
)


@transaction.atomic
def demo_world_build(*, force: bool, quiet: bool) -> DemoWorld:
    """Builds the whole demo world in one transaction: accounts first, then each area's own part.

    Raises DemoRefused (nothing written) when the database holds real data and `force` is not given.
    """
    world = accounts_demo_build(force=force, quiet=quiet)
    for build in AREA_PARTS:
        build(quiet=quiet)
    return world


def demo_accounts_text(world: DemoWorld, *, url: str | None) -> str:
    """The sign-in sheet printed after a build: each demo account, its organisation, roles, the password."""
    width = max(len(email) for email, _, _ in world.accounts)
    lines = ["", "Demo accounts (all share one password):", ""]
    lines += [f"  {email:<{width}}  {org}: {roles}" for email, org, roles in world.accounts]
    lines += ["", f"  Password: {world.password}"]
    if url:
        lines += ["", f"Open {url} and sign in with any account above. Stop with Ctrl+C.", ""]
    return "\n".join(lines)
