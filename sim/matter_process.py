"""One matter's process as simulated: its profile (``sim/data/profiles.toml``) and the scenario.

:func:`matter_plan` builds the :class:`~sim.plans.MatterPlan` of one catalog matter:

* **Window service** — a scenario override wins (``[[demand]] service_minutes``, then
  ``[matters.X] service_minutes``); otherwise the profile's ``window_minutes`` is the mean and
  the scenario's default (``process.window`` service + identity minutes) gives the shape,
  scaled to that mean (:class:`Scaled`).
* **Reviewer effort** at a staffed office — ``[matters.X] review_minutes`` wins; otherwise
  the profile's ``office_minutes`` with the shape of ``process.office.review_minutes``
  scaled to it (0 minutes: the registrar's whole work is at the counter).
* **Paper-missing return visits** — the scenario's ``incomplete_share`` (default or
  per-matter) only where the profile says a revisit is possible (``revisit_possible``);
  a query or a print has no papers to miss, whatever the scenario says.
* **Elapsed office days** — the profile's ``office_days`` triangle in working days, drawn
  per case: the span from 受理 to the decision *including* sign-off, whether the office is
  ours (then the decision comes at the later of the reviewer's finish and this span) or
  elsewhere (then the span is the whole delay). Never derived from the statutory limit, which
  stays a check on the outcome. ``[matters.X] office_days`` (a local 承诺时限) overrides it.
* **Joint coordination** — the profile's ``coordination_days`` when it gives one, else
  ``None`` (the flow then uses the scenario's ``process.joint.coordination_days`` for a
  matter the home office decides, and no coordination for one decided where accepted).
* **Second visit** — ``second_visit`` / ``second_visit_days``: the applicant comes back to
  the window for a result handed over later (2-01) or to apply for the certificate after a
  legal minimum wait (3-04).
* **Demand mix** — :func:`hall_level` maps a window's level to the profile's demand-weight
  column (a township hall counts as county; a window without a level as prefecture, the
  typical city hall).
"""

from __future__ import annotations

import numpy as np

from sim.catalog import MatterFacts
from sim.distributions import Deterministic, Sampler, Triangular
from sim.plans import MatterPlan
from sim.profiles import ProcessProfile
from sim.profiles import Triangular as DaysTriangle
from sim.scenarios.schema import Scenario


class Scaled:
    """A sampler multiplied by a constant (same ``sample``/``mean`` interface)."""

    def __init__(self, base: Sampler, factor: float) -> None:
        self.base = base
        self.factor = factor

    @property
    def mean(self) -> float:
        return self.base.mean * self.factor

    def sample(self, rng: np.random.Generator) -> float:
        return self.base.sample(rng) * self.factor

    def sample_many(self, rng: np.random.Generator, size: int) -> np.ndarray:
        values: np.ndarray = self.base.sample_many(rng, size) * self.factor
        return values


class SumOf:
    """The sum of two independent samplers (same ``sample``/``mean`` interface)."""

    def __init__(self, first: Sampler, second: Sampler) -> None:
        self.first = first
        self.second = second

    @property
    def mean(self) -> float:
        return self.first.mean + self.second.mean

    def sample(self, rng: np.random.Generator) -> float:
        return self.first.sample(rng) + self.second.sample(rng)

    def sample_many(self, rng: np.random.Generator, size: int) -> np.ndarray:
        total: np.ndarray = self.first.sample_many(rng, size) + self.second.sample_many(rng, size)
        return total


def scaled_to_mean(shape: Sampler, mean: float) -> Sampler:
    """``shape`` scaled so that its mean is ``mean`` (a point at ``mean`` if it has none)."""
    if mean <= 0:
        return Deterministic(value=0.0)
    if shape.mean <= 0:
        return Deterministic(value=mean)
    return Scaled(shape, mean / shape.mean)


def days_sampler(days: DaysTriangle) -> Sampler:
    """A profile's ``{low, mode, high}`` days as a sampler (a point when low == high)."""
    if days.low == days.high:
        return Deterministic(value=days.low)
    return Triangular(low=days.low, mode=days.mode, high=days.high)


def default_window_service(scenario: Scenario) -> Sampler:
    """The scenario's default window service: formal review plus identity verification."""
    window = scenario.process.window
    return SumOf(window.service_minutes, window.identity_minutes)


def hall_level(level: str | None) -> str:
    """The demand-weight column of a hall level (township → county; none → prefecture)."""
    if level is None:
        return "prefecture"
    return "county" if level == "township" else level


def matter_plan(
    scenario: Scenario, facts: MatterFacts, profile: ProcessProfile, index: int, mode: str
) -> MatterPlan:
    """The matter as simulated (see the module docstring for what wins over what)."""
    settings = scenario.matters.get(facts.id)
    limit = facts.limit_working_days
    if settings and settings.limit_working_days is not None:
        limit = settings.limit_working_days
    incomplete = scenario.process.window.incomplete_share
    if settings and settings.incomplete_share is not None:
        incomplete = settings.incomplete_share
    review: Sampler = (
        settings.review_minutes
        if settings and settings.review_minutes
        else scaled_to_mean(scenario.process.office.review_minutes, profile.office_minutes)
    )
    coordination = profile.coordination_days
    return MatterPlan(
        index=index,
        id=facts.id,
        name=facts.name,
        mode=mode,
        originals_by_post=facts.originals_by_post,
        result_delivery=profile.result_delivery,
        handling_level=facts.handling_level,
        limit_working_days=limit,
        service=settings.service_minutes if settings else None,
        review=review,
        incomplete_share=incomplete if profile.revisit_possible else 0.0,
        window_service=scaled_to_mean(default_window_service(scenario), profile.window_minutes),
        matter_class=profile.matter_class,
        decided_by=profile.decided_by,
        same_day=profile.same_day,
        office_days=(
            settings.office_days
            if settings and settings.office_days
            else days_sampler(profile.office_days)
        ),
        min_calendar_days=profile.min_calendar_days,
        coordination_days=days_sampler(coordination) if coordination is not None else None,
        supplement_possible=profile.supplement_possible,
        trips_saved=profile.trips_saved,
        demand_weight=profile.demand_weight,
        second_visit=profile.second_visit,
        second_visit_days=(
            days_sampler(profile.second_visit_days)
            if profile.second_visit_days is not None
            else None
        ),
    )
