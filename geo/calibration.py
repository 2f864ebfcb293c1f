"""The EMS transit calibration sample and its figures (bench and closing notes print them).

Sources (``shared/PARAMETERS.md``): State Post Bureau 2016 test of 50 cities — mean
58.71 h, 75.5 % within 72 h, East 56.7 h, Central 57.9 h, West 61.1 h; ~2024 72-hour on-time
rate 84.4 % (low confidence).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from geo import units
from geo.ems import EmsNetwork

# Provinces the calibration counts as "West" (西部大开发 list: 12 provincial units).
WEST_PROVINCES = frozenset(
    {"540000", "650000", "630000", "620000", "640000", "530000",
     "520000", "510000", "500000", "610000", "450000", "150000"}
)  # fmt: skip


@dataclass(frozen=True)
class CalibrationFigures:
    """Transit hours of a random sample of inter-province prefecture pairs."""

    pairs: int
    items: int
    mean_hours: float
    p50_hours: float
    p90_hours: float
    share_within_72h: float
    west_mean_hours: float  # pairs with an end in a western province
    east_mean_hours: float  # the other pairs
    air_share: float  # pairs routed through the Nanjing air hub


def prefecture_centres(network: EmsNetwork) -> list[str]:
    """Codes of every prefecture-equivalent processing centre."""
    return sorted(
        {network.centre_for(u.code).code for u in units.all_units() if u.level != "province"}
    )


def inter_province_sample(
    network: EmsNetwork, n_pairs: int = 200, per_pair: int = 40, seed: int = 20240521
) -> tuple[list[tuple[str, str]], list[NDArray[np.float64]]]:
    """Random inter-province centre pairs and, per pair, transit hours for sends 09–17 h."""
    rng = np.random.default_rng(seed)
    codes = prefecture_centres(network)
    pairs: list[tuple[str, str]] = []
    while len(pairs) < n_pairs:
        a, b = rng.choice(codes, 2, replace=False)
        if units.get(str(a)).province_code != units.get(str(b)).province_code:
            pairs.append((str(a), str(b)))
    hours = [network.sample_hours(a, b, rng.uniform(9, 17, per_pair), rng) for a, b in pairs]
    return pairs, hours


def calibration_figures(
    network: EmsNetwork, n_pairs: int = 200, per_pair: int = 40, seed: int = 20240521
) -> CalibrationFigures:
    """The figures the transit model is calibrated against, on one random sample."""
    pairs, hours = inter_province_sample(network, n_pairs, per_pair, seed)
    every = np.concatenate(hours)
    west = [
        units.get(a).province_code in WEST_PROVINCES or units.get(b).province_code in WEST_PROVINCES
        for a, b in pairs
    ]
    west_hours = [h for h, w in zip(hours, west, strict=True) if w]
    east_hours = [h for h, w in zip(hours, west, strict=True) if not w]
    air = sum(network.route(a, b)[1] == "air" for a, b in pairs)
    return CalibrationFigures(
        pairs=len(pairs),
        items=int(every.size),
        mean_hours=float(every.mean()),
        p50_hours=float(np.percentile(every, 50)),
        p90_hours=float(np.percentile(every, 90)),
        share_within_72h=float((every <= 72.0).mean()),
        west_mean_hours=float(np.concatenate(west_hours).mean()) if west_hours else float("nan"),
        east_mean_hours=float(np.concatenate(east_hours).mean()) if east_hours else float("nan"),
        air_share=air / len(pairs),
    )
