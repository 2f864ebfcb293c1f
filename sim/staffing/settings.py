"""The staffing search's inputs and answer: settings, the plan with its verification, and
the hour-by-hour Erlang C start (:mod:`sim.staffing.search` runs the search itself)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sim.staffing import erlang
from sim.staffing.evaluate import HourlyServiceLevels, WaitTarget
from tongban.kernel.errors import InputError

IntArray = npt.NDArray[np.int64]
# Arrivals one evaluation may sample (replications × a day's arrivals); beyond this the
# arrays no longer fit comfortably in memory (~16 bytes per arrival and plan).
MAX_SAMPLED_ARRIVALS = 50_000_000


class StaffingInfeasibleError(InputError):
    """No plan within the clerk cap meets the target; carries the best achievable figures."""

    def __init__(self, message: str, best: HourlyServiceLevels | None = None) -> None:
        super().__init__(message, field="targets")
        self.best = best


@dataclass(frozen=True)
class StaffingSettings:
    """Knobs of the search; defaults suit one window-day of a few hundred applicants."""

    search_replications: int = 1000
    verify_replications: int = 4000
    max_clerks: int | None = None
    min_clerks: int = 1
    max_iterations: int = 40
    verify_rounds: int = 3
    trim_headroom: int = 1
    level_plan: bool = False
    seed: int = 0

    def __post_init__(self) -> None:
        if self.search_replications < 10 or self.verify_replications < 10:
            raise InputError("replications for staffing must be >= 10", field="replications")
        if self.min_clerks < 0:
            raise InputError("min_clerks must be >= 0", field="min_clerks")
        if self.max_clerks is not None and self.max_clerks < max(1, self.min_clerks):
            raise InputError("max_clerks must be >= max(1, min_clerks)", field="max_clerks")


@dataclass(frozen=True)
class WindowPlan:
    """A staffing answer for one window-day with the independent verification *of ``clerks``*.

    ``verified`` is ``False`` when even the last verification round missed the target in
    some hour; ``verification`` then holds the best achievable figures found for this plan.
    """

    clerks: tuple[int, ...]
    erlang_clerks: tuple[int, ...]
    verification: HourlyServiceLevels
    verified: bool
    iterations: int
    trimmed: int

    @property
    def clerk_hours(self) -> int:
        """Total clerk-hours of the plan."""
        return int(sum(self.clerks))

    @property
    def erlang_clerk_hours(self) -> int:
        """Total clerk-hours of the hour-by-hour Erlang C plan."""
        return int(sum(self.erlang_clerks))


def default_max_clerks(rates_per_hour: Sequence[float], service_mean_minutes: float) -> int:
    """A generous cap: peak load plus ten standard deviations (plus a few)."""
    peak = float(np.max(erlang.offered_load(rates_per_hour, service_mean_minutes)))
    return int(np.ceil(peak + 10.0 * np.sqrt(peak) + 5.0))


def erlang_plan(
    rates_per_hour: Sequence[float],
    service_mean_minutes: float,
    target: WaitTarget,
    *,
    max_clerks: int,
    min_clerks: int = 1,
) -> IntArray:
    """Hour-by-hour Erlang C plan; ``-1`` marks hours no count up to ``max_clerks`` serves."""
    load = erlang.offered_load(rates_per_hour, service_mean_minutes)
    return erlang.min_servers(
        load,
        service_mean_minutes,
        target.wait_minutes,
        target.wait_share,
        max_servers=max_clerks,
        min_servers_floor=min_clerks,
    )
