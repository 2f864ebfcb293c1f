"""Distance/duration matrices: exactness, symmetry, triangle inequality, speed."""

from __future__ import annotations

import time

import numpy as np
import pytest

from geo.crs import geodesic_m
from geo.matrix import distance_duration_matrix, great_circle_m
from tongban.kernel.errors import InputError


def _points(n: int, seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.uniform(75, 134, n), rng.uniform(18, 52, n)


def test_great_circle_within_half_percent_of_ellipsoidal_geodesic() -> None:
    lon, lat = _points(60)
    sphere = great_circle_m(lon, lat)
    i, j = np.triu_indices(60, 1)
    ellipsoid = geodesic_m(lon[i], lat[i], lon[j], lat[j])
    assert np.max(np.abs(sphere[i, j] - ellipsoid) / ellipsoid) < 0.005


def test_integer_matrices_symmetric_zero_diagonal_and_scaled() -> None:
    lon, lat = _points(300)
    metres, seconds = distance_duration_matrix(lon, lat, speed_kmh=60.0, detour_factor=1.25)
    assert metres.dtype == np.int64 and seconds.dtype == np.int64
    assert np.array_equal(metres, metres.T) and np.array_equal(seconds, seconds.T)
    assert not metres.diagonal().any()
    gc = great_circle_m(lon, lat)
    assert np.allclose(metres, gc * 1.25, atol=0.5)
    assert np.allclose(seconds, gc * 1.25 / (60 / 3.6), atol=0.5)


def test_triangle_inequality_on_a_sample() -> None:
    lon, lat = _points(120, seed=3)
    metres, seconds = distance_duration_matrix(lon, lat)
    rng = np.random.default_rng(11)
    i, j, k = rng.integers(0, 120, (3, 20000))
    assert np.all(metres[i, k] <= metres[i, j] + metres[j, k] + 1)
    assert np.all(seconds[i, k] <= seconds[i, j] + seconds[j, k] + 1)


def test_3000_by_3000_in_well_under_a_few_seconds() -> None:
    """CPU time (not wall time: the CI machine is shared), best of two runs."""
    lon, lat = _points(3000)
    timings = []
    for _ in range(2):
        start = time.process_time()
        metres, seconds = distance_duration_matrix(lon, lat)
        timings.append(time.process_time() - start)
        del metres, seconds
    assert min(timings) < 2.0, f"3000×3000 took {min(timings):.2f} s of CPU"


def test_bad_matrix_input() -> None:
    with pytest.raises(InputError, match="out of range"):
        distance_duration_matrix([117.0, 200.0], [30.0, 30.0])
    with pytest.raises(InputError, match="speed_kmh"):
        distance_duration_matrix([117.0], [30.0], speed_kmh=0)
    with pytest.raises(InputError, match="equal length"):
        distance_duration_matrix([117.0, 118.0], [30.0])
