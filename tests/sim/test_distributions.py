"""Every distribution family: its sample mean agrees with its analytic mean; bad input fails."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from pydantic import TypeAdapter, ValidationError

from sim.distributions import DISTRIBUTION_NAMES, Distribution

ADAPTER: TypeAdapter[Distribution] = TypeAdapter(Distribution)

EXAMPLES: list[dict[str, Any]] = [
    {"dist": "exponential", "mean": 10.0},
    {"dist": "lognormal", "mean": 58.71, "sd": 14.0},
    {"dist": "gamma", "mean": 5.0, "sd": 2.0},
    {"dist": "triangular", "low": 1.0, "mode": 2.0, "high": 6.0},
    {"dist": "uniform", "low": 5.0, "high": 60.0},
    {"dist": "deterministic", "value": 3.0},
    {"dist": "empirical", "values": [1.0, 2.0, 10.0], "weights": [0.5, 0.3, 0.2]},
]


def test_examples_cover_every_family() -> None:
    assert sorted(e["dist"] for e in EXAMPLES) == sorted(DISTRIBUTION_NAMES)


@pytest.mark.parametrize("spec", EXAMPLES, ids=lambda s: str(s["dist"]))
def test_sample_mean_matches_analytic_mean(spec: dict[str, object]) -> None:
    dist = ADAPTER.validate_python(spec)
    rng = np.random.default_rng(3)
    draws = dist.sample_many(rng, 40_000)
    standard_error = float(draws.std()) / math.sqrt(draws.size)
    assert abs(float(draws.mean()) - dist.mean) <= 4 * standard_error + 1e-12
    assert (draws >= 0).all()
    assert dist.sample(rng) >= 0


def test_lognormal_matches_its_standard_deviation() -> None:
    dist = ADAPTER.validate_python({"dist": "lognormal", "mean": 58.71, "sd": 14.0})
    draws = dist.sample_many(np.random.default_rng(1), 100_000)
    assert float(draws.std()) == pytest.approx(14.0, rel=0.03)


@pytest.mark.parametrize(
    "spec",
    [
        {"dist": "exponential", "mean": -1.0},
        {"dist": "uniform", "low": 5.0, "high": 1.0},
        {"dist": "triangular", "low": 1.0, "mode": 9.0, "high": 6.0},
        {"dist": "weibull", "mean": 1.0},
        {"dist": "exponential", "mean": 1.0, "scale": 2.0},
        {"dist": "empirical", "values": [1.0], "weights": [1.0, 2.0]},
    ],
)
def test_invalid_distributions_are_rejected(spec: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        ADAPTER.validate_python(spec)


@pytest.mark.parametrize(
    "spec",
    [
        {"dist": "exponential", "mean": math.inf},
        {"dist": "lognormal", "mean": 10.0, "sd": math.nan},
        {"dist": "uniform", "low": 0.0, "high": math.inf},
        {"dist": "triangular", "low": -math.inf, "mode": 1.0, "high": 2.0},
        {"dist": "deterministic", "value": math.nan},
        {"dist": "empirical", "values": [1.0, math.inf]},
    ],
    ids=lambda s: str(s["dist"]),
)
def test_infinite_or_nan_parameters_are_rejected(spec: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="finite number"):
        ADAPTER.validate_python(spec)
