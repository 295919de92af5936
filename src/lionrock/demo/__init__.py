"""The demo world: invented organisations, people and records of every area, built through the services.

The one package that builds every mission area (`lionrock serve --demo`, `lionrock demo`); the core and
the areas never import it. Each area contributes its own part from its `demo.py`.
"""

from lionrock.demo.accounts import DemoRefused, DemoWorld, demo_email
from lionrock.demo.world import demo_accounts_text, demo_world_build

__all__ = [
    "DemoRefused",
    "DemoWorld",
    "demo_accounts_text",
    "demo_email",
    "demo_world_build",
]
