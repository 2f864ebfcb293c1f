"""全程网办: an application filed on the platform (optionally assisted at a window)."""

from __future__ import annotations

from sim.models.separation import after


def submitted_online(now: float, minutes: float) -> float:
    """The minute the platform hands the application to the handling office."""
    return after(now, minutes) if minutes > 0 else now
