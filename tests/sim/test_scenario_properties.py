"""Property: whatever values a scenario file holds, loading gives a Scenario or an InputError."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from sim.compile import compile_scenario
from sim.scenarios.budget import expected_cases
from sim.scenarios.loader import parse_scenario
from sim.scenarios.schema import Scenario
from tongban.kernel.errors import InputError

BASE: dict[str, Any] = {
    "name": "property",
    "days": 5,
    "replications": 2,
    "windows": [{"id": "W1", "clerks": 2}],
    "demand": [{"window": "W1", "matter": "1-05", "per_hour": 5.0}],
    "offices": [{"id": "O1", "level": "prefecture"}],
    "inbound": [{"office": "O1", "matter": "1-05", "per_day": 3.0}],
}

plausible = st.one_of(
    st.integers(min_value=0, max_value=4000), st.floats(min_value=0.0, max_value=2e4)
)
numbers = st.one_of(
    plausible,
    plausible,
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, 1, -1, 3660, 3661, 1e9, 1e12, 1e200, 1e308, -1e308, 0.5]),
)
clock_text = st.one_of(
    st.sampled_from(["08:00", "12:00", "13:30", "17:00", "00:00", "23:59"]),
    st.from_regex(r"[0-9０-９]{1,3}:[0-9０-９]{1,3}", fullmatch=True),
    st.sampled_from(["09:00", "24:00", "24:01", "9:00", "", "noon", "12:60", "-1:00"]),
)
anything = st.one_of(
    numbers,
    numbers,
    st.text(max_size=8),
    st.booleans(),
    st.none(),
    st.lists(numbers, max_size=3),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
)
hours = st.lists(st.lists(clock_text, min_size=0, max_size=3), max_size=3)
distribution = st.one_of(
    st.fixed_dictionaries(
        {"dist": st.sampled_from(["lognormal", "gamma"]), "mean": numbers, "sd": numbers}
    ),
    st.fixed_dictionaries({"dist": st.just("uniform"), "low": numbers, "high": numbers}),
    st.fixed_dictionaries(
        {"dist": st.just("triangular"), "low": numbers, "mode": numbers, "high": numbers}
    ),
    st.fixed_dictionaries({"dist": st.sampled_from(["blob", "exponential"]), "mean": anything}),
)
opening_hours = st.one_of(hours, st.sampled_from([[], [["08:00", "12:00"]], [["00:00", "24:00"]]]))

EDITS = st.lists(
    st.one_of(
        st.tuples(
            st.sampled_from(
                [("days",), ("replications",), ("seed",), ("drain_days",), ("warmup_days",)]
            ),
            anything,
        ),
        st.tuples(st.just(("start_date",)), anything),
        st.tuples(st.just(("windows", 0, "clerks")), anything),
        st.tuples(st.just(("windows", 0, "hours")), opening_hours),
        st.tuples(st.sampled_from([("demand", 0, "per_hour"), ("demand", 0, "per_day")]), anything),
        st.tuples(st.just(("inbound", 0, "per_day")), anything),
        st.tuples(st.just(("process", "window", "max_visits")), anything),
        st.tuples(st.just(("process", "window", "incomplete_share")), anything),
        st.tuples(st.just(("process", "window", "service_minutes")), distribution),
    ),
    min_size=1,
    max_size=3,
)


def _apply(data: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    node: Any = data
    for key in path[:-1]:
        node = node.setdefault(key, {}) if isinstance(key, str) else node[key]
    node[path[-1]] = value


@settings(max_examples=200, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(EDITS)
def test_generated_values_give_a_scenario_or_an_input_error(
    edits: list[tuple[tuple[Any, ...], Any]],
) -> None:
    data = copy.deepcopy(BASE)
    for path, value in edits:
        _apply(data, path, value)
    try:
        scenario = parse_scenario(data, "generated")
    except InputError as exc:
        event("refused")
        assert str(exc).startswith("invalid scenario generated") or "generated" in str(exc)
        assert "\n" not in str(exc)
        return
    assert isinstance(scenario, Scenario)
    assert 0 < scenario.days <= 3660
    assert expected_cases(scenario) <= 20_000_000
    try:  # what the loader let through compiles, or is refused as bad input
        compile_scenario(scenario)
        event("compiled")
    except InputError:
        event("refused by compile")


def test_unedited_base_is_valid() -> None:
    assert parse_scenario(copy.deepcopy(BASE), "generated").days == 5
