"""``tongban simulate`` and ``tongban run``: report folder, exit codes, no partial output."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tongban.cli import app

BAD = Path(__file__).parents[1] / "data" / "scenarios"
RUNNER = CliRunner()


def test_simulate_mmc_writes_the_report(tmp_path: Path) -> None:
    out = tmp_path / "report"
    result = RUNNER.invoke(
        app, ["simulate", "mmc", "--replications", "2", "--seed", "4", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["scenario"] == "M/M/c check"
    assert summary["seed"] == 4 and summary["replications"] == 2
    for key in ("cases", "started", "finished", "package_version"):
        assert key in summary
    with (out / "windows.csv").open() as handle:
        header = next(csv.reader(handle))
    assert header[:8] == [
        "window_id",
        "cases",
        "wait_mean_min",
        "wait_mean_ci95_min",
        "wait_p50_min",
        "wait_p90_min",
        "wait_p95_min",
        "utilisation",
    ]


def test_run_default_covers_all_140_matters(tmp_path: Path) -> None:
    out = tmp_path / "report"
    result = RUNNER.invoke(app, ["run", "--replications", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    with (out / "turnaround.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 140
    assert list(rows[0])[:11] == [
        "matter_id",
        "matter_name",
        "mode",
        "cases",
        "days_mean",
        "days_mean_ci95",
        "days_p50",
        "days_p90",
        "days_p95",
        "limit_working_days",
        "within_limit_share",
    ]
    for name in (
        "windows.csv",
        "staffing.csv",
        "matter_staffing.csv",
        "offices.csv",
        "trips_saved.csv",
        "pickups.csv",
        "summary.json",
    ):
        assert (out / name).is_file(), name


def test_invalid_scenario_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "report"
    for name in ("unknown_key.toml", "zero_clerks.toml"):
        result = RUNNER.invoke(app, ["simulate", str(BAD / name), "--out", str(out)])
        assert result.exit_code == 2, result.output
        assert "error: invalid scenario" in result.output
        assert not out.exists()
    assert list(tmp_path.iterdir()) == []


# the field path each bad scenario's one-line message must name
BAD_FIELDS = {
    "bad_calendar.toml": "windows.0.calendar",
    "bad_distribution.toml": "demand.0.service_minutes",
    "bad_toml.toml": "not valid TOML",
    "infinite_rate.toml": "demand.0.per_hour",
    "infinite_service_mean.toml": "demand.0.service_minutes.exponential.mean",
    "nan_target.toml": "targets.wait_minutes",
    "negative_rate.toml": "demand.0.per_hour",
    "not_utf8.toml": "not a UTF-8 text file",
    "overlapping_hours.toml": "windows.0.hours",
    "shift_ends_before_start.toml": "windows.0.shifts.0",
    "unknown_key.toml": "windows.0.colour",
    "unknown_matter.toml": "demand.0.matter",
    "unknown_window.toml": "demand.0.window",
    "zero_clerks.toml": "windows.0.clerks",
}


@pytest.mark.parametrize("name", sorted(BAD_FIELDS))
def test_each_bad_scenario_is_one_error_line_exit_2_and_no_report(
    tmp_path: Path, name: str
) -> None:
    out = tmp_path / "report"
    result = RUNNER.invoke(app, ["simulate", str(BAD / name), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines  # no blank line, no traceback
    assert lines[0].startswith("error: ")
    assert BAD_FIELDS[name] in lines[0]
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_every_bad_scenario_file_goes_through_the_cli() -> None:
    assert {p.name for p in BAD.glob("*.toml")} == set(BAD_FIELDS)


def test_bad_options_exit_2(tmp_path: Path) -> None:
    result = RUNNER.invoke(
        app, ["simulate", "mmc", "--replications", "0", "--out", str(tmp_path / "r")]
    )
    assert result.exit_code == 2
    assert "--replications" in result.output


def test_trace_lands_inside_the_report(tmp_path: Path) -> None:
    out = tmp_path / "report"
    args = ["simulate", "haicang", "-r", "1", "--trace", "--out", str(out)]
    result = RUNNER.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert (out / "trace" / "trace-rep000.parquet").is_file()
    assert (out / "turnaround.csv").is_file()


def test_censored_cases_are_reported_and_warned_about(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sim.replication

    monkeypatch.setattr(sim.replication, "CENSOR_AFTER_DAYS", 5)
    scenario = tmp_path / "stuck.toml"
    scenario.write_text(  # an office without reviewers never decides its cases
        'name = "stuck"\ndays = 5\ndrain_days = 0\nreplications = 1\n'
        '[[windows]]\nid = "W1"\n[[offices]]\nid = "O1"\nreviewers = 0\n'
        '[[inbound]]\noffice = "O1"\nmatter = "1-37"\nper_day = 3.0\nmode = "online"\n',
        encoding="utf-8",
    )
    out = tmp_path / "report"
    result = RUNNER.invoke(app, ["simulate", str(scenario), "--out", str(out)])
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["censored"] == summary["cases_all_replications"] > 0
    assert f"warning: {summary['censored']} cases were still unfinished" in result.stderr
