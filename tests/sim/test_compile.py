"""compile_scenario: cross-reference errors name the field; records are built once."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from sim.compile import compile_scenario
from sim.scenarios.loader import parse_scenario
from tongban.kernel.errors import InputError


def base(**top: Any) -> dict[str, Any]:
    """Two windows (one open at weekends), one office, demand for one matter."""
    data: dict[str, Any] = {
        "name": "compile check",
        "days": 10,
        "windows": [
            {"id": "W1", "clerks": 2},
            {"id": "W2", "clerks": 1, "weekend_hours": [["09:00", "12:00"]]},
        ],
        "demand": [{"window": "W1", "matter": "1-05", "per_day": 20.0}],
        "offices": [{"id": "O1"}],
    }
    data.update(top)
    return data


@pytest.mark.parametrize(
    ("changes", "fragments"),
    [
        (
            {"inbound": [{"office": "O9", "matter": "1-05", "per_day": 1.0}]},
            ["inbound.0.office", "'O9'", "allowed: auto, O1"],
        ),
        (
            {"inbound": [{"office": "O1", "matter": "9-99", "per_day": 1.0}]},
            ["inbound.0.matter", "'9-99'"],
        ),
        ({"matters": {"9-99": {"weight": 1.0}}}, ["matters.9-99", "unknown matter"]),
        (
            {
                "windows": [{"id": "W1", "clerks": 2, "hourly_profile": [1.0, 2.0]}],
            },
            ["windows.0.hourly_profile", "needs 7 values"],
        ),
        (
            {"windows": [{"id": "W1", "clerks": 0}]},
            ["windows.0.clerks", "0 clerks at 09:00", "3.08 applicants/h"],  # 20 a day / 6.5 h
        ),
    ],
)
def test_cross_reference_errors_name_the_field(
    changes: dict[str, Any], fragments: list[str]
) -> None:
    with pytest.raises(InputError) as caught:
        compile_scenario(parse_scenario(base(**changes)))
    for fragment in fragments:
        assert fragment in str(caught.value)


def test_per_day_demand_is_spread_over_the_open_minutes() -> None:
    compiled = compile_scenario(parse_scenario(base()))
    window = compiled.windows[0]
    minutes = np.array(window.hours.open_minutes_by_hour())
    per_day = float((window.rates.sum(axis=0) * minutes / 60.0).sum())
    assert per_day == pytest.approx(20.0)
    assert window.rates[0, 13] > 0 and minutes[13] == 30.0  # 13:30 opening: half an hour


def test_timetables_are_built_once_and_share_one_calendar_per_kind() -> None:
    compiled = compile_scenario(parse_scenario(base()))
    first, second = compiled.windows
    assert first.timetable.calendar is second.timetable.calendar
    assert compiled.offices[0].timetable.calendar is first.timetable.calendar
    assert second.timetable.weekend_hours is second.weekend_hours
    assert first.arrivals.timetable is first.timetable
    restaffed = compiled.with_clerk_plans({"W1": [3] * 24})
    assert restaffed.windows[0].clerks == (3,) * 24
    assert restaffed.windows[0].timetable is first.timetable


def test_statistics_period_comes_from_the_scenario() -> None:
    compiled = compile_scenario(parse_scenario(base(warmup_days=2.5, drain_days=4)))
    period = compiled.period
    assert (period.stats_from, period.stats_until) == (2.5 * 1440, 10 * 1440)
    assert period.arrivals_until == period.stats_until
    assert period.run_until == 14 * 1440
    assert period.length == 7.5 * 1440
    assert period.counts(period.stats_from) and not period.counts(period.stats_until)
    assert period.target_wait == compiled.scenario.targets.wait_minutes


def test_clerk_plans_for_unknown_windows_are_refused() -> None:
    compiled = compile_scenario(parse_scenario(base()))
    with pytest.raises(InputError, match="unknown windows"):
        compiled.with_clerk_plans({"W9": [1] * 24})
    with pytest.raises(InputError, match=r"windows\.0\.clerks"):
        compiled.with_clerk_plans({"W1": [0] * 24})
