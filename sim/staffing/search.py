"""The smallest hourly clerk plan that meets a wait target in every hour, with evidence.

Steps (one window, one day type):

1. **Erlang C start** — per hour, the smallest count whose stationary M/M/c service level
   meets the target (the "stationary independent period-by-period" plan).
2. **Iterative correction by simulation** — in the spirit of the iterative staffing algorithm
   of Feldman, Mandelbaum, Massey & Whitt (Management Science 54(2), 2008): simulate the
   current plan, and wherever an hour misses the target (one-sided 95% lower bound below
   ``wait_share``) add a clerk to that hour; repeat until every hour holds. Unlike the
   original ISA (which sets staffing from the simulated number-in-system distribution for a
   delay-probability target) the fixed point here is taken directly on the per-hour wait
   service level, which is the target planners state.
3. **Trim** — add one clerk of headroom to every hour, then repeatedly remove the
   clerk-hour whose removal keeps every hour at target and costs the fewest applicants
   served in time, judged on common random numbers, until no clerk-hour can go. Erlang C
   over-staffs the opening hour and rising hours (the queue has not built up yet) and
   under-staffs the hour after a peak; the headroom lets the trim move clerks between
   hours rather than only remove them.
4. **Verification** — the final plan is re-simulated on replications independent of those
   used in steps 2–3. If an hour misses, a clerk is added there and the plan is verified
   again on a fresh independent set (a bounded number of rounds).

A target no plan can meet (``wait_share = 1``, or a clerk cap below the need) raises
:class:`StaffingInfeasibleError` with the best achievable per-hour figures.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sim.staffing import erlang
from sim.staffing.evaluate import (
    DiscreteEventEvaluator,
    HourlyServiceLevels,
    WaitTarget,
    WindowEvaluator,
)
from sim.staffing.service import ServiceSampler
from tongban.errors import InputError

logger = logging.getLogger(__name__)

IntArray = npt.NDArray[np.int64]


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
    """A staffing answer for one window-day with its independent verification."""

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


def _describe(levels: HourlyServiceLevels) -> str:
    return ", ".join(
        f"hour {h}: {sl:.1%} ± {ci:.1%}"
        for h, (sl, ci) in enumerate(zip(levels.service_level, levels.ci95, strict=True))
    )


def _evaluate_many(
    evaluator: WindowEvaluator,
    rates: Sequence[float],
    service: ServiceSampler,
    plans: IntArray,
    target: WaitTarget,
    replications: int,
    seed: np.random.SeedSequence,
) -> list[HourlyServiceLevels]:
    if isinstance(evaluator, DiscreteEventEvaluator):
        return evaluator.evaluate_many(rates, service, plans, target, replications, seed)
    return [
        evaluator.evaluate(rates, service, [int(c) for c in plan], target, replications, seed)
        for plan in plans
    ]


def staff_window(
    rates_per_hour: Sequence[float],
    service: ServiceSampler,
    target: WaitTarget,
    settings: StaffingSettings | None = None,
    evaluator: WindowEvaluator | None = None,
) -> WindowPlan:
    """Smallest hourly plan meeting ``target`` in every hour with 95% confidence (see module)."""
    settings = settings or StaffingSettings()
    evaluator = evaluator or DiscreteEventEvaluator()
    rates = [float(r) for r in rates_per_hour]
    if not rates:
        raise InputError("the window needs at least one opening hour", field="per_hour")
    cap = settings.max_clerks or default_max_clerks(rates, service.mean)
    floor = max(1, settings.min_clerks)
    root = np.random.SeedSequence(settings.seed)
    search_seed, *verify_seeds = root.spawn(1 + settings.verify_rounds)

    def at_cap() -> HourlyServiceLevels:
        plan = np.full((1, len(rates)), cap, dtype=np.int64)
        return _evaluate_many(
            evaluator, rates, service, plan, target, settings.search_replications, search_seed
        )[0]

    if target.wait_share >= 1.0:
        best = at_cap()
        raise StaffingInfeasibleError(
            f"targets.wait_share = {target.wait_share:g} cannot be met: with Poisson arrivals "
            f"some applicant can always wait more than {target.wait_minutes:g} min. Best "
            f"achievable with {cap} clerks every hour: {_describe(best)}",
            best,
        )
    start = erlang_plan(rates, service.mean, target, max_clerks=cap, min_clerks=floor)
    if np.any(start < 0):
        best = at_cap()
        short = [h for h in range(len(rates)) if start[h] < 0]
        raise StaffingInfeasibleError(
            f"max_clerks = {cap} is below the need in hour(s) {short} (0 = the opening "
            f"hour; even stationary "
            f"Erlang C cannot meet {target.wait_share:.0%} within {target.wait_minutes:g} min). "
            f"Best achievable with {cap} clerks every hour: {_describe(best)}",
            best,
        )
    plan = start.copy()
    share = target.wait_share
    reps = settings.search_replications
    if settings.level_plan:
        return _level_plan(
            evaluator, rates, service, target, settings, start, cap, search_seed, verify_seeds
        )

    # Step 2: add clerks where an hour misses, until every hour holds.
    iterations = 0
    while True:
        iterations += 1
        levels = _evaluate_many(evaluator, rates, service, plan[None, :], target, reps, search_seed)
        missing = np.flatnonzero(~levels[0].meets(share))
        logger.info("iteration %d: plan %s, missing hours %s", iterations, plan, missing)
        if missing.size == 0:
            break
        if iterations >= settings.max_iterations or np.all(plan[missing] >= cap):
            raise StaffingInfeasibleError(
                f"no plan with at most {cap} clerks per hour meets the target in hour(s) "
                f"{missing.tolist()}; best found {plan.tolist()}: {_describe(levels[0])}",
                levels[0],
            )
        for h in missing:
            if plan[h] < cap:
                plan[h] += 1
            elif h > 0 and plan[h - 1] < cap:
                plan[h - 1] += 1

    # Step 3: from one clerk of headroom in every hour, remove clerk-hours while every hour
    # still holds (common random numbers, so candidate plans differ only by the plan).
    plan = np.minimum(plan + settings.trim_headroom, cap)
    trimmed = 0
    while True:
        removed = _trim_round(evaluator, rates, service, target, reps, search_seed, plan, floor)
        if removed == 0:
            break
        trimmed += removed

    # Step 4: verify on independent replications.
    verified = False
    verification: HourlyServiceLevels | None = None
    for round_seed in verify_seeds:
        verification = _evaluate_many(
            evaluator,
            rates,
            service,
            plan[None, :],
            target,
            settings.verify_replications,
            round_seed,
        )[0]
        missing = np.flatnonzero(~verification.meets(share))
        if missing.size == 0:
            verified = True
            break
        logger.info("verification misses hours %s; adding a clerk there", missing)
        plan[missing] = np.minimum(plan[missing] + 1, cap)
    assert verification is not None
    return WindowPlan(
        clerks=tuple(int(c) for c in plan),
        erlang_clerks=tuple(int(c) for c in start),
        verification=verification,
        verified=verified,
        iterations=iterations,
        trimmed=trimmed,
    )


def _trim_round(
    evaluator: WindowEvaluator,
    rates: list[float],
    service: ServiceSampler,
    target: WaitTarget,
    reps: int,
    seed: np.random.SeedSequence,
    plan: IntArray,
    floor: int,
) -> int:
    """One trim round; updates ``plan`` in place and returns the clerk-hours removed.

    Every single-hour removal is evaluated; those that keep every hour at target are ranked
    by the applicants still served in time (least harm first) and the best one is removed.
    Large windows (``plan.sum() ≥ 200``) may remove the top ``k ≤ plan.sum() / 100`` at once,
    halving ``k`` until the combined plan still holds: this saves rounds where one
    clerk-hour is a small step, at a small cost in leanness (removing many at once can
    end in a worse local optimum, which is why small windows go one at a time).
    """
    share = target.wait_share
    hours = [h for h in range(plan.size) if plan[h] > floor]
    if not hours:
        return 0
    candidates = np.repeat(plan[None, :], len(hours), axis=0)
    candidates[np.arange(len(hours)), hours] -= 1
    results = _evaluate_many(evaluator, rates, service, candidates, target, reps, seed)
    slacks = np.array([r.slack(share).min() for r in results])
    served = np.array([float(r.service_level @ r.arrivals_per_day) for r in results])
    order = [int(i) for i in np.argsort(-served) if slacks[i] >= -1e-12]
    if not order:
        return 0
    k = min(len(order), int(plan.sum()) // 100)
    while k > 1:
        combined = plan.copy()
        combined[[hours[i] for i in order[:k]]] -= 1
        check = _evaluate_many(evaluator, rates, service, combined[None, :], target, reps, seed)
        if check[0].meets(share).all():
            plan[:] = combined
            return k
        k //= 2
    plan[hours[order[0]]] -= 1
    return 1


def _level_plan(
    evaluator: WindowEvaluator,
    rates: list[float],
    service: ServiceSampler,
    target: WaitTarget,
    settings: StaffingSettings,
    start: IntArray,
    cap: int,
    search_seed: np.random.SeedSequence,
    verify_seeds: list[np.random.SeedSequence],
) -> WindowPlan:
    """Smallest *constant* clerk count meeting the target in every hour (a flat plan).

    For stationary demand in steady state this is the Erlang C answer; it is also what a
    planner who wants one staffing level all day asks for.
    """
    hours = len(rates)
    floor = max(1, settings.min_clerks)
    low = max(floor, int(start.max()) - 3)
    chosen: int | None = None
    batches = 0
    last: HourlyServiceLevels | None = None
    for first in range(low, cap + 1, 4):
        counts = list(range(first, min(first + 4, cap + 1)))
        plans = np.repeat(np.asarray(counts, dtype=np.int64)[:, None], hours, axis=1)
        batches += 1
        results = _evaluate_many(
            evaluator, rates, service, plans, target, settings.search_replications, search_seed
        )
        for count, result in zip(counts, results, strict=True):
            last = result
            if result.meets(target.wait_share).all():
                chosen = count
                break
        if chosen is not None:
            break
    if chosen is None:
        assert last is not None
        raise StaffingInfeasibleError(
            f"no constant plan with at most {cap} clerks meets the target in every hour; "
            f"best: {_describe(last)}",
            last,
        )
    verified = False
    verification: HourlyServiceLevels | None = None
    for round_seed in verify_seeds:
        plan = np.full((1, hours), chosen, dtype=np.int64)
        verification = _evaluate_many(
            evaluator, rates, service, plan, target, settings.verify_replications, round_seed
        )[0]
        if verification.meets(target.wait_share).all():
            verified = True
            break
        chosen = min(chosen + 1, cap)
    assert verification is not None
    return WindowPlan(
        clerks=(chosen,) * hours,
        erlang_clerks=tuple(int(c) for c in start),
        verification=verification,
        verified=verified,
        iterations=batches,
        trimmed=0,
    )


def verify_plan(
    rates_per_hour: Sequence[float],
    service: ServiceSampler,
    clerks: Sequence[int],
    target: WaitTarget,
    replications: int,
    seed: int,
    evaluator: WindowEvaluator | None = None,
) -> HourlyServiceLevels:
    """Service levels of any plan on a given seed (e.g. to check the Erlang C plan)."""
    evaluator = evaluator or DiscreteEventEvaluator()
    return evaluator.evaluate(rates_per_hour, service, clerks, target, replications, seed)
