"""Scenario files: the shipped ones load and compile; bad ones fail naming the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.compile import compile_scenario
from sim.scenarios.loader import load_scenario, parse_scenario, shipped_names
from tongban.kernel.errors import InputError

BAD = Path(__file__).parents[1] / "data" / "scenarios"

EXPECTED_ERRORS = {
    "unknown_key.toml": ["windows.0.colour", "unknown key", "allowed keys: id, name"],
    "negative_rate.toml": ["demand.0.per_hour", "greater than or equal to 0"],
    "unknown_matter.toml": ["demand.0.matter", "'9-99'", "allowed: '*' or a catalog id"],
    "unknown_window.toml": ["demand.0.window", "'W2'", "allowed: W1"],
    "overlapping_hours.toml": ["windows.0.hours", "overlap"],
    "zero_clerks.toml": ["windows.0.clerks", "0 clerks at 09:00", "'auto'"],
    "bad_calendar.toml": ["windows.0.calendar", "'always' or 'cn-workdays'"],
    "bad_distribution.toml": ["demand.0.service_minutes", "'weibull'", "'exponential'"],
    "bad_toml.toml": ["not valid TOML"],
    "not_utf8.toml": ["not_utf8.toml", "not a UTF-8 text file"],
    "infinite_rate.toml": ["demand.0.per_hour", "finite number"],
    "infinite_service_mean.toml": ["demand.0.service_minutes.exponential.mean", "finite number"],
    "nan_target.toml": ["targets.wait_minutes", "finite number"],
    "shift_ends_before_start.toml": ["windows.0.shifts.0", "end 10:00 must be after"],
}


def test_shipped_scenarios() -> None:
    assert {"chizhou", "tianjin", "qijiang", "haicang", "mmc"} <= set(shipped_names())


@pytest.mark.parametrize("name", ["chizhou", "tianjin", "qijiang", "haicang", "mmc"])
def test_shipped_scenario_compiles(name: str) -> None:
    compiled = compile_scenario(load_scenario(name))
    assert compiled.windows
    assert all(w.rates.sum() > 0 for w in compiled.windows)


def test_default_scenario_covers_all_140_matters() -> None:
    compiled = compile_scenario(load_scenario("chizhou"))
    assert len(compiled.matters) == 140
    at_windows = {m for w in compiled.windows for m in w.row_matter}
    assert at_windows == set(range(140))


@pytest.mark.parametrize("filename", sorted(EXPECTED_ERRORS))
def test_bad_scenario_names_the_field(filename: str) -> None:
    with pytest.raises(InputError) as caught:
        compile_scenario(load_scenario(str(BAD / filename)))
    for fragment in EXPECTED_ERRORS[filename]:
        assert fragment in str(caught.value)


def test_every_bad_file_is_checked() -> None:
    assert {p.name for p in BAD.glob("*.toml")} == set(EXPECTED_ERRORS)


def test_rates_per_opening_hour_must_match_the_hours() -> None:
    data = {
        "name": "x",
        "days": 3,
        "windows": [{"id": "W1"}],
        "demand": [{"window": "W1", "matter": "1-05", "per_hour": [1.0, 2.0]}],
    }
    with pytest.raises(InputError, match=r"demand\.0\.per_hour: 2 rates given.*7 clock hours"):
        compile_scenario(parse_scenario(data))


def test_unknown_shipped_name_lists_the_shipped_ones() -> None:
    with pytest.raises(InputError, match=r"shipped: .*chizhou"):
        load_scenario("atlantis")
