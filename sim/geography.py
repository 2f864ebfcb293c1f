"""Where applicants at a window come from, through the geo layer (gravity model).

Used when a scenario sets ``process.mail.transit_hours = "geo"``: each outbound case draws a
home prefecture from ``geo.gravity.home_distribution`` (other provinces only), its handling
office from ``geo.offices.handling_office`` and the one-way distance home (great-circle ×
the scenario's ``trips.road_factor``) for the kilometres saved.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence

import numpy as np

from tongban.kernel.errors import InputError

logger = logging.getLogger(__name__)

LEVEL_FALLBACK = {"county": ("county", "prefecture"), "prefecture": ("prefecture",)}


@functools.cache
def _office_code(home_code: str, level: str) -> str:
    from geo import offices

    for candidate in LEVEL_FALLBACK.get(level, (level,)):
        try:
            return offices.handling_office(home_code, candidate).code
        except InputError:
            continue
    return home_code  # a municipality or province: its own government decides


class GeoHomes:
    """Home-locality draws per window (``None`` for windows without an admin code).

    A window's table: its home prefectures (positions in ``codes``, the geo layer's
    prefecture-equivalents), their cumulative probabilities and the one-way road km.
    """

    def __init__(
        self,
        codes: np.ndarray,
        tables: Sequence[tuple[np.ndarray, np.ndarray, np.ndarray] | None],
    ) -> None:
        self.codes = codes
        self.tables = list(tables)

    @classmethod
    def for_windows(cls, codes: Sequence[str | None], road_factor: float = 1.3) -> GeoHomes:
        """Build the home distribution of every window from its admin code."""
        from geo import gravity, units

        tables: list[tuple[np.ndarray, np.ndarray, np.ndarray] | None] = []
        for code in codes:
            if code is None:
                tables.append(None)
                continue
            window = units.resolve(code)
            homes, probabilities, km = gravity.home_weights(window.code, level="prefecture")
            tables.append((homes, np.cumsum(probabilities), km * road_factor))
        return cls(gravity.home_codes("prefecture"), tables)

    def draw(
        self, window_index: int, handling_level: str, rng: np.random.Generator
    ) -> tuple[str, float] | None:
        """(handling office code, one-way km home) for an applicant at a window."""
        table = self.tables[window_index]
        if table is None:
            return None
        homes, cumulative, km = table
        index = int(np.searchsorted(cumulative, rng.random() * cumulative[-1], side="right"))
        index = min(index, homes.size - 1)
        return _office_code(str(self.codes[homes[index]]), handling_level), float(km[index])


def office_code(unit_code: str, level: str) -> str:
    """The code of the office deciding at ``level`` for a unit (cached)."""
    return _office_code(unit_code, level)
