"""EMS transit calibration and matrix timing: the geo layer's comparable figures.

    .venv/bin/python bench/geo_calibration.py [--seeds 5] [--points 3000]

Prints, per seed, the inter-province transit figures beside the sourced ones, then the
time to build an integer metre/second matrix for N × N random points in China.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from geo.calibration import calibration_figures
from geo.ems import default_network
from geo.matrix import distance_duration_matrix


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--points", type=int, default=3000)
    args = parser.parse_args()
    network = default_network()
    print("inter-province transit, 200 prefecture pairs × 40 sends (09–17 h) per seed")
    print("sources: mean 58.71 h, 75.5 % ≤ 72 h (2016); 84.4 % ≤ 72 h (~2024); W 61.1 / E 56.7 h")
    header = ("seed", "mean h", "p50", "p90", "≤72h", "west", "east", "air")
    print("{:>8} {:>7} {:>6} {:>6} {:>6} {:>6} {:>6} {}".format(*header))
    for seed in range(20240521, 20240521 + args.seeds):
        f = calibration_figures(network, seed=seed)
        print(
            f"{seed:>8} {f.mean_hours:7.1f} {f.p50_hours:6.1f} {f.p90_hours:6.1f} "
            f"{f.share_within_72h:6.1%} {f.west_mean_hours:6.1f} {f.east_mean_hours:6.1f} "
            f"{f.air_share:.0%}"
        )
    rng = np.random.default_rng(0)
    lons, lats = rng.uniform(75, 130, args.points), rng.uniform(20, 48, args.points)
    for label in ("first call", "second call"):
        wall, cpu = time.perf_counter(), time.process_time()
        metres, seconds = distance_duration_matrix(lons, lats)
        print(
            f"matrix {args.points}×{args.points} ({label}): "
            f"{time.perf_counter() - wall:.2f} s wall, {time.process_time() - cpu:.2f} s CPU, "
            f"dtypes {metres.dtype}/{seconds.dtype}"
        )


if __name__ == "__main__":
    main()
