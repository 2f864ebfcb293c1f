"""Parcel waiting-hours: closed forms for uniform hand-in over the hall's hours."""

from __future__ import annotations

import pytest

from routing.waiting import parcels_per_pickup, waiting_hours

OPEN, CLOSE = 9 * 60, 17 * 60  # 8 h


def test_single_pickup_at_close_waits_half_the_day_on_average() -> None:
    assert waiting_hours(OPEN, CLOSE, [CLOSE], 100) == pytest.approx(100 * 4.0)


def test_single_pickup_at_open_waits_overnight() -> None:
    # a parcel handed in at t waits until tomorrow's OPEN: mean 24 h - 4 h
    assert waiting_hours(OPEN, CLOSE, [OPEN], 60) == pytest.approx(60 * 20.0)


def test_two_even_pickups_halve_the_wait() -> None:
    both = waiting_hours(OPEN, CLOSE, [13 * 60, CLOSE], 100)
    assert both == pytest.approx(100 * 2.0)


def test_waiting_matches_numerical_integration() -> None:
    pickups = [10 * 60 + 30, 15 * 60]
    steps = 48_000
    total = 0.0
    for k in range(steps):
        t = OPEN + (k + 0.5) * (CLOSE - OPEN) / steps
        nxt = next((p for p in pickups if p >= t), pickups[0] + 1440)
        total += (nxt - t) / 60
    assert waiting_hours(OPEN, CLOSE, pickups, 1.0) == pytest.approx(total / steps, rel=1e-6)


def test_parcels_per_pickup_split_and_sum() -> None:
    loads = parcels_per_pickup(OPEN, CLOSE, [11 * 60, CLOSE], 80)
    assert loads == pytest.approx([20.0, 60.0])  # first pickup: 2 h of hand-ins
    late = parcels_per_pickup(OPEN, CLOSE, [11 * 60, 15 * 60], 80)
    assert late == pytest.approx([40.0, 40.0])  # 15:00–17:00 collected next morning
    assert waiting_hours(OPEN, CLOSE, [12 * 60], 0) == 0.0
