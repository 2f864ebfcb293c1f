"""EMS pickup times per window, and the planned vans' hand-overs at the processing centre.

The one data type shared by the routing plan and the simulation (neither imports the other).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from tongban.kernel.clock import format_clock, parse_clock
from tongban.kernel.hours import MINUTES_PER_DAY


@dataclass(frozen=True)
class PickupSchedule:
    """EMS pickup times of day (minutes after midnight) per window id.

    ``handover`` maps a window id to ``(pickup minute, centre arrival minute)`` pairs
    (minutes after midnight of the pickup's day): a planned van collects the window at
    the first and hands the parcels over at the processing centre at the second.
    """

    default: tuple[float, ...]
    by_window: Mapping[str, tuple[float, ...]] = field(default_factory=dict)
    handover: Mapping[str, tuple[tuple[float, float], ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for window, pairs in self.handover.items():
            times = set(self.by_window.get(window, ()))
            for pickup, centre in pairs:
                if pickup not in times:
                    raise ValueError(f"window {window}: hand-over for unknown pickup {pickup}")
                if not pickup <= centre < pickup + MINUTES_PER_DAY:
                    raise ValueError(
                        f"window {window}: centre arrival {centre} must be within a day "
                        f"after the pickup {pickup}"
                    )

    @classmethod
    def from_clock_strings(
        cls, default: Sequence[str], by_window: Mapping[str, Sequence[str]] | None = None
    ) -> PickupSchedule:
        """Build from ``"HH:MM"`` strings (no hand-overs: the EMS model collects)."""
        return cls(
            tuple(sorted(parse_clock(t) for t in default)),
            {
                window: tuple(sorted(parse_clock(t) for t in times))
                for window, times in (by_window or {}).items()
            },
        )

    @classmethod
    def from_handovers(
        cls,
        default: Sequence[str],
        handovers: Mapping[str, Sequence[tuple[float, float]]],
    ) -> PickupSchedule:
        """Build from a routing plan: per window, ``(pickup, centre arrival)`` minutes.

        Minutes are rounded to whole minutes; when one pickup time has several van
        arrivals (a big hall split over vans) the latest arrival counts.
        """
        latest: dict[str, dict[float, float]] = {}
        for window, pairs in handovers.items():
            per_pickup = latest.setdefault(window, {})
            for pickup, centre in pairs:
                p, c = float(round(pickup)), float(round(centre))
                per_pickup[p] = max(per_pickup.get(p, c), c)
        return cls(
            tuple(sorted(parse_clock(t) for t in default)),
            {w: tuple(sorted(p)) for w, p in latest.items() if p},
            {w: tuple(sorted(p.items())) for w, p in latest.items() if p},
        )

    def times_for(self, window_id: str) -> tuple[float, ...]:
        """Pickup times of one window (the default when the window has none of its own)."""
        return self.by_window.get(window_id, self.default)

    def centre_arrival(self, window_id: str | None, pickup_minute: float) -> float | None:
        """Absolute minute a planned van brings this pickup to the centre, or None.

        ``pickup_minute`` is the absolute simulation minute of the pickup (as returned by
        :func:`wait_for_pickup`); None means the window has no planned van for it and the
        EMS model's own collection applies.
        """
        if window_id is None:
            return None
        pairs = self.handover.get(window_id)
        if not pairs:
            return None
        day_start = (pickup_minute // MINUTES_PER_DAY) * MINUTES_PER_DAY
        time_of_day = pickup_minute - day_start
        for pickup, centre in pairs:
            if abs(pickup - time_of_day) < 1e-6:
                return day_start + centre
        return None

    def rows(self) -> list[tuple[str, str]]:
        """``(window_id, "HH:MM")`` pairs for ``pickups.csv``."""
        out: list[tuple[str, str]] = []
        for window, times in sorted(self.by_window.items()):
            out.extend((window, format_clock(t)) for t in times)
        return out
