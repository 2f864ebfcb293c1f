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
4. **Refinement at full precision** — steps 2–3 run on ``search_replications`` but judge
   each hour by the lower bound it would have with ``verify_replications`` (the same rule
   and precision as the final check, :meth:`HourlyServiceLevels.projected_lower_bound`), so
   the trim is not stricter than the verification. The plan is then re-checked on
   ``verify_replications`` replications of the search seed: hours that miss get a clerk,
   and clerk-hours are trimmed again while every hour still holds at that precision.
5. **Verification** — the plan is re-simulated on ``verify_replications`` replications
   independent of everything above; that check decides. If an hour misses, a clerk is added
   there and the new plan is verified on a fresh independent set (``verify_rounds`` in all).
   The returned :class:`WindowPlan` always carries the verification *of its own clerks*:
   when the last round still misses, ``verified`` is ``False`` and the plan is the one
   that was checked (callers must say so; ``tongban staff`` warns and exits 2).

What "meets the target" means: in every hour, the one-sided 95% lower confidence bound of
the share of that hour's arrivals who wait at most ``wait_minutes`` is at least
``wait_share``. The confidence is **per hour, not joint** over the day: with 8 hours at the
boundary, the chance that some hour truly falls short is larger than 5%. Each staffed block
of hours **starts with an empty queue** at opening (true after a night; after a lunch
break it assumes the morning's queue cleared during the break, which the engine checks).

A target no plan can meet (``wait_share = 1``, or a clerk cap below the need) raises
:class:`StaffingInfeasibleError` with the best achievable per-hour figures.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sim.staffing.day import OpenDay
from sim.staffing.evaluate import (
    DiscreteEventEvaluator,
    HourlyServiceLevels,
    WaitTarget,
    WindowEvaluator,
)
from sim.staffing.service import ServiceSampler
from sim.staffing.settings import (
    MAX_SAMPLED_ARRIVALS,
    IntArray,
    StaffingInfeasibleError,
    StaffingSettings,
    WindowPlan,
    default_max_clerks,
    erlang_plan,
)
from tongban.kernel.errors import InputError

logger = logging.getLogger(__name__)

__all__ = [
    "MAX_SAMPLED_ARRIVALS",
    "StaffingInfeasibleError",
    "StaffingSettings",
    "WindowPlan",
    "default_max_clerks",
    "erlang_plan",
    "staff_window",
    "verify_plan",
]


def _describe(levels: HourlyServiceLevels) -> str:
    return ", ".join(
        f"hour {h}: {sl:.1%} ± {ci:.1%}"
        for h, (sl, ci) in enumerate(zip(levels.service_level, levels.ci95, strict=True))
    )


@dataclass(frozen=True)
class _Problem:
    """One search: the window-day, its evaluator and the statistical rule."""

    evaluator: WindowEvaluator
    rates: list[float]
    service: ServiceSampler
    target: WaitTarget
    day: OpenDay
    judge_replications: int  # the precision every acceptance is judged at

    def evaluate(
        self, plans: IntArray, replications: int, seed: np.random.SeedSequence
    ) -> list[HourlyServiceLevels]:
        if isinstance(self.evaluator, DiscreteEventEvaluator):
            return self.evaluator.evaluate_many(
                self.rates, self.service, plans, self.target, replications, seed, self.day
            )
        return [
            self.evaluator.evaluate(
                self.rates,
                self.service,
                [int(c) for c in plan],
                self.target,
                replications,
                seed,
                self.day,
            )
            for plan in plans
        ]

    def slack(self, levels: HourlyServiceLevels) -> npt.NDArray[np.float64]:
        """Projected lower bound at the judging precision minus the target, per hour."""
        bound = levels.projected_lower_bound(max(levels.replications, self.judge_replications))
        return bound - self.target.wait_share

    def missing(self, levels: HourlyServiceLevels) -> IntArray:
        return np.flatnonzero(self.slack(levels) < -1e-12)


def staff_window(
    rates_per_hour: Sequence[float],
    service: ServiceSampler,
    target: WaitTarget,
    settings: StaffingSettings | None = None,
    evaluator: WindowEvaluator | None = None,
    day: OpenDay | None = None,
) -> WindowPlan:
    """Smallest hourly plan meeting ``target`` in every hour with 95% confidence (see module).

    ``day`` gives the minute-level open intervals (``None``: open all the hours).
    """
    settings = settings or StaffingSettings()
    rates = [float(r) for r in rates_per_hour]
    if not rates:
        raise InputError("the window needs at least one opening hour", field="per_hour")
    replications = max(settings.search_replications, settings.verify_replications)
    if sum(rates) * replications > MAX_SAMPLED_ARRIVALS:
        raise InputError(
            f"{sum(rates):,.0f} arrivals a day × {replications} replications is "
            f"more than the staffing simulation samples at once ({MAX_SAMPLED_ARRIVALS:,}); "
            "split the window or lower the replications",
            field="per_hour",
        )
    problem = _Problem(
        evaluator or DiscreteEventEvaluator(),
        rates,
        service,
        target,
        day or OpenDay.whole_hours(len(rates)),
        settings.verify_replications,
    )
    cap = settings.max_clerks or default_max_clerks(rates, service.mean)
    floor = max(1, settings.min_clerks)
    root = np.random.SeedSequence(settings.seed)
    search_seed, *verify_seeds = root.spawn(1 + settings.verify_rounds)
    reps = settings.search_replications

    def at_cap() -> HourlyServiceLevels:
        return problem.evaluate(np.full((1, len(rates)), cap, dtype=np.int64), reps, search_seed)[0]

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
    if settings.level_plan:
        return _level_plan(problem, settings, start, cap, search_seed, verify_seeds)
    plan = start.copy()
    # Step 2: add clerks where an hour misses, until every hour holds.
    iterations = _correct(problem, plan, reps, search_seed, cap, settings.max_iterations)
    # Step 3: from one clerk of headroom in every hour, remove clerk-hours while every hour
    # still holds (common random numbers, so candidate plans differ only by the plan).
    plan[:] = np.minimum(plan + settings.trim_headroom, cap)
    trimmed = _trim(problem, plan, reps, search_seed, floor)
    # Step 4: the same at the verification's precision (still on the search seed).
    full = settings.verify_replications
    if full > reps:
        iterations += _correct(problem, plan, full, search_seed, cap, settings.max_iterations)
        trimmed += _trim(problem, plan, full, search_seed, floor)
    # Step 5: verify on independent replications; the returned plan is the one checked.
    verification = problem.evaluate(plan[None, :], full, verify_seeds[0])[0]
    for round_seed in verify_seeds[1:]:
        missing = problem.missing(verification)
        if missing.size == 0 or np.all(plan[missing] >= cap):
            break
        logger.info("verification misses hours %s; adding a clerk there", missing)
        plan[missing] = np.minimum(plan[missing] + 1, cap)
        verification = problem.evaluate(plan[None, :], full, round_seed)[0]
    return WindowPlan(
        clerks=tuple(int(c) for c in plan),
        erlang_clerks=tuple(int(c) for c in start),
        verification=verification,
        verified=bool(problem.missing(verification).size == 0),
        iterations=iterations,
        trimmed=trimmed,
    )


def _correct(
    problem: _Problem,
    plan: IntArray,
    reps: int,
    seed: np.random.SeedSequence,
    cap: int,
    max_iterations: int,
) -> int:
    """Add a clerk to every missing hour until all hold; updates ``plan``, returns rounds."""
    iterations = 0
    while True:
        iterations += 1
        levels = problem.evaluate(plan[None, :], reps, seed)[0]
        missing = problem.missing(levels)
        logger.info("iteration %d: plan %s, missing hours %s", iterations, plan, missing)
        if missing.size == 0:
            return iterations
        if iterations >= max_iterations or np.all(plan[missing] >= cap):
            raise StaffingInfeasibleError(
                f"no plan with at most {cap} clerks per hour meets the target in hour(s) "
                f"{missing.tolist()}; best found {plan.tolist()}: {_describe(levels)}",
                levels,
            )
        for h in missing:
            if plan[h] < cap:
                plan[h] += 1
            elif h > 0 and plan[h - 1] < cap:
                plan[h - 1] += 1


def _trim(
    problem: _Problem, plan: IntArray, reps: int, seed: np.random.SeedSequence, floor: int
) -> int:
    """Trim rounds until none removes anything; returns the clerk-hours removed."""
    trimmed = 0
    while True:
        removed = _trim_round(problem, reps, seed, plan, floor)
        if removed == 0:
            return trimmed
        trimmed += removed


def _trim_round(
    problem: _Problem, reps: int, seed: np.random.SeedSequence, plan: IntArray, floor: int
) -> int:
    """One trim round; updates ``plan`` in place and returns the clerk-hours removed.

    Every single-hour removal is evaluated; those that keep every hour at target are ranked
    by the applicants still served in time (least harm first) and the best one is removed.
    Large windows (``plan.sum() ≥ 200``) may remove the top ``k ≤ plan.sum() / 100`` at once,
    halving ``k`` until the combined plan still holds: this saves rounds where one
    clerk-hour is a small step, at a small cost in leanness (removing many at once can
    end in a worse local optimum, which is why small windows go one at a time).
    """
    hours = [h for h in range(plan.size) if plan[h] > floor]
    if not hours:
        return 0
    candidates = np.repeat(plan[None, :], len(hours), axis=0)
    candidates[np.arange(len(hours)), hours] -= 1
    results = problem.evaluate(candidates, reps, seed)
    slacks = np.array([problem.slack(r).min() for r in results])
    served = np.array([float(r.service_level @ r.arrivals_per_day) for r in results])
    order = [int(i) for i in np.argsort(-served) if slacks[i] >= -1e-12]
    if not order:
        return 0
    k = min(len(order), int(plan.sum()) // 100)
    while k > 1:
        combined = plan.copy()
        combined[[hours[i] for i in order[:k]]] -= 1
        check = problem.evaluate(combined[None, :], reps, seed)[0]
        if problem.missing(check).size == 0:
            plan[:] = combined
            return k
        k //= 2
    plan[hours[order[0]]] -= 1
    return 1


def _level_plan(
    problem: _Problem,
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
    hours = len(problem.rates)
    floor = max(1, settings.min_clerks)
    low = max(floor, int(start.max()) - 3)
    chosen: int | None = None
    batches = 0
    last: HourlyServiceLevels | None = None
    for first in range(low, cap + 1, 4):
        counts = list(range(first, min(first + 4, cap + 1)))
        plans = np.repeat(np.asarray(counts, dtype=np.int64)[:, None], hours, axis=1)
        batches += 1
        results = problem.evaluate(plans, settings.search_replications, search_seed)
        for count, result in zip(counts, results, strict=True):
            last = result
            if problem.missing(result).size == 0:
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
    full = settings.verify_replications

    def check(count: int, seed: np.random.SeedSequence) -> HourlyServiceLevels:
        return problem.evaluate(np.full((1, hours), count, dtype=np.int64), full, seed)[0]

    verification = check(chosen, verify_seeds[0])
    for round_seed in verify_seeds[1:]:
        if problem.missing(verification).size == 0 or chosen >= cap:
            break
        chosen += 1
        verification = check(chosen, round_seed)
    return WindowPlan(
        clerks=(chosen,) * hours,
        erlang_clerks=tuple(int(c) for c in start),
        verification=verification,
        verified=bool(problem.missing(verification).size == 0),
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
    day: OpenDay | None = None,
) -> HourlyServiceLevels:
    """Service levels of any plan on a given seed (e.g. to check the Erlang C plan)."""
    evaluator = evaluator or DiscreteEventEvaluator()
    return evaluator.evaluate(rates_per_hour, service, clerks, target, replications, seed, day)
