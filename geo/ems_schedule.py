"""Timetabled legs and their vectorised stochastic sampling for the EMS transit model.

Times are float hours since midnight of the send date (China local time). A leg either
leaves at once (``departures`` empty: hand-over within a building) or on a daily timetable
(hours of day). An item must reach a timetabled leg ``cutoff_h`` hours before departure;
with probability ``miss_prob`` it misses a departure it could have made (late unloading,
capacity, weather) and waits for the next one, possibly more than once. Travel and handling
times are multiplied by log-normal noise with mean 1 (σ = ``duration_sigma``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

MAX_MISSES = 4


@dataclass(frozen=True)
class Leg:
    """One step of a mail item's route."""

    kind: str  # "collect", "road", "air", "sort", "deliver"
    origin: str  # code or node name
    destination: str
    hours: float  # nominal travel/handling time
    departures: tuple[float, ...] = ()  # daily departure hours; empty = leaves at once
    cutoff_h: float = 0.0  # must arrive this long before a departure


def next_departure(t: NDArray[np.float64], departures: tuple[float, ...]) -> NDArray[np.float64]:
    """Earliest timetabled departure at or after each time in ``t`` (hours)."""
    deps = np.asarray(sorted(departures), dtype=float)
    day = np.floor(t / 24.0)[:, None]
    candidates = np.concatenate([day * 24.0 + deps, (day + 1.0) * 24.0 + deps], axis=1)
    candidates = np.where(candidates >= t[:, None] - 1e-9, candidates, np.inf)
    return np.asarray(candidates.min(axis=1), dtype=float)


def _next_departure_one(t: float, departures: tuple[float, ...]) -> float:
    """:func:`next_departure` for one time (the same arithmetic, without arrays)."""
    day = math.floor(t / 24.0)
    for d in (day, day + 1):
        for dep in sorted(departures):
            candidate = d * 24.0 + dep
            if candidate >= t - 1e-9:
                return candidate
    return math.inf


def deterministic_arrival(legs: tuple[Leg, ...], start_h: float) -> float:
    """Arrival time (hours) with no misses and nominal durations."""
    t = float(start_h)
    for leg in legs:
        if leg.departures:
            t = _next_departure_one(t + leg.cutoff_h, leg.departures)
        t = t + leg.hours
    return t


def sample_arrivals(
    legs: tuple[Leg, ...],
    start_h: NDArray[np.float64],
    rng: np.random.Generator,
    miss_prob: float,
    duration_sigma: float,
) -> NDArray[np.float64]:
    """Sample arrival times (hours) for items starting at ``start_h`` (vectorised)."""
    t = np.asarray(start_h, dtype=float).copy()
    n = t.size
    mu = -0.5 * duration_sigma**2  # log-normal with mean 1
    if n == 1:  # one item (the simulation's case): the same draws, without arrays
        one = _sample_one(legs, float(t[0]), rng, miss_prob, duration_sigma, mu)
        return np.array([one])
    for leg in legs:
        if leg.departures:
            t = next_departure(t + leg.cutoff_h, leg.departures)
            missing = rng.random(n) < miss_prob
            for _ in range(MAX_MISSES):
                if not missing.any():
                    break
                t = np.where(missing, next_departure(t + 1e-6, leg.departures), t)
                missing &= rng.random(n) < miss_prob
        if leg.hours > 0:
            t = t + leg.hours * rng.lognormal(mu, duration_sigma, n)
    return t


def _sample_one(
    legs: tuple[Leg, ...],
    t: float,
    rng: np.random.Generator,
    miss_prob: float,
    duration_sigma: float,
    mu: float,
) -> float:
    """:func:`sample_arrivals` for one item: draws in the same order, the same arithmetic."""
    for leg in legs:
        if leg.departures:
            t = _next_departure_one(t + leg.cutoff_h, leg.departures)
            missing = rng.random() < miss_prob
            for _ in range(MAX_MISSES):
                if not missing:
                    break
                t = _next_departure_one(t + 1e-6, leg.departures)
                missing = rng.random() < miss_prob
        if leg.hours > 0:
            t = t + leg.hours * rng.lognormal(mu, duration_sigma)
    return t
