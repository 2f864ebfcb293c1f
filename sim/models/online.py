"""全程网办: an application filed on the platform (optionally assisted at a window)."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import simpy


def submit_online(env: simpy.Environment, minutes: float) -> Generator[Any, Any, None]:
    """The platform hands the application to the handling office ``minutes`` later."""
    if minutes > 0:
        yield env.timeout(minutes)
