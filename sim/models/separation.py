"""Separation (收受分离): push the file online; originals wait for the next EMS pickup.

A :class:`PickupSchedule` gives each window its pickup times of day. By default every
window has the scenario's fixed daily times; the routing stage produces a schedule of the
same type from its plan (``PickupSchedule.from_clock_strings({...})``).
"""

from __future__ import annotations

from collections.abc import Generator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import simpy

from sim.calendar import Timetable, parse_clock
from sim.distributions import Distribution


@dataclass(frozen=True)
class PickupSchedule:
    """EMS pickup times of day (minutes after midnight) per window id."""

    default: tuple[float, ...]
    by_window: Mapping[str, tuple[float, ...]] = field(default_factory=dict)

    @classmethod
    def from_clock_strings(
        cls, default: Sequence[str], by_window: Mapping[str, Sequence[str]] | None = None
    ) -> PickupSchedule:
        """Build from ``"HH:MM"`` strings."""
        return cls(
            tuple(sorted(parse_clock(t) for t in default)),
            {
                window: tuple(sorted(parse_clock(t) for t in times))
                for window, times in (by_window or {}).items()
            },
        )

    def times_for(self, window_id: str) -> tuple[float, ...]:
        """Pickup times of one window (the default when the window has none of its own)."""
        return self.by_window.get(window_id, self.default)

    def rows(self) -> list[tuple[str, str]]:
        """``(window_id, "HH:MM")`` pairs for ``pickups.csv``."""
        out: list[tuple[str, str]] = []
        for window, times in sorted(self.by_window.items()):
            out.extend((window, f"{int(t // 60):02d}:{int(t % 60):02d}") for t in times)
        return out


def push_online(
    env: simpy.Environment, push_minutes: Distribution, rng: np.random.Generator
) -> Generator[Any, Any, None]:
    """The online push of the scanned file to the handling office."""
    yield env.timeout(push_minutes.sample(rng))


def wait_for_pickup(
    env: simpy.Environment, timetable: Timetable, pickup_times: Sequence[float]
) -> Generator[Any, Any, float]:
    """Wait for the next EMS pickup at the window; returns the pickup minute."""
    pickup = timetable.next_clock_time(env.now, pickup_times)
    yield env.timeout(pickup - env.now)
    return pickup
