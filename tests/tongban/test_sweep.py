"""Sweeps: the product of settings, each point validated, one row per point equal to a run."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.scenarios.overrides import apply_setting, parse_setting, parse_value
from tongban.cli import app
from tongban.kernel.errors import InputError
from tongban.pipeline import RunOptions
from tongban.pipeline.stages import now, run_prepared, simulation_only
from tongban.pipeline.sweep import kpis, plan_points, run_sweep

runner = CliRunner()
SHORT = parse_setting("days=8")


def test_values_read_as_toml() -> None:
    assert parse_value("3") == 3 and parse_value("2.5") == 2.5
    assert parse_value('"auto"') == "auto" and parse_value("auto") == "auto"
    assert parse_setting("windows.W1.clerks=[1, 2],3").values == ([1, 2], 3)


def test_lists_are_entered_by_id_window_or_index() -> None:
    data = {"windows": [{"id": "A", "clerks": 1}], "demand": [{"window": "A", "per_hour": 1.0}]}
    assert apply_setting(data, "windows.A.clerks", 4)["windows"][0]["clerks"] == 4
    assert apply_setting(data, "demand.A.per_hour", 2.0)["demand"][0]["per_hour"] == 2.0
    assert apply_setting(data, "demand.0.per_hour", 3.0)["demand"][0]["per_hour"] == 3.0
    assert data["windows"][0]["clerks"] == 1  # the original is untouched
    with pytest.raises(InputError, match=r"windows\.B: no element 'B' \(ids: A"):
        apply_setting(data, "windows.B.clerks", 4)


def test_points_are_the_product() -> None:
    points = plan_points("mmc", [parse_setting("windows.W1.clerks=9,10"), SHORT])
    assert [dict(p.params) for p in points] == [
        {"windows.W1.clerks": 9, "days": 8},
        {"windows.W1.clerks": 10, "days": 8},
    ]
    assert [p.scenario.windows[0].clerks for p in points] == [9, 10]


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("windows.W1.clerks=3,-1", r"windows\.W1\.clerks=-1.*greater than or equal to 0"),
        ("days=0", r"days=0.*days: Input should be greater than 0"),
        ("nonsense=1", r"nonsense: unknown key; allowed keys: name"),
    ],
)
def test_bad_values_name_the_setting_and_range(setting: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        plan_points("mmc", [parse_setting(setting)])


def test_each_row_equals_a_run_of_its_point() -> None:
    options = RunOptions(replications=2, routing=False)
    points = plan_points("mmc", [parse_setting("windows.W1.clerks=9,11"), SHORT])
    results = run_sweep(points, options, stages=False)
    for point, result in zip(points, results, strict=True):
        alone = run_prepared(simulation_only(point.scenario, options), now())
        for name, value in kpis(alone.simulation).items():
            swept = kpis(result)[name]
            assert swept == value or (math.isnan(swept) and math.isnan(value)), name
    waits = [kpis(r)["wait_mean_min"] for r in results]
    assert waits[0] > waits[1]  # more clerks, shorter waits


def test_progress_hears_each_point_prepared_then_each_task() -> None:
    heard: list[tuple[str, int, int]] = []
    points = plan_points("mmc", [parse_setting("windows.W1.clerks=9,10,11"), SHORT])
    options = RunOptions(replications=2, routing=False)

    def progress(stage: str, done: int, total: int) -> None:
        heard.append((stage, done, total))

    run_sweep(points, options, stages=False, progress=progress)
    prepare = [h for h in heard if h[0] == "prepare"]
    assert prepare == [("prepare", i, 3) for i in range(4)]
    assert heard.index(prepare[-1]) < min(i for i, h in enumerate(heard) if h[0] == "simulation")
    assert heard[-1] == ("simulation", 6, 6)


def test_cli_writes_one_row_per_point(tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    grid = ["--set", "windows.W1.clerks=9,10,11", "--set", "days=8"]
    result = runner.invoke(
        app,
        ["sweep", "mmc", *grid, "-r", "1", "--out", str(out), "--quiet"],
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader((out / "sweep.csv").open(encoding="utf-8")))
    assert [r["windows.W1.clerks"] for r in rows] == ["9", "10", "11"]
    assert {"wait_mean_min", "turnaround_days_mean", "within_limit_share"} <= set(rows[0])


def test_cli_bad_setting_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["sweep", "mmc", "--set", "windows.W1.clerks=-2", "--out", str(tmp_path / "s")]
    )
    assert result.exit_code == 2
    assert "windows.W1.clerks=-2" in result.stderr and "greater than or equal to 0" in result.stderr


def test_sweep_csv_text_cells_are_never_formulas(tmp_path: Path) -> None:
    from tongban.pipeline.sweep import write_sweep_csv

    out = write_sweep_csv([{"windows.W1.name": "=HYPERLINK(1)", "wait_mean_min": 1.5}], tmp_path)
    assert out.read_text("utf-8").splitlines()[1] == "'=HYPERLINK(1),1.5"
    assert [p.name for p in tmp_path.iterdir()] == ["sweep.csv"]  # no scratch file left


def test_each_point_is_parsed_once_and_errors_carry_their_position(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tongban.pipeline import sweep

    parses: list[str] = []
    parse = sweep.parse_scenario

    def counted(data: dict[str, object], source: str) -> object:
        parses.append(source)
        return parse(data, source)

    monkeypatch.setattr(sweep, "parse_scenario", counted)
    plan_points("mmc", [parse_setting("windows.W1.clerks=9,10"), parse_setting("days=8,9")])
    assert len(parses) == 4  # one per point (each value alone was parsed too, before)
    with pytest.raises(sweep.SettingInvalid, match=r"days=0") as refused:
        plan_points("mmc", [parse_setting("windows.W1.clerks=9,10"), parse_setting("days=8,0")])
    assert (refused.value.setting, refused.value.value) == (1, 1)
