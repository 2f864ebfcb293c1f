"""The work estimate and size checks applied to every loaded scenario."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from sim.scenarios.budget import expected_cases, open_hours_per_day
from sim.scenarios.loader import load_scenario, parse_scenario
from tongban.kernel.errors import InputError

BASE: dict[str, Any] = {
    "name": "budget",
    "days": 10,
    "replications": 3,
    "windows": [{"id": "W1", "hours": [["09:00", "12:00"], ["13:30", "17:00"]]}],
    "demand": [{"window": "W1", "matter": "1-05", "per_hour": 4.0}],
    "process": {"window": {"incomplete_share": 0.5, "max_visits": 3}},
}


def _scenario(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    data.update(changes)
    return data


def test_expected_cases_is_days_times_daily_rate_times_visits_times_replications() -> None:
    scenario = parse_scenario(_scenario())
    assert open_hours_per_day(scenario.windows[0]) == pytest.approx(6.5)
    visits = 1 + 0.5 + 0.25  # at most three visits, half come back each time
    assert expected_cases(scenario) == pytest.approx(10 * 4.0 * 6.5 * visits * 3)


def test_inbound_and_per_day_rates_add_up() -> None:
    data = _scenario(
        demand=[{"window": "W1", "matter": "1-05", "per_day": 20.0}],
        offices=[{"id": "O1", "level": "prefecture"}],
        inbound=[{"office": "O1", "matter": "1-05", "per_day": 5.0}],
    )
    assert expected_cases(parse_scenario(data)) == pytest.approx(10 * (20.0 * 1.75 + 5.0) * 3)


def test_a_run_beyond_the_expected_cases_limit_is_refused_before_compiling() -> None:
    data = _scenario(days=3000, replications=1000)
    data["demand"][0]["per_hour"] = 5000.0
    with pytest.raises(InputError, match=r"expected_cases .* is above the limit 2e\+07"):
        parse_scenario(data)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"days": 3661}, "days = 3661 days is above the limit 3660"),
        ({"days": "3"}, "days: Input should be a valid integer"),
        ({"days": 3.0}, "days: Input should be a valid integer"),
        ({"replications": 1001}, "replications = 1001 is above the limit 1000"),
        ({"start_date": "9999-12-30"}, "start_date = 9999-12-30 is outside"),
        ({"start_date": "2199-12-01"}, "ends after 2199-12-31"),
        ({"start_date": "2025-13-01"}, "start_date: date '2025-13-01' is not YYYY-MM-DD"),
    ],
)
def test_out_of_range_top_level_values_name_the_field(change: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_scenario(_scenario(**change))


def test_string_rates_are_not_converted() -> None:
    data = _scenario()
    data["demand"][0]["per_hour"] = "5"
    with pytest.raises(InputError, match=r"demand\.0\.per_hour"):
        parse_scenario(data)


def test_huge_distribution_parameters_are_refused() -> None:
    data = _scenario()
    data["process"]["window"]["service_minutes"] = {"dist": "lognormal", "mean": 15, "sd": 1e200}
    with pytest.raises(InputError, match=r"process.window.service_minutes.sd = 1e\+200"):
        parse_scenario(data)


def test_empty_hours_with_demand_is_an_error_and_without_demand_is_not() -> None:
    closed = [{"id": "W1", "hours": []}]
    with pytest.raises(InputError, match="has no opening hours"):
        parse_scenario(_scenario(windows=closed))
    assert parse_scenario(_scenario(windows=closed, demand=[])).windows[0].hours == []


def test_a_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    text = 'name = "bom"\ndays = 5\n[[windows]]\nid = "W1"\n'
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert load_scenario(str(path)).name == "bom"


def test_shipped_names_cannot_leave_the_package() -> None:
    with pytest.raises(InputError, match="no file or shipped scenario"):
        load_scenario("../../tests/data/golden/chizhou_small")
    assert load_scenario("chizhou").days > 0


def test_deep_toml_is_a_clean_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.toml"
    path.write_text('name = "d"\ndays = 5\nx = ' + "[" * 50_000 + "]" * 50_000 + "\n")
    with pytest.raises(InputError, match="nested far too deeply; the limit is 64"):
        load_scenario(str(path))
