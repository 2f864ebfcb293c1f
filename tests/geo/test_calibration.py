"""The calibration figures the bench prints are the ones the transit model is held to."""

from __future__ import annotations

import math

from geo.calibration import calibration_figures
from geo.ems import default_network


def test_calibration_figures_sit_near_the_sourced_ones() -> None:
    f = calibration_figures(default_network(), n_pairs=120, per_pair=20, seed=7)
    assert f.pairs == 120 and f.items == 2400
    # State Post Bureau 2016: 58.71 h mean, 75.5 % ≤ 72 h; ~2024: 84.4 % ≤ 72 h
    assert 52.0 <= f.mean_hours <= 64.0
    assert 0.70 <= f.share_within_72h <= 0.88
    assert f.p50_hours <= f.p90_hours
    assert f.west_mean_hours > f.east_mean_hours  # 2016: West 61.1 h vs East 56.7 h
    assert 0.0 < f.air_share < 1.0 and not math.isnan(f.east_mean_hours)
