"""``tongban route``: the --instance JSON contract and clean errors on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from routing.checker import check_solution
from routing.outputs import read_pickup_times
from routing.readers import read_instance
from routing.stopping import SolutionLimit, StoppingCriterion
from tongban.cli import app

runner = CliRunner()


def test_instance_json_contract(bench: Path) -> None:
    path = bench / "vrptw/solomon/C101.txt"
    result = runner.invoke(app, ["route", "--instance", str(path), "--iterations", "300", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert {"instance", "vehicles", "distance", "seconds", "feasible", "routes"} <= set(payload)
    assert payload["instance"] == "C101" and payload["feasible"] is True
    # routes use the file's customer numbers; the checker agrees with the printed distance
    report = check_solution(read_instance(path), payload["routes"])
    assert report.feasible and report.cost == payload["distance"]
    assert payload["vehicles"] == len(payload["routes"])


def test_instance_text_output_shows_gap(data: Path) -> None:
    result = runner.invoke(
        app, ["route", "--instance", str(data / "tiny.vrp"), "--iterations", "100"]
    )
    assert result.exit_code == 0, result.output
    assert "tiny: 2 vehicles, distance 26.0, feasible" in result.stdout


def test_malformed_instance_exits_2_with_line_number(data: Path) -> None:
    result = runner.invoke(app, ["route", "--instance", str(data / "bad_number.txt")])
    assert result.exit_code == 2
    assert "bad_number.txt:11: expected a number, got '6x8'" in result.stderr


def test_infeasible_windows_are_listed_not_fatal(data: Path) -> None:
    path = data / "tight_windows.txt"
    result = runner.invoke(app, ["route", "--instance", str(path), "--iterations", "50", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["feasible"] is False
    assert any(u.startswith("3: window closes") for u in payload["unserved"])


def test_argument_errors_exit_2() -> None:
    assert runner.invoke(app, ["route"]).exit_code == 2
    both = runner.invoke(app, ["route", "chizhou", "--instance", "x.txt"])
    assert both.exit_code == 2 and "not both" in both.stderr
    bad_seconds = runner.invoke(app, ["route", "--instance", "x.txt", "--seconds", "0"])
    assert bad_seconds.exit_code == 2
    missing = runner.invoke(app, ["route", "no-such-scenario-anywhere"])
    assert missing.exit_code == 2


def test_scenario_writes_plan_files(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["route", "chizhou", "--out", str(tmp_path), "--iterations", "100", "--json"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["unserved"] == 0
    for name in ("pickups.csv", "routes.geojson", "tradeoff.csv", "routing.json"):
        assert (tmp_path / name).is_file()
    times = read_pickup_times(tmp_path / "pickups.csv")
    assert set(times) == {"chizhou-city", "guichi", "dongzhi", "shitai", "qingyang"}
    assert all("09:00" <= t <= "17:00" for ts in times.values() for t in ts)


@pytest.mark.parametrize(
    ("args", "seconds", "iterations"),
    [
        (["--iterations", "50"], None, 50),  # reproducible: no wall-clock limit beside it
        ([], 30.0, None),
        (["--seconds", "3", "--iterations", "50"], 3.0, 50),  # both given: both kept
    ],
)
def test_instance_budget_drops_time_limit_with_iterations(
    data: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    seconds: float | None,
    iterations: int | None,
) -> None:
    import routing.benchmark

    seen: list[StoppingCriterion] = []
    real = routing.benchmark.run_instance

    def spy(data: object, stop: StoppingCriterion, **kw: object) -> object:
        seen.append(stop)
        return real(data, SolutionLimit(20), **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(routing.benchmark, "run_instance", spy)
    result = runner.invoke(app, ["route", "--instance", str(data / "tiny.vrp"), *args])
    assert result.exit_code == 0, result.output
    assert seen == [StoppingCriterion(seconds=seconds, iterations=iterations)]
    assert seen[0].deterministic is (seconds is None)
