"""Stationary M/M/c formulas: Erlang B, Erlang C, wait-time service level, smallest staffing.

All functions work on the offered load ``a = arrival rate × mean service time`` (in Erlangs)
and broadcast over numpy arrays. Erlang B is computed with the stable recursion
``B(0) = 1, B(k) = a·B(k-1) / (k + a·B(k-1))`` so large server counts never overflow, and
Erlang C follows from ``C = c·B / (c − a·(1 − B))`` (``C = 1`` when ``a ≥ c``).

With FCFS service the waiting time of an M/M/c queue satisfies
``P(W > t) = C(c, a) · exp(−(c − a)·t / s)`` for mean service time ``s``, which gives the
service level ``P(W ≤ t)`` and the average speed of answer ``ASA = C·s / (c − a)``.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def offered_load(rate_per_hour: npt.ArrayLike, service_mean_minutes: float) -> FloatArray:
    """Offered load in Erlangs: arrivals per hour × mean service time in hours."""
    return np.asarray(rate_per_hour, dtype=float) * service_mean_minutes / 60.0


def erlang_b(servers: int, load: npt.ArrayLike) -> FloatArray:
    """Blocking probability of an M/M/c/c loss system, by the stable recursion."""
    if servers < 0:
        raise ValueError("servers must be >= 0")
    a = np.asarray(load, dtype=float)
    b = np.ones_like(a)
    for k in range(1, servers + 1):
        b = a * b / (k + a * b)
    return b


def erlang_c(servers: int, load: npt.ArrayLike) -> FloatArray:
    """Probability that an arrival waits (M/M/c); 1 when the load is at or above ``servers``."""
    a = np.asarray(load, dtype=float)
    if servers == 0:
        return np.ones_like(a)
    b = erlang_b(servers, a)
    with np.errstate(divide="ignore", invalid="ignore"):
        c = servers * b / (servers - a * (1.0 - b))
    return np.where(a < servers, np.clip(c, 0.0, 1.0), 1.0)


def service_level(
    servers: int, load: npt.ArrayLike, service_mean_minutes: float, wait_minutes: float
) -> FloatArray:
    """Stationary share of arrivals that wait at most ``wait_minutes``: ``P(W ≤ t)``."""
    a = np.asarray(load, dtype=float)
    prob_wait = erlang_c(servers, a)
    decay = np.exp(-np.maximum(servers - a, 0.0) * wait_minutes / service_mean_minutes)
    return np.where(a < servers, 1.0 - prob_wait * decay, 0.0)


def average_speed_of_answer(
    servers: int, load: npt.ArrayLike, service_mean_minutes: float
) -> FloatArray:
    """Mean wait in minutes (M/M/c); ``inf`` when the load is at or above ``servers``."""
    a = np.asarray(load, dtype=float)
    prob_wait = erlang_c(servers, a)
    with np.errstate(divide="ignore"):
        asa = prob_wait * service_mean_minutes / (servers - a)
    return np.where(a < servers, asa, np.inf)


def min_servers(
    load: npt.ArrayLike,
    service_mean_minutes: float,
    wait_minutes: float,
    wait_share: float,
    *,
    max_servers: int,
    min_servers_floor: int = 0,
) -> IntArray:
    """Smallest server counts with stationary ``P(W ≤ wait_minutes) ≥ wait_share``.

    Vectorised over ``load``; entries that no count up to ``max_servers`` satisfies are
    returned as ``-1``. A zero load needs ``min_servers_floor`` servers.
    """
    a = np.atleast_1d(np.asarray(load, dtype=float))
    answer = np.full(a.shape, -1, dtype=np.int64)
    answer[a <= 0.0] = min_servers_floor
    b = np.ones_like(a)
    for c in range(1, max_servers + 1):
        b = a * b / (c + a * b)
        if c < min_servers_floor:
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            prob_wait = np.clip(c * b / (c - a * (1.0 - b)), 0.0, 1.0)
            decay = np.exp(-np.maximum(c - a, 0.0) * wait_minutes / service_mean_minutes)
            level = 1.0 - prob_wait * decay
        ok = (a < c) & (level >= wait_share) & (answer < 0)
        answer[ok] = c
        if np.all(answer >= 0):
            break
    return answer


def square_root_staffing(load: npt.ArrayLike, quality: float) -> IntArray:
    """Square-root staffing ``⌈a + β·√a⌉`` (Halfin–Whitt regime), at least 1 for a > 0."""
    a = np.asarray(load, dtype=float)
    raw = np.ceil(a + quality * np.sqrt(a) - 1e-9)
    return np.where(a > 0, np.maximum(raw, 1), 0).astype(np.int64)


def halfin_whitt_quality(wait_share_delay: float) -> float:
    """β with Halfin–Whitt delay probability ``[1 + β·Φ(β)/φ(β)]⁻¹`` equal to the given value."""
    if not 0.0 < wait_share_delay < 1.0:
        raise ValueError("delay probability must be in (0, 1)")
    lo, hi = 1e-6, 10.0
    for _ in range(100):
        beta = 0.5 * (lo + hi)
        phi = math.exp(-0.5 * beta * beta) / math.sqrt(2 * math.pi)
        big_phi = 0.5 * (1 + math.erf(beta / math.sqrt(2)))
        delay = 1.0 / (1.0 + beta * big_phi / phi)
        if delay > wait_share_delay:
            lo = beta
        else:
            hi = beta
    return 0.5 * (lo + hi)
