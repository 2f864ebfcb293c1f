"""Repeat window visits (papers missing), drawn when the applicant first arrives.

Everything random about an applicant's later visits — whether papers are missing after each
visit, how many working days later they come back, when in that day's opening hours, and how
long the clerk takes on each repeat visit — is drawn in one vectorised batch with the day's
arrivals, from the window's own ``visits`` stream, in arrival order. The draws therefore
belong to the applicant, not to the moment a clerk happens to finish: runs with the same seed
and different staffing see the same applicants with the same repeat visits (common random
numbers), which is what makes "one more clerk never raises the mean wait" testable.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sim.distributions import Distribution, Sampler


class VisitDraws:
    """One applicant's pre-drawn repeat visits; index ``v - 1`` is about visit ``v``'s end.

    ``missing[v - 1]``: papers were missing at visit ``v`` (the applicant comes back);
    ``return_days[v - 1]``: working days after visit ``v``'s day that visit ``v + 1`` falls;
    ``picks[v - 1]``: position (0–1) of that arrival in the day's open time;
    ``services[v - 1]``: service minutes of visit ``v + 1``.
    """

    __slots__ = ("missing", "picks", "return_days", "services")

    def __init__(
        self,
        missing: list[bool],
        return_days: list[int],
        picks: list[float],
        services: list[float],
    ) -> None:
        self.missing = missing
        self.return_days = return_days
        self.picks = picks
        self.services = services


class VisitPlan:
    """How repeat visits are drawn at one window (per demand row: its incomplete share)."""

    def __init__(
        self,
        incomplete_by_row: Sequence[float],
        max_visits: int,
        return_after_days: Distribution,
        service_by_row: Sequence[Sampler],
    ) -> None:
        self.incomplete = np.asarray(incomplete_by_row, dtype=float)
        self.repeats = max(0, int(max_visits) - 1)
        self.return_after_days = return_after_days
        self.service_by_row = list(service_by_row)

    @property
    def active(self) -> bool:
        """Whether anybody can come back at all (otherwise nothing is drawn)."""
        return self.repeats > 0 and bool(np.any(self.incomplete > 0))

    def draw(self, rows: np.ndarray, rng: np.random.Generator) -> list[VisitDraws | None]:
        """Repeat-visit draws for a batch of first arrivals (``None``: complete at once).

        The same number of values is drawn whatever the outcome, so the stream stays aligned
        with the arrivals.
        """
        n, k = rows.size, self.repeats
        missing = rng.random((n, k)) < self.incomplete[rows][:, None]
        days = np.maximum(1, np.rint(self.return_after_days.sample_many(rng, n * k))).reshape(n, k)
        picks = rng.random((n, k))
        services = np.empty((n, k))
        for row in np.unique(rows).tolist():
            mask = rows == row
            sampler = self.service_by_row[row]
            services[mask] = sampler.sample_many(rng, int(mask.sum()) * k).reshape(-1, k)
        comes_back = missing[:, 0].tolist()
        return [
            VisitDraws(
                missing[i].tolist(),
                days[i].astype(np.int64).tolist(),
                picks[i].tolist(),
                services[i].tolist(),
            )
            if comes_back[i]
            else None
            for i in range(n)
        ]
