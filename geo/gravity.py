"""Gravity model of applicants' home localities for a window.

A cross-province window serves people whose home locality (where their matter is handled)
is elsewhere. The share of applicants from home unit *h* at a window *w* is

    P(h | w) ∝ pop(h) · (max(d(w, h), d₀) / d₀)^(−decay)

with ``pop`` from :mod:`geo.population`, ``d`` the geodesic distance between seats, and
``d₀`` a floor (default 50 km) so that neighbouring units do not dominate. ``decay`` is the
distance-decay exponent (assumption: 1.0 by default; migration studies of China report
exponents between roughly 0.5 and 2, so treat it as a scenario parameter).
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from geo import population, units
from geo.crs import geodesic_m
from tongban.kernel.errors import InputError

DEFAULT_DECAY = 1.0
DEFAULT_FLOOR_KM = 50.0
HOME_LEVELS = ("province", "prefecture", "county")


@functools.cache
def home_distribution(
    window_code: str,
    level: str = "prefecture",
    decay: float = DEFAULT_DECAY,
    exclude_own_province: bool = True,
    floor_km: float = DEFAULT_FLOOR_KM,
) -> pd.Series:
    """Probability of each home unit at ``level`` for applicants at the window's unit.

    ``level="prefecture"`` uses prefecture-equivalents: prefectures, the four
    municipalities as a whole, and county-level units directly under a province. With
    ``exclude_own_province`` (the cross-province case) home units in the window's province
    get zero weight and are dropped. Returns a Series indexed by code summing to 1.
    """
    homes, probabilities, _ = home_weights(
        window_code, level, decay, exclude_own_province, floor_km
    )
    index = pd.Index(home_codes(level)[homes], name="code")
    return pd.Series(probabilities, index=index, name="probability")


def home_weights(
    window_code: str,
    level: str = "prefecture",
    decay: float = DEFAULT_DECAY,
    exclude_own_province: bool = True,
    floor_km: float = DEFAULT_FLOOR_KM,
) -> tuple[NDArray[np.intp], NDArray[np.float64], NDArray[np.float64]]:
    """:func:`home_distribution`'s numbers without a Series (and not cached): the home units
    (positions in :func:`home_codes`), their probabilities, and the km between the seats."""
    if level not in HOME_LEVELS:
        raise InputError(f"level {level!r} is not one of {', '.join(HOME_LEVELS)}", field="level")
    if not np.isfinite(decay) or decay < 0:
        raise InputError(f"decay must be a number ≥ 0, got {decay!r}", field="decay")
    if not np.isfinite(floor_km) or floor_km <= 0:
        raise InputError(f"floor_km must be > 0, got {floor_km!r}", field="floor_km")
    window = units.resolve(window_code)
    codes, provinces, lons, lats, weights = _homes(level)
    keep = provinces != window.province_code if exclude_own_province else np.ones(len(codes), bool)
    dist_km = geodesic_m(window.lon, window.lat, lons[keep], lats[keep]) / 1000.0
    decay_factor = (np.maximum(dist_km, floor_km) / floor_km) ** (-decay)
    raw = weights[keep] * decay_factor
    return np.flatnonzero(keep), raw / raw.sum(), np.asarray(dist_km, dtype=float)


def home_codes(level: str) -> NDArray[np.str_]:
    """The codes of the home units at ``level`` (what :func:`home_weights` positions index)."""
    return _homes(level)[0]


@functools.cache
def _homes(
    level: str,
) -> tuple[
    NDArray[np.str_],
    NDArray[np.str_],
    NDArray[np.float64],
    NDArray[np.float64],
    NDArray[np.float64],
]:
    """Home units at ``level``: codes, province codes, seat lon/lat and population weights."""
    weights = population.unit_population(level)
    homes = [units.get(code) for code in weights.index]
    return (
        np.array([u.code for u in homes]),
        np.array([u.province_code for u in homes]),
        np.array([u.lon for u in homes]),
        np.array([u.lat for u in homes]),
        weights.to_numpy(dtype=float),
    )
