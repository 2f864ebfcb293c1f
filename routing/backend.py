"""The small contract every solver backend fulfils."""

from __future__ import annotations

from dataclasses import dataclass

# A penalty per unserved stop far above any route cost: optional stops are dropped only
# when no feasible plan can carry them.
UNSERVED_PENALTY_FACTOR = 100


@dataclass(frozen=True)
class BackendOutcome:
    """Raw routes from a backend, before the common scheduler re-times and checks them.

    ``routes`` holds ``(vehicle, stop indices)`` pairs; ``found`` is False when the
    backend produced no solution at all (status reported by the library).
    """

    routes: tuple[tuple[int, tuple[int, ...]], ...]
    found: bool
    detail: str = ""


def unserved_penalty(max_arc: int, fixed_cost: int, unit_cost: int) -> int:
    """Penalty for leaving a stop unserved when stops are optional."""
    return UNSERVED_PENALTY_FACTOR * (2 * max_arc * max(unit_cost, 1) + fixed_cost + 1)
