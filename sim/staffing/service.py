"""Service-time distributions for the staffing evaluator (minutes per case).

A :class:`ServiceTime` is one parametric distribution given by its mean and coefficient of
variation; a :class:`ServiceMix` is a mixture of them (a window handling several matters).
Both satisfy :class:`ServiceSampler`: ``mean`` plus ``sample(rng, size)``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np
import numpy.typing as npt

from tongban.errors import InputError

DistName = Literal["exponential", "deterministic", "lognormal", "gamma"]
DIST_NAMES: tuple[DistName, ...] = ("exponential", "deterministic", "lognormal", "gamma")


class ServiceSampler(Protocol):
    """Anything that draws service times in minutes and knows their mean."""

    @property
    def mean(self) -> float:
        """Mean service time in minutes."""
        ...

    def sample(self, rng: np.random.Generator, size: int) -> npt.NDArray[np.float64]:
        """Draw ``size`` independent service times in minutes."""
        ...


@dataclass(frozen=True)
class ServiceTime:
    """One service-time distribution: ``dist`` with ``mean`` minutes and coefficient ``cv``.

    ``exponential`` ignores ``cv`` (it is 1); ``deterministic`` has cv 0; ``lognormal`` and
    ``gamma`` use the given ``cv``.
    """

    dist: DistName
    mean: float
    cv: float = 1.0

    def __post_init__(self) -> None:
        if self.dist not in DIST_NAMES:
            raise InputError(
                f"service dist {self.dist!r} is not supported; use one of {', '.join(DIST_NAMES)}",
                field="service_minutes.dist",
            )
        if not (math.isfinite(self.mean) and self.mean > 0):
            raise InputError("service_minutes.mean must be > 0 minutes", field="service_minutes")
        if not (math.isfinite(self.cv) and self.cv >= 0):
            raise InputError("service_minutes.cv must be >= 0", field="service_minutes.cv")
        if self.dist in ("lognormal", "gamma") and self.cv == 0:
            raise InputError(
                "service_minutes.cv must be > 0 for lognormal/gamma (use deterministic for 0)",
                field="service_minutes.cv",
            )

    @classmethod
    def from_mapping(cls, spec: Mapping[str, object]) -> ServiceTime:
        """Build from a scenario-style table such as ``{dist = "exponential", mean = 10.0}``."""
        dist = str(spec.get("dist", "exponential"))
        mean = spec.get("mean")
        if not isinstance(mean, int | float):
            raise InputError("service_minutes.mean is required (minutes)", field="service_minutes")
        cv_raw = spec.get("cv", 1.0 if dist != "deterministic" else 0.0)
        if not isinstance(cv_raw, int | float):
            raise InputError("service_minutes.cv must be a number", field="service_minutes.cv")
        return cls(dist=dist, mean=float(mean), cv=float(cv_raw))  # type: ignore[arg-type]

    def sample(self, rng: np.random.Generator, size: int) -> npt.NDArray[np.float64]:
        """Draw ``size`` service times in minutes."""
        if self.dist == "exponential":
            return rng.exponential(self.mean, size)
        if self.dist == "deterministic":
            return np.full(size, self.mean)
        if self.dist == "gamma":
            shape = 1.0 / self.cv**2
            return rng.gamma(shape, self.mean / shape, size)
        sigma2 = math.log1p(self.cv**2)
        return rng.lognormal(math.log(self.mean) - 0.5 * sigma2, math.sqrt(sigma2), size)


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

    def sample(self, rng: np.random.Generator, size: int) -> npt.NDArray[np.float64]:
        """Draw the component for each case, then its service time."""
        weights = np.array([w for w, _ in self.components], dtype=float)
        which = rng.choice(len(weights), size=size, p=weights / weights.sum())
        out = np.empty(size)
        for k, (_, dist) in enumerate(self.components):
            mask = which == k
            out[mask] = dist.sample(rng, int(mask.sum()))
        return out
