"""Service-time samplers for staffing: the engine's distributions plus what they lack.

Staffing draws service (and review) times with the engine's own samplers — any object with
``mean`` and ``sample_many(rng, size)``, i.e. every :mod:`sim.distributions` distribution —
so a scenario's ``service_minutes`` table is used as is. This module adds only what
:mod:`sim.distributions` does not have:

- :class:`ServiceMix`, a mixture (a window handling several matters, weighted by arrivals);
- :class:`Scaled`, a sampler times a constant (review minutes → working hours);
- :func:`parametric`, the ``(dist, mean, cv)`` form the ``tongban staff --rates`` command
  takes, built as an engine distribution.

Every class here also has ``sample(rng)`` so it satisfies the engine's
:class:`sim.distributions.Sampler` and can be handed to ``sim.run.simulate_window``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from sim.distributions import Deterministic, Exponential, Gamma, Lognormal
from tongban.kernel.errors import InputError

PARAMETRIC_NAMES = ("exponential", "deterministic", "lognormal", "gamma")


class ServiceSampler(Protocol):
    """Anything that draws service times in minutes and knows their mean (engine samplers)."""

    @property
    def mean(self) -> float:
        """Mean service time in minutes."""
        ...

    def sample_many(self, rng: np.random.Generator, size: int) -> npt.NDArray[np.float64]:
        """Draw ``size`` independent service times in minutes."""
        ...


def parametric(dist: str, mean: float, cv: float = 1.0) -> ServiceSampler:
    """An engine distribution from ``dist`` with ``mean`` minutes and coefficient ``cv``.

    ``exponential`` ignores ``cv`` (it is 1); ``deterministic`` has cv 0; ``lognormal`` and
    ``gamma`` need ``cv > 0``.
    """
    if dist not in PARAMETRIC_NAMES:
        raise InputError(
            f"service dist {dist!r} is not supported; use one of {', '.join(PARAMETRIC_NAMES)}",
            field="service_minutes.dist",
        )
    if not (math.isfinite(mean) and mean > 0):
        raise InputError("service_minutes.mean must be > 0 minutes", field="service_minutes")
    if dist == "exponential":
        return Exponential(mean=mean)
    if dist == "deterministic":
        return Deterministic(value=mean)
    if not (math.isfinite(cv) and cv > 0):
        raise InputError(
            "service_minutes.cv must be > 0 for lognormal/gamma (use deterministic for 0)",
            field="service_minutes.cv",
        )
    if dist == "gamma":
        return Gamma(mean=mean, sd=cv * mean)
    return Lognormal(mean=mean, sd=cv * mean)


@dataclass(frozen=True)
class Scaled:
    """``inner`` times a positive constant ``factor`` (e.g. 1/60: minutes → hours)."""

    inner: ServiceSampler
    factor: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.factor) and self.factor > 0):
            raise InputError("scale factor must be a positive number")

    @property
    def mean(self) -> float:
        """Mean of the scaled distribution."""
        return float(self.inner.mean) * self.factor

    def sample_many(self, rng: np.random.Generator, size: int) -> npt.NDArray[np.float64]:
        """``size`` scaled draws."""
        return np.asarray(self.inner.sample_many(rng, size), dtype=float) * self.factor

    def sample(self, rng: np.random.Generator) -> float:
        """One scaled draw."""
        return float(self.sample_many(rng, 1)[0])


@dataclass(frozen=True)
class ServiceMix:
    """A mixture of service-time distributions with non-negative weights (e.g. matter shares)."""

    components: tuple[tuple[float, ServiceSampler], ...]

    def __post_init__(self) -> None:
        weights = [w for w, _ in self.components]
        if not weights or min(weights) < 0 or sum(weights) <= 0:
            raise InputError("service mix needs non-negative weights with a positive sum")

    @classmethod
    def of(cls, pairs: Sequence[tuple[float, ServiceSampler]]) -> ServiceMix:
        """Build from (weight, distribution) pairs."""
        return cls(components=tuple((float(w), d) for w, d in pairs))

    @property
    def mean(self) -> float:
        """Weighted mean service time in minutes."""
        total = sum(w for w, _ in self.components)
        return sum(w * d.mean for w, d in self.components) / total

    def sample_many(self, rng: np.random.Generator, size: int) -> npt.NDArray[np.float64]:
        """Draw the component for each case, then its service time."""
        weights = np.array([w for w, _ in self.components], dtype=float)
        which = rng.choice(len(weights), size=size, p=weights / weights.sum())
        out = np.empty(size)
        for k, (_, dist) in enumerate(self.components):
            mask = which == k
            out[mask] = dist.sample_many(rng, int(mask.sum()))
        return out

    def sample(self, rng: np.random.Generator) -> float:
        """One draw."""
        return float(self.sample_many(rng, 1)[0])


def mixture(
    samplers: Sequence[ServiceSampler], weights: Sequence[float], factor: float = 1.0
) -> ServiceSampler:
    """The weighted mixture of ``samplers`` (the single sampler when there is only one)."""
    parts: list[ServiceSampler] = (
        list(samplers) if factor == 1.0 else [Scaled(s, factor) for s in samplers]
    )
    if len({id(s) for s in samplers}) == 1 or sum(weights) <= 0:
        return parts[0]
    return ServiceMix.of([(w, s) for w, s in zip(weights, parts, strict=True) if w > 0])
