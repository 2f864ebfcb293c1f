"""Shared fixtures: the benchmark folder (tests skip with a reason when it is absent), and a
local stand-in for ``geo.matrix.distance_duration_matrix`` (the geo layer's great-circle
distance × 1.3 road detour factor, but at 40 km/h: plausible for county roads, and fixed
here so routing tests do not move when the geo layer's speed assumption changes).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from geo.matrix import great_circle_m
from routing.benchmark import bench_dir

DATA = Path(__file__).resolve().parent.parent / "data" / "routing"


@pytest.fixture(scope="session")
def bench() -> Path:
    """``$TONGBAN_BENCH_DIR`` or ``../shared/bench``; skip the test if neither exists."""
    root = bench_dir()
    if root is None:
        pytest.skip("benchmark instances not found: set TONGBAN_BENCH_DIR or add ../shared/bench")
    return root


@pytest.fixture(scope="session")
def data() -> Path:
    """Good and bad input files for routing tests."""
    return DATA


DETOUR = 1.3
SPEED_KMH = 40.0


def stand_in_matrix(
    lons: Sequence[float], lats: Sequence[float]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """``(metres, seconds)`` int64 matrices with the geo layer's signature."""
    km = great_circle_m(lons, lats) / 1000.0 * DETOUR
    metres = np.round(km * 1000).astype(np.int64)
    seconds = np.round(km / SPEED_KMH * 3600).astype(np.int64)
    return metres, seconds


@pytest.fixture(scope="session")
def stand_in() -> Callable[
    [Sequence[float], Sequence[float]], tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]
]:
    """The stand-in matrix function."""
    return stand_in_matrix
