"""Clerk-hours and reviewer-hours per week that each matter accounts for.

Clerk-hours: in every window, day type and hour, the hour's clerks are split between the
matters in proportion to their offered load in that hour (arrivals × mean service time).
An open hour with no offered load at all (the clerk who must be there anyway) is split in
proportion to the matters' daily load at that window. Weekly figures multiply each day
type by how many such days a week has.

Reviewer-hours: cases per week × mean review effort per case (hours).

The split is an attribution, not a marginal cost: removing a matter frees roughly its share,
but the exact saving needs re-staffing without it (queues pool, so the saving is usually a
little smaller than the share for a small matter).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from tongban.kernel.errors import InputError


@dataclass(frozen=True)
class MatterWindowLoad:
    """One matter's demand at one window on one day type."""

    matter_id: str
    window_id: str
    day_type: str
    rates_per_hour: tuple[float, ...]
    service_mean_minutes: float


@dataclass(frozen=True)
class MatterReviewLoad:
    """One matter's review work: cases per week and mean effort per case (hours)."""

    matter_id: str
    cases_per_week: float
    review_hours_per_case: float


@dataclass(frozen=True)
class MatterStaffing:
    """A ``matter_staffing.csv`` row."""

    matter_id: str
    clerk_hours_per_week: float
    reviewer_hours_per_week: float


def attribute_clerk_hours(
    plans: Mapping[tuple[str, str], Sequence[int]],
    loads: Sequence[MatterWindowLoad],
    days_per_week: Mapping[str, float],
) -> dict[str, float]:
    """Weekly clerk-hours per matter from hourly plans keyed by ``(window_id, day_type)``."""
    by_plan: dict[tuple[str, str], list[MatterWindowLoad]] = defaultdict(list)
    for load in loads:
        by_plan[(load.window_id, load.day_type)].append(load)
    hours_per_matter: dict[str, float] = defaultdict(float)
    for key, clerks in plans.items():
        matters = by_plan.get(key, [])
        if not matters:
            continue
        window_id, day_type = key
        if day_type not in days_per_week:
            raise InputError(f"no days_per_week given for day type {day_type!r}")
        load_matrix = np.array(
            [np.asarray(m.rates_per_hour, dtype=float) * m.service_mean_minutes for m in matters]
        )
        if load_matrix.shape[1] != len(clerks):
            raise InputError(f"window {window_id}: matter rates and clerk plan differ in length")
        day_share = load_matrix.sum(axis=1)
        day_share = (
            day_share / day_share.sum()
            if day_share.sum() > 0
            else np.full(len(matters), 1 / len(matters))
        )
        hour_total = load_matrix.sum(axis=0)
        shares = np.where(
            hour_total > 0,
            load_matrix / np.where(hour_total > 0, hour_total, 1.0),
            day_share[:, None],
        )
        weekly = shares @ np.asarray(clerks, dtype=float) * days_per_week[day_type]
        for matter, value in zip(matters, weekly, strict=True):
            hours_per_matter[matter.matter_id] += float(value)
    return dict(hours_per_matter)


def matter_staffing(
    clerk_hours: Mapping[str, float], reviews: Sequence[MatterReviewLoad]
) -> list[MatterStaffing]:
    """Join clerk-hours and reviewer-hours per matter into ``matter_staffing.csv`` rows."""
    reviewer_hours: dict[str, float] = defaultdict(float)
    for review in reviews:
        reviewer_hours[review.matter_id] += review.cases_per_week * review.review_hours_per_case
    matters = sorted(set(clerk_hours) | set(reviewer_hours))
    return [MatterStaffing(m, clerk_hours.get(m, 0.0), reviewer_hours.get(m, 0.0)) for m in matters]
