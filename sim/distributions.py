"""Probability distributions for scenario files: a pydantic discriminated union on ``dist``.

Each distribution draws with an explicit :class:`numpy.random.Generator` (``sample`` for one
value, ``sample_many`` for a vector) and knows its analytic ``mean``. Written in TOML as e.g.
``{ dist = "lognormal", mean = 58.7, sd = 14.0 }``.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal, Protocol

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

PositiveFloat = Annotated[float, Field(gt=0)]
NonNegativeFloat = Annotated[float, Field(ge=0)]


class _Distribution(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @property
    def mean(self) -> float:  # pragma: no cover - overridden
        raise NotImplementedError

    def sample_many(self, rng: np.random.Generator, size: int) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def sample(self, rng: np.random.Generator) -> float:
        """One draw."""
        return float(self.sample_many(rng, 1)[0])


class Exponential(_Distribution):
    """Exponential with the given mean."""

    dist: Literal["exponential"] = "exponential"
    mean_value: PositiveFloat = Field(alias="mean")

    @property
    def mean(self) -> float:
        return self.mean_value

    def sample(self, rng: np.random.Generator) -> float:
        return float(rng.exponential(self.mean_value))

    def sample_many(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.exponential(self.mean_value, size)


class Lognormal(_Distribution):
    """Lognormal given by the mean and standard deviation of the value itself."""

    dist: Literal["lognormal"] = "lognormal"
    mean_value: PositiveFloat = Field(alias="mean")
    sd: PositiveFloat

    @property
    def mean(self) -> float:
        return self.mean_value

    def _params(self) -> tuple[float, float]:
        sigma2 = math.log1p((self.sd / self.mean_value) ** 2)
        return math.log(self.mean_value) - sigma2 / 2.0, math.sqrt(sigma2)

    def sample_many(self, rng: np.random.Generator, size: int) -> np.ndarray:
        mu, sigma = self._params()
        return rng.lognormal(mu, sigma, size)


class Gamma(_Distribution):
    """Gamma given by its mean and standard deviation."""

    dist: Literal["gamma"] = "gamma"
    mean_value: PositiveFloat = Field(alias="mean")
    sd: PositiveFloat

    @property
    def mean(self) -> float:
        return self.mean_value

    def sample_many(self, rng: np.random.Generator, size: int) -> np.ndarray:
        shape = (self.mean_value / self.sd) ** 2
        return rng.gamma(shape, self.sd**2 / self.mean_value, size)


class Triangular(_Distribution):
    """Triangular on ``[low, high]`` with peak at ``mode``."""

    dist: Literal["triangular"] = "triangular"
    low: NonNegativeFloat
    mode: NonNegativeFloat
    high: PositiveFloat

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not self.low <= self.mode <= self.high or self.low == self.high:
            raise ValueError("triangular needs low <= mode <= high and low < high")
        return self

    @property
    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3.0

    def sample_many(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.triangular(self.low, self.mode, self.high, size)


class Uniform(_Distribution):
    """Uniform on ``[low, high)``."""

    dist: Literal["uniform"] = "uniform"
    low: NonNegativeFloat
    high: PositiveFloat

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.low >= self.high:
            raise ValueError("uniform needs low < high")
        return self

    @property
    def mean(self) -> float:
        return (self.low + self.high) / 2.0

    def sample_many(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.uniform(self.low, self.high, size)


class Deterministic(_Distribution):
    """Always the same value."""

    dist: Literal["deterministic"] = "deterministic"
    value: NonNegativeFloat

    @property
    def mean(self) -> float:
        return self.value

    def sample(self, rng: np.random.Generator) -> float:
        return self.value

    def sample_many(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return np.full(size, self.value)


class Empirical(_Distribution):
    """Resampling of observed values, optionally weighted."""

    dist: Literal["empirical"] = "empirical"
    values: Annotated[list[NonNegativeFloat], Field(min_length=1)]
    weights: list[NonNegativeFloat] | None = None

    @model_validator(mode="after")
    def _weights_match(self) -> Empirical:
        if self.weights is not None and (
            len(self.weights) != len(self.values) or sum(self.weights) <= 0
        ):
            raise ValueError("empirical weights must match values in length and sum to > 0")
        return self

    def _probabilities(self) -> np.ndarray | None:
        if self.weights is None:
            return None
        weights = np.asarray(self.weights, dtype=float)
        probabilities: np.ndarray = weights / weights.sum()
        return probabilities

    @property
    def mean(self) -> float:
        probabilities = self._probabilities()
        values = np.asarray(self.values, dtype=float)
        if probabilities is None:
            return float(values.mean())
        return float(values @ probabilities)

    def sample_many(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.choice(np.asarray(self.values, dtype=float), size, p=self._probabilities())


Distribution = Annotated[
    Exponential | Lognormal | Gamma | Triangular | Uniform | Deterministic | Empirical,
    Field(discriminator="dist"),
]
"""Any scenario distribution; the ``dist`` key selects the family."""

DISTRIBUTION_NAMES = (
    "exponential",
    "lognormal",
    "gamma",
    "triangular",
    "uniform",
    "deterministic",
    "empirical",
)


class Sampler(Protocol):
    """Anything that draws non-negative values and knows its mean (distributions, sums)."""

    @property
    def mean(self) -> float:
        """Analytic mean."""
        ...

    def sample(self, rng: np.random.Generator) -> float:
        """One draw."""
        ...

    def sample_many(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """A vector of draws."""
        ...
