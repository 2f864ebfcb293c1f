"""Parcel waiting time at a window for a given set of daily pickup times.

Parcels are handed in uniformly over the hall's opening interval ``[open, close]`` (the
window's daily volume spread evenly; an assumption, documented in the plan). A parcel
waits at the window until the next pickup; parcels handed in after the last pickup wait
overnight for the first pickup of the next working day (24 h later; weekends are not
counted here). These are the waiting-hours the batching objective prices.
"""

from __future__ import annotations

from collections.abc import Sequence

MINUTES_PER_DAY = 24 * 60


def waiting_hours(
    open_min: float, close_min: float, pickups: Sequence[float], daily_parcels: float
) -> float:
    """Total parcel waiting-hours per day at one window (exact for uniform hand-in)."""
    if daily_parcels <= 0:
        return 0.0
    if not pickups:
        raise ValueError("at least one pickup time is needed")
    times = sorted(pickups)
    span = close_min - open_min
    if span <= 0:  # everything handed in at one instant
        nxt = next((p for p in times if p >= open_min), times[0] + MINUTES_PER_DAY)
        return daily_parcels * (nxt - open_min) / 60.0
    # integrate wait(t) = next_pickup(t) - t over [open, close], piece by piece
    total = 0.0
    start = open_min
    for p in [*times, times[0] + MINUTES_PER_DAY]:
        end = min(p, close_min)
        if end > start:
            # ∫_start^end (p - t) dt
            total += (p - start) * (end - start) - (end - start) ** 2 / 2.0
            start = end
        if start >= close_min:
            break
    return daily_parcels * total / span / 60.0


def parcels_per_pickup(
    open_min: float, close_min: float, pickups: Sequence[float], daily_parcels: float
) -> list[float]:
    """Parcels collected at each pickup (sorted order); the first takes yesterday's tail."""
    times = sorted(pickups)
    span = close_min - open_min
    if span <= 0:
        shares = [0.0] * len(times)
        idx = next((i for i, p in enumerate(times) if p >= open_min), 0)
        shares[idx] = 1.0
        return [daily_parcels * s for s in shares]

    def handed_in(until: float) -> float:
        return min(max(until - open_min, 0.0), span) / span

    shares = []
    for i, p in enumerate(times):
        prev = times[i - 1] if i else None
        share = handed_in(p) - (handed_in(prev) if prev is not None else 0.0)
        if i == 0:
            share += 1.0 - handed_in(times[-1])  # after the last pickup, collected next day
        shares.append(share)
    return [daily_parcels * s for s in shares]
