"""Shared scenario builders for the simulation tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

ScenarioBuilder = Callable[..., dict[str, Any]]


def one_joint_matter_scenario(
    office_days: dict[str, Any], *, limit: int = 5, **top: Any
) -> dict[str, Any]:
    """One morning window, one joint matter (1-31) decided by an office elsewhere after
    ``office_days`` working days (a distribution); no repeat visits, no coordination delay,
    no supplements, instant delivery. ``top`` overrides top-level keys (start_date, days, …)."""
    return {
        "name": "one joint matter",
        "start_date": "2025-03-03",
        "days": 20,
        "drain_days": 60,
        "replications": 2,
        "seed": 11,
        "windows": [{"id": "W1", "clerks": 3, "hours": [["09:00", "12:00"]]}],
        "demand": [{"window": "W1", "matter": "1-31", "per_hour": 4.0, "mode": "joint"}],
        "matters": {"1-31": {"limit_working_days": limit, "office_days": office_days}},
        "process": {
            "window": {"incomplete_share": 0.0},
            "joint": {"coordination_days": {"dist": "deterministic", "value": 0.0}},
            "office": {"supplement_share": 0.0},
            "return": {"online_delivery_minutes": {"dist": "deterministic", "value": 0.0}},
        },
        **top,
    }


@pytest.fixture
def joint_scenario() -> ScenarioBuilder:
    """The :func:`one_joint_matter_scenario` builder."""
    return one_joint_matter_scenario
