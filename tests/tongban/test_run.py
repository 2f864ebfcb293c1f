"""``tongban run``: routing → staffing → simulation, one report folder."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import tomli_w
from typer.testing import CliRunner

from sim.scenarios.loader import resolve_path
from tongban.cli import app

runner = CliRunner()
DATA = Path(__file__).parents[1] / "data"
pytestmark = pytest.mark.xdist_group("tongban-run")  # share the module fixtures on one worker


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def default_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``tongban run`` with no scenario: the shipped default (chizhou), one replication."""
    out = tmp_path_factory.mktemp("run") / "default"
    result = runner.invoke(app, ["run", "-r", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def chizhou_reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Chizhou with fixed clerks, once with the routing plan and once with fixed pickups."""
    import tomllib

    base = tmp_path_factory.mktemp("run")
    data = tomllib.loads(resolve_path("chizhou").read_text("utf-8"))
    for window in data["windows"]:
        if window.get("clerks") == "auto":
            window["clerks"] = 2
    scenario = base / "chizhou_fixed_clerks.toml"
    scenario.write_text(tomli_w.dumps(data), "utf-8")
    folders = {}
    for label, extra in (("routed", []), ("fixed", ["--no-routing"]), ("again", [])):
        out = base / label
        result = runner.invoke(app, ["run", str(scenario), "-r", "1", "--out", str(out), *extra])
        assert result.exit_code == 0, result.output
        folders[label] = out
    return folders


def test_default_run_writes_the_whole_report(default_report: Path) -> None:
    out = default_report
    for name in ("summary.json", "turnaround.csv", "windows.csv", "staffing.csv",
                 "matter_staffing.csv", "offices.csv", "routes.geojson", "pickups.csv",
                 "trips_saved.csv", "tradeoff.csv", "routes.png", "map.png",
                 "staffing_plan.csv", "roster.csv"):  # fmt: skip
        assert (out / name).is_file(), name
    assert len(_rows(out / "turnaround.csv")) == 140
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert summary["scenario"] == "chizhou"
    assert summary["stages"]["routing"] is True
    assert summary["stages"]["staffing"] is True
    plan = {r["hour"]: r["clerks"] for r in _rows(out / "staffing_plan.csv")}
    used = {
        r["hour"]: r["clerks"]
        for r in _rows(out / "staffing.csv")
        if r["window_id"] == "chizhou-city" and r["day_type"] == "workday"
    }
    assert plan and all(used[hour] == clerks for hour, clerks in plan.items())
    routes = json.loads((out / "routes.geojson").read_text("utf-8"))
    assert routes["features"], "no pickup route"
    for feature in routes["features"]:
        assert feature["geometry"]["type"] == "LineString"
        assert {"vehicle", "stops", "distance_km", "duration_h"} <= set(feature["properties"])
    windows = {r["window_id"] for r in _rows(out / "windows.csv")}
    pickups = _rows(out / "pickups.csv")
    assert {p["window_id"] for p in pickups} == windows
    assert all(p["vehicle"] != "fixed" for p in pickups)


def test_turnaround_follows_the_pickup_plan(chizhou_reports: dict[str, Path]) -> None:
    routed = _rows(chizhou_reports["routed"] / "pickups.csv")
    fixed = _rows(chizhou_reports["fixed"] / "pickups.csv")
    assert {p["pickup_time"] for p in fixed} == {"16:00"}
    assert {p["pickup_time"] for p in routed} != {"16:00"}
    by_matter = {
        label: {r["matter_id"]: r["days_mean"] for r in _rows(folder / "turnaround.csv")}
        for label, folder in chizhou_reports.items()
    }
    changed = [
        m
        for m, days in by_matter["fixed"].items()
        if days and by_matter["routed"][m] and float(days) != float(by_matter["routed"][m])
    ]
    assert changed, "turnaround did not change when the pickup plan changed"


def test_auto_window_is_simulated_with_the_verified_plan(tmp_path: Path) -> None:
    out = tmp_path / "auto"
    scenario = DATA / "staffing" / "lunch_window.toml"
    result = runner.invoke(app, ["run", str(scenario), "-r", "2", "--out", str(out)])
    assert result.exit_code == 0, result.output
    plan = {
        (r["window_id"], r["hour"]): int(r["clerks"])
        for r in _rows(out / "staffing_plan.csv")
        if r["day_type"] == "workday"
    }
    simulated = {
        (r["window_id"], r["hour"]): int(r["clerks"])
        for r in _rows(out / "staffing.csv")
        if r["day_type"] == "workday"
    }
    assert plan and all(simulated[key] == clerks for key, clerks in plan.items())
    assert (out / "roster.csv").is_file()
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert summary["stages"]["staffing"] is True
    assert summary["stages"]["routing"] is False  # abstract scenario: no admin codes


def test_same_seed_gives_identical_files(chizhou_reports: dict[str, Path]) -> None:
    first, second = chizhou_reports["routed"], chizhou_reports["again"]
    names = sorted(p.name for p in first.iterdir() if p.suffix in {".csv", ".geojson"})
    assert "turnaround.csv" in names and "routes.geojson" in names
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--route-iterations", "0"),
        ("--replications", "0"),
        ("--seed", "-1"),
        ("--waiting-weight", "nan"),
        ("--waiting-weight", "inf"),
        ("--waiting-weight", "-1"),
    ],
)
def test_bad_option_is_exit_2_at_once_and_writes_nothing(
    tmp_path: Path, option: str, value: str
) -> None:
    out = tmp_path / "never"
    result = runner.invoke(app, ["run", "chizhou", option, value, "--out", str(out)])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and option.lstrip("-") in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()
