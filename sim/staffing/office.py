"""Reviewers per handling office so that enough cases finish within the statutory limit.

Model (documented assumptions, kept deliberately simple):

- Time runs on a *working-time axis*: only working hours exist (``hours_per_day`` productive
  review hours per working day; weekends and holidays are simply absent). A calendar that
  maps dates to working days belongs to the engine; here "working day ``d``" is the ``d``-th
  working day of the axis.
- Cases arrive as a Poisson stream with ``cases_per_working_day`` spread evenly over
  working time; each needs a review effort (working hours, any :class:`ServiceSampler`).
- ``reviewers`` identical reviewers work first come, first served (which is also earliest
  due date, since every case has the same limit).
- A case received on working day ``d`` is *within limit* when its review finishes by the end
  of working day ``d + limit_working_days`` (the day of receipt is not counted, as in the
  usual "N working days from acceptance" rule).
- The first ``warmup_days`` are discarded; each replication covers ``measured_days`` more.

The plan is the smallest reviewer count whose one-sided 95% lower bound of the within-limit
share reaches ``target_share``, found on common random numbers and checked on independent
replications.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.seeds import fresh_seed
from sim.staffing.evaluate import Z_ONE_SIDED_95, Z_TWO_SIDED_95, SampledDays, simulate_waits
from sim.staffing.search import StaffingInfeasibleError
from sim.staffing.service import ServiceSampler
from tongban.kernel.errors import InputError


@dataclass(frozen=True)
class OfficeDemand:
    """Case inflow and review effort of one handling office."""

    office_id: str
    cases_per_working_day: float
    review_hours: ServiceSampler
    limit_working_days: int

    def __post_init__(self) -> None:
        if not (math.isfinite(self.cases_per_working_day) and self.cases_per_working_day > 0):
            raise InputError(
                f"office {self.office_id}: cases_per_working_day must be > 0",
                field="cases_per_working_day",
            )
        if self.limit_working_days < 0:
            raise InputError(
                f"office {self.office_id}: limit_working_days must be >= 0",
                field="limit_working_days",
            )


@dataclass(frozen=True)
class OfficeSettings:
    """Target and simulation knobs for office staffing."""

    target_share: float = 0.95
    hours_per_day: float = 7.0
    warmup_days: int = 20
    measured_days: int = 100
    replications: int = 60
    verify_replications: int = 120
    max_reviewers: int | None = None
    seed: int = 0

    def __post_init__(self) -> None:
        if not 0.0 < self.target_share < 1.0:
            raise InputError("office target_share must be in (0, 1)", field="target_share")
        if not 0.0 < self.hours_per_day <= 24.0:
            raise InputError("hours_per_day must be in (0, 24]", field="hours_per_day")
        if self.measured_days < 1 or self.replications < 2 or self.verify_replications < 2:
            raise InputError("office simulation needs >= 1 measured day and >= 2 replications")


@dataclass(frozen=True)
class OfficePlan:
    """Reviewers for one office with its verified within-limit share."""

    office_id: str
    reviewers: int
    cases_per_working_day: float
    utilisation: float
    within_limit_share: float
    within_limit_ci95: float
    within_limit_lower95: float
    mean_days: float


def _sample(
    demand: OfficeDemand, settings: OfficeSettings, replications: int, seed: np.random.SeedSequence
) -> SampledDays:
    days = settings.warmup_days + settings.measured_days
    horizon = days * settings.hours_per_day
    rate = demand.cases_per_working_day / settings.hours_per_day
    arrivals, efforts = [], []
    for child in fresh_seed(seed).spawn(replications):
        rng = np.random.default_rng(child)
        times = np.sort(rng.uniform(0.0, horizon, rng.poisson(rate * horizon)))
        arrivals.append(times)
        efforts.append(demand.review_hours.sample_many(rng, times.size))
    width = max(1, max(a.size for a in arrivals))
    arr = np.full((replications, width), np.inf)
    eff = np.zeros((replications, width))
    for r, (a, e) in enumerate(zip(arrivals, efforts, strict=True)):
        arr[r, : a.size] = a
        eff[r, : e.size] = e
    # One whole "hour" with its count kept after it: the reviewer count never changes.
    return SampledDays(arrivals=arr, services=eff, hours=1)


def _within_limit(
    demand: OfficeDemand, settings: OfficeSettings, sampled: SampledDays, reviewers: list[int]
) -> list[tuple[float, float, float, float]]:
    """(share, ci95, lower95, mean days) per reviewer count, on the same sampled cases."""
    plans = np.asarray(reviewers, dtype=np.int64)[:, None]
    waits = simulate_waits(sampled, plans)
    hpd = settings.hours_per_day
    arrivals = sampled.arrivals
    valid = np.isfinite(arrivals) & (arrivals >= settings.warmup_days * hpd)
    due = (np.floor(np.where(valid, arrivals, 0.0) / hpd) + demand.limit_working_days + 1) * hpd
    out = []
    for p in range(len(reviewers)):
        finish = arrivals + waits[p] + sampled.services
        ok = np.where(valid, finish <= due + 1e-9, False)
        met = ok.sum(axis=1).astype(float)
        n = valid.sum(axis=1).astype(float)
        share = float(met.sum() / max(n.sum(), 1.0))
        reps = met.size
        stderr = math.sqrt(float(((met - share * n) ** 2).sum()) / (reps * (reps - 1))) / max(
            float(n.mean()), 1.0
        )
        turnaround = np.where(valid, (waits[p] + sampled.services) / hpd, 0.0)
        mean_days = float(turnaround.sum() / max(n.sum(), 1.0))
        out.append((share, Z_TWO_SIDED_95 * stderr, share - Z_ONE_SIDED_95 * stderr, mean_days))
    return out


def staff_office(demand: OfficeDemand, settings: OfficeSettings | None = None) -> OfficePlan:
    """Smallest reviewer count whose within-limit share meets the target with 95% confidence."""
    settings = settings or OfficeSettings()
    load = demand.cases_per_working_day * demand.review_hours.mean / settings.hours_per_day
    first = max(1, math.floor(load) + 1)
    cap = settings.max_reviewers or math.ceil(load + 6.0 * math.sqrt(load) + 10.0)
    if cap < first:
        raise StaffingInfeasibleError(
            f"office {demand.office_id}: max_reviewers = {cap} cannot keep up with the "
            f"workload of {load:.2f} reviewer-days per working day"
        )
    search_seed, verify_seed = np.random.SeedSequence(settings.seed).spawn(2)
    sampled = _sample(demand, settings, settings.replications, search_seed)
    chosen: int | None = None
    best: tuple[int, float] = (cap, 0.0)
    for low in range(first, cap + 1, 4):
        counts = list(range(low, min(low + 4, cap + 1)))
        for count, (share, _, lower, _) in zip(
            counts, _within_limit(demand, settings, sampled, counts), strict=True
        ):
            best = (count, share)
            if lower >= settings.target_share:
                chosen = count
                break
        if chosen is not None:
            break
    if chosen is None:
        raise StaffingInfeasibleError(
            f"office {demand.office_id}: even {best[0]} reviewers finish only {best[1]:.1%} of "
            f"cases within {demand.limit_working_days} working days (target "
            f"{settings.target_share:.0%}); the review effort may exceed the limit itself"
        )
    verify = _sample(demand, settings, settings.verify_replications, verify_seed)
    plan = _office_plan(demand, settings, verify, chosen)
    while plan.within_limit_lower95 < settings.target_share and chosen < cap:
        chosen += 1
        plan = _office_plan(demand, settings, verify, chosen)
    return plan


def _office_plan(
    demand: OfficeDemand, settings: OfficeSettings, sampled: SampledDays, reviewers: int
) -> OfficePlan:
    """The figures of ``reviewers`` on already sampled verification replications."""
    share, ci95, lower, mean_days = _within_limit(demand, settings, sampled, [reviewers])[0]
    load = demand.cases_per_working_day * demand.review_hours.mean / settings.hours_per_day
    return OfficePlan(
        office_id=demand.office_id,
        reviewers=reviewers,
        cases_per_working_day=demand.cases_per_working_day,
        utilisation=load / reviewers,
        within_limit_share=share,
        within_limit_ci95=ci95,
        within_limit_lower95=lower,
        mean_days=mean_days,
    )


def evaluate_office(
    demand: OfficeDemand, reviewers: int, settings: OfficeSettings | None = None
) -> OfficePlan:
    """Within-limit share of a given reviewer count (independent verification replications)."""
    settings = settings or OfficeSettings()
    if reviewers < 1:
        raise InputError("reviewers must be >= 1", field="reviewers")
    verify_seed = np.random.SeedSequence(settings.seed).spawn(2)[1]
    sampled = _sample(demand, settings, settings.verify_replications, verify_seed)
    return _office_plan(demand, settings, sampled, reviewers)
