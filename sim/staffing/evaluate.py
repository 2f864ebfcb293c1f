"""Per-hour service levels of one window-day under an hourly clerk plan.

:class:`WindowEvaluator` is the small protocol the staffing search needs; any simulator can
implement it (an adapter to the main engine's window function fits here). This module also
provides :class:`DiscreteEventEvaluator`, an exact and fast discrete-event evaluator of the
staffing model:

- the plan covers ``H`` clock hours; the window is open during the minute-level intervals of
  an :class:`~sim.staffing.day.OpenDay` (whole hours by default), and arrivals are Poisson
  at the hour's rate *while open*, exactly as the engine draws them (a 13:30 reopening gives
  the 13:00 hour half an hour of arrivals at the full rate, all after 13:30);
- while open, hour ``h`` has ``clerks[h]`` clerks; a case may *start* at time ``t`` only
  while fewer than ``clerks(t)`` cases are in service, so when the count drops clerks
  finish the case in hand (nobody is interrupted) and the first clerks to become free are
  the ones who leave (the engine's window counts clerks the same way);
- applicants are served first come, first served;
- everyone who arrived before closing is served: while closed (a break, or after the last
  closing) the clerks of the last open moment stay and serve those already waiting;
- the day starts with an empty queue (see :mod:`sim.staffing.search` on this assumption).

Because FCFS start times are non-decreasing, case ``i`` starts at the earliest
``t ≥ max(arrival_i, start_{i-1})`` where the number of earlier cases still in service is below
``clerks(t)``. Keeping each replication's departure times sorted, that is a closed form per
constant-capacity segment (the ``clerks(t)``-th largest departure must be ``≤ t``), so the
recursion runs vectorised over all replications and all candidate plans at once.

Service level of an hour = share of applicants *arriving* in that hour whose wait is at most
``wait_minutes``. Over ``R`` independent replications it is estimated by the ratio
``Σ met / Σ arrived`` with a delta-method standard error (:func:`ratio_levels`); ``ci95`` is
the two-sided 95% half-width and ``lower_bound`` the one-sided 95% lower confidence bound. A
target *holds with 95% confidence* in an hour when ``lower_bound ≥ wait_share``. The
confidence is per hour, not joint over the day's hours.

Randomness: replication ``r`` uses its own generator spawned from the root
:class:`numpy.random.SeedSequence`, and all plans evaluated with one seed share the same
arrivals and service times (common random numbers).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from sim.seeds import fresh_seed
from sim.staffing.day import OpenDay
from sim.staffing.service import ServiceSampler
from tongban.kernel.errors import InputError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

Z_TWO_SIDED_95 = 1.959963984540054
Z_ONE_SIDED_95 = 1.6448536269514722
MINUTES_PER_HOUR = 60.0


@dataclass(frozen=True)
class WaitTarget:
    """Staffing target: at least ``wait_share`` of applicants wait ≤ ``wait_minutes``."""

    wait_minutes: float
    wait_share: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.wait_minutes) and self.wait_minutes >= 0):
            raise InputError("targets.wait_minutes must be >= 0 minutes", field="wait_minutes")
        if not (0.0 < self.wait_share <= 1.0):
            raise InputError("targets.wait_share must be in (0, 1]", field="wait_share")


@dataclass(frozen=True)
class HourlyServiceLevels:
    """Per-hour service levels of one plan over independent replications."""

    service_level: FloatArray
    ci95: FloatArray
    lower_bound: FloatArray
    arrivals_per_day: FloatArray
    mean_wait_minutes: FloatArray
    replications: int

    def meets(self, wait_share: float) -> npt.NDArray[np.bool_]:
        """Hours whose one-sided 95% lower bound reaches ``wait_share``."""
        return self.lower_bound >= wait_share - 1e-12

    def slack(self, wait_share: float) -> FloatArray:
        """``lower_bound − wait_share`` per hour (negative where the target is missed)."""
        return self.lower_bound - wait_share

    def projected_lower_bound(self, replications: int) -> FloatArray:
        """The one-sided 95% lower bound these estimates would have with ``replications``.

        Standard errors shrink as ``1/√R``: this judges a plan found on a small sample by the
        precision its final verification will have (the same rule, the same precision).
        """
        stderr = (self.service_level - self.lower_bound) / Z_ONE_SIDED_95
        return self.service_level - Z_ONE_SIDED_95 * stderr * math.sqrt(
            self.replications / replications
        )


class WindowEvaluator(Protocol):
    """Evaluates one window-day under an hourly clerk plan (the staffing search's only need)."""

    def evaluate(
        self,
        rates_per_hour: Sequence[float],
        service: ServiceSampler,
        clerks: Sequence[int],
        target: WaitTarget,
        replications: int,
        seed: int | np.random.SeedSequence,
        day: OpenDay | None = None,
    ) -> HourlyServiceLevels:
        """Per-hour service level with 95% CI; the same seed must give the same answer.

        ``day`` gives the open intervals (``None``: open all ``len(rates_per_hour)`` hours).
        """
        ...


@dataclass(frozen=True)
class SampledDays:
    """Arrival and service times of ``R`` replications, padded with ``inf`` to equal length.

    ``day`` is the open time the arrivals were drawn on (``None``: open all ``hours`` whole
    hours; with ``hours = 1`` that is a constant-capacity system, as the office model uses).
    """

    arrivals: FloatArray  # (R, N) minutes from the first plan hour's start, sorted, inf-padded
    services: FloatArray  # (R, N) minutes
    hours: int
    day: OpenDay | None = None


def sample_days(
    rates_per_hour: Sequence[float],
    service: ServiceSampler,
    replications: int,
    seed: int | np.random.SeedSequence,
    day: OpenDay | None = None,
) -> SampledDays:
    """Draw Poisson arrivals while open (hourly rates) and service times per replication."""
    rates = np.asarray(rates_per_hour, dtype=float)
    if rates.ndim != 1 or rates.size == 0 or np.any(~np.isfinite(rates)) or np.any(rates < 0):
        raise InputError("arrival rates must be a non-empty list of numbers >= 0 per hour")
    if replications < 2:
        raise InputError("replications must be >= 2 to give a confidence interval")
    day = day or OpenDay.whole_hours(rates.size)
    if day.hours != rates.size:
        raise InputError(f"the open day has {day.hours} hours but the rates have {rates.size}")
    pieces = day.pieces()
    expected = rates[pieces.hours] * pieces.lengths / MINUTES_PER_HOUR
    per_rep_arrivals: list[FloatArray] = []
    per_rep_services: list[FloatArray] = []
    for child in fresh_seed(seed).spawn(replications):
        rng = np.random.default_rng(child)
        counts = rng.poisson(expected)
        which = np.repeat(np.arange(counts.size), counts)
        offsets = rng.random(which.size) * pieces.lengths[which]
        times = np.sort(pieces.starts[which] + offsets)
        per_rep_arrivals.append(times)
        per_rep_services.append(np.asarray(service.sample_many(rng, times.size), dtype=float))
    width = max(1, max(t.size for t in per_rep_arrivals))
    arrivals = np.full((replications, width), np.inf)
    services = np.zeros((replications, width))
    for r, (times, svc) in enumerate(zip(per_rep_arrivals, per_rep_services, strict=True)):
        arrivals[r, : times.size] = times
        services[r, : svc.size] = svc
    return SampledDays(arrivals=arrivals, services=services, hours=int(rates.size), day=day)


def _segments(days: SampledDays) -> tuple[FloatArray, IntArray]:
    return (days.day or OpenDay.whole_hours(days.hours)).segments()


def simulate_waits(days: SampledDays, plans: IntArray) -> FloatArray:
    """Waiting times (minutes) for every plan × replication × case; ``nan`` for padding.

    ``plans`` has shape ``(P, H)``; the result has shape ``(P, R, N)``.
    """
    plans = np.asarray(plans, dtype=np.int64)
    n_plans, hours = plans.shape
    if hours != days.hours:
        raise InputError(f"clerk plan has {hours} hours but the rates have {days.hours}")
    if np.any(plans < 0):
        raise InputError("clerk counts must be >= 0")
    reps, width = days.arrivals.shape
    rows = n_plans * reps
    max_clerks = max(1, int(plans.max()))
    # Constant-capacity segments (cut at clock hours and openings/closings); the last one
    # runs after closing with the clerks of the last open moment.
    seg_end, seg_column = _segments(days)
    n_segments = seg_end.size
    seg_clerks = np.repeat(plans[:, seg_column], reps, axis=0)
    if np.any(seg_clerks[:, -1] < 1):
        raise InputError("the last opening hour needs at least one clerk to clear the queue")
    # busy_until holds each row's departure times sorted ascending plus an inf sentinel, so
    # column (max_clerks − c) is the c-th largest departure, and c = 0 points at the sentinel.
    # Flat indices and case-major (transposed) copies keep the inner loop contiguous.
    kth_flat = (max_clerks - seg_clerks).ravel()
    seg_base = np.arange(rows) * n_segments
    busy_base = np.arange(rows) * (max_clerks + 1)
    arrivals = np.ascontiguousarray(np.tile(days.arrivals, (n_plans, 1)).T)
    services = np.ascontiguousarray(np.tile(days.services, (n_plans, 1)).T)
    busy_until = np.zeros((rows, max_clerks + 1))
    busy_until[:, max_clerks] = np.inf
    busy_flat = busy_until.reshape(-1)
    previous_start = np.zeros(rows)
    starts = np.full((width, rows), np.inf)
    for i in range(width):
        real = np.isfinite(arrivals[i])
        if not real.any():
            break
        t = np.where(real, np.maximum(arrivals[i], previous_start), 0.0)
        seg = np.searchsorted(seg_end, t, side="right")
        start = np.full(rows, np.inf)
        pending = real.copy()
        while pending.any():
            kth = busy_flat[busy_base + kth_flat[seg_base + seg]]
            candidate = np.maximum(t, kth)
            ok = pending & (candidate < seg_end[seg])
            start[ok] = candidate[ok]
            pending &= ~ok
            t = np.where(pending, seg_end[seg], t)
            seg = np.where(pending, seg + 1, seg)
        busy_until[:, 0] = start + services[i]
        busy_until.sort(axis=1)
        starts[i] = start
        previous_start = start
    starts = starts.T
    arrivals = arrivals.T
    with np.errstate(invalid="ignore"):
        waits = starts - arrivals
    waits[~np.isfinite(arrivals)] = np.nan
    return waits.reshape(n_plans, reps, width)


def ratio_levels(arrived: FloatArray, met: FloatArray, wait_sum: FloatArray) -> HourlyServiceLevels:
    """Per-hour ratio estimates from per-replication counts, each of shape ``(R, H)``.

    Service level ``Σ met / Σ arrived`` with the delta-method standard error of a ratio of
    means over independent replications; hours nobody arrived in get a vacuous level of 1.
    Shared by the staffing evaluator and the engine adapter (:mod:`sim.staffing.engine`).
    """
    reps = arrived.shape[0]
    total = arrived.sum(axis=0)
    safe_total = np.where(total > 0, total, 1.0)
    level = np.where(total > 0, met.sum(axis=0) / safe_total, 1.0)
    mean_arrived = np.where(total > 0, arrived.mean(axis=0), 1.0)
    residual = met - level[None, :] * arrived
    stderr = np.sqrt((residual**2).sum(axis=0) / (reps * (reps - 1))) / mean_arrived
    return HourlyServiceLevels(
        service_level=level,
        ci95=Z_TWO_SIDED_95 * stderr,
        lower_bound=level - Z_ONE_SIDED_95 * stderr,
        arrivals_per_day=arrived.mean(axis=0),
        mean_wait_minutes=np.where(total > 0, wait_sum.sum(axis=0) / safe_total, 0.0),
        replications=reps,
    )


def hourly_levels(
    days: SampledDays, waits: FloatArray, target: WaitTarget
) -> list[HourlyServiceLevels]:
    """Ratio estimates of per-hour service level, one :class:`HourlyServiceLevels` per plan."""
    n_plans, reps, _ = waits.shape
    hours = days.hours
    valid = np.isfinite(days.arrivals)
    hour_of = np.clip(np.floor(np.where(valid, days.arrivals, 0) / MINUTES_PER_HOUR), 0, hours - 1)
    cell = (np.arange(reps)[:, None] * hours + hour_of.astype(np.int64))[valid]
    arrived = np.bincount(cell, minlength=reps * hours).reshape(reps, hours).astype(float)
    results = []
    for p in range(n_plans):
        w = waits[p][valid]
        met = np.bincount(
            cell, weights=(w <= target.wait_minutes + 1e-9).astype(float), minlength=reps * hours
        ).reshape(reps, hours)
        wait_sum = np.bincount(cell, weights=w, minlength=reps * hours).reshape(reps, hours)
        results.append(ratio_levels(arrived, met.astype(float), wait_sum.astype(float)))
    return results


class DiscreteEventEvaluator:
    """Exact discrete-event evaluator of the staffing model (see the module docstring).

    Sampled days are cached per (rates, open day, service, replications, seed) so a search
    that evaluates many plans on one seed pays for sampling once and uses common random
    numbers.
    """

    def __init__(self, max_batch_rows: int = 40_000) -> None:
        self._cache: dict[tuple[object, ...], tuple[ServiceSampler, SampledDays]] = {}
        self._max_batch_rows = max_batch_rows

    def _days(
        self,
        rates_per_hour: Sequence[float],
        service: ServiceSampler,
        replications: int,
        seed: int | np.random.SeedSequence,
        day: OpenDay | None,
    ) -> SampledDays:
        seed_key: object = seed
        if isinstance(seed, np.random.SeedSequence):
            seed_key = (seed.entropy, tuple(seed.spawn_key))
        # Keyed by the service object's identity; the entry keeps the object alive so the
        # id cannot be reused by another sampler while the entry exists.
        rates_key = tuple(float(r) for r in rates_per_hour)
        key = (rates_key, day, id(service), replications, seed_key)
        if key not in self._cache:
            if len(self._cache) > 8:
                self._cache.clear()
            sampled = sample_days(rates_per_hour, service, replications, seed, day)
            self._cache[key] = (service, sampled)
        return self._cache[key][1]

    def evaluate(
        self,
        rates_per_hour: Sequence[float],
        service: ServiceSampler,
        clerks: Sequence[int],
        target: WaitTarget,
        replications: int,
        seed: int | np.random.SeedSequence,
        day: OpenDay | None = None,
    ) -> HourlyServiceLevels:
        """Per-hour service levels of one plan."""
        plan = np.asarray([clerks], dtype=np.int64)
        return self.evaluate_many(rates_per_hour, service, plan, target, replications, seed, day)[0]

    def evaluate_many(
        self,
        rates_per_hour: Sequence[float],
        service: ServiceSampler,
        plans: IntArray,
        target: WaitTarget,
        replications: int,
        seed: int | np.random.SeedSequence,
        day: OpenDay | None = None,
    ) -> list[HourlyServiceLevels]:
        """Per-hour service levels of several plans on the same random numbers."""
        days = self._days(rates_per_hour, service, replications, seed, day)
        plans = np.atleast_2d(np.asarray(plans, dtype=np.int64))
        per_chunk = max(1, self._max_batch_rows // replications)
        results: list[HourlyServiceLevels] = []
        for first in range(0, plans.shape[0], per_chunk):
            chunk = plans[first : first + per_chunk]
            results.extend(hourly_levels(days, simulate_waits(days, chunk), target))
        return results
