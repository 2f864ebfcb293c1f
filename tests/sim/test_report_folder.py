"""The report folder replaces only what a report may replace, atomically."""

from __future__ import annotations

import stat
from pathlib import Path

from typer.testing import CliRunner

from tongban.cli import app

runner = CliRunner()


def _short_mmc(tmp_path: Path) -> str:
    text = Path(__file__).parents[2].joinpath("sim", "scenarios", "mmc.toml").read_text("utf-8")
    path = tmp_path / "mmc_short.toml"
    path.write_text(text.replace("days = 60", "days = 7", 1), "utf-8")
    return str(path)


def test_a_folder_that_is_not_a_report_is_left_alone(tmp_path: Path) -> None:
    precious = tmp_path / "precious"
    (precious / "sub").mkdir(parents=True)
    (precious / "thesis.txt").write_text("my thesis", "utf-8")
    result = runner.invoke(app, ["simulate", _short_mmc(tmp_path), "--out", str(precious)])
    assert result.exit_code == 2
    assert "not a tongban report folder" in result.stderr
    assert (precious / "thesis.txt").read_text("utf-8") == "my thesis"
    assert (precious / "sub").is_dir()


def test_an_earlier_report_is_replaced_and_readable(tmp_path: Path) -> None:
    scenario = _short_mmc(tmp_path)
    out = tmp_path / "report"
    for _ in range(2):
        result = runner.invoke(app, ["simulate", scenario, "-r", "1", "--out", str(out)])
        assert result.exit_code == 0, result.output
    assert (out / "summary.json").is_file()
    assert stat.S_IMODE(out.stat().st_mode) == 0o755
    assert not list(tmp_path.glob(".report-*")), "staging folder left behind"


def test_an_empty_folder_is_used(tmp_path: Path) -> None:
    out = tmp_path / "empty"
    out.mkdir()
    result = runner.invoke(app, ["simulate", _short_mmc(tmp_path), "-r", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "turnaround.csv").is_file()


def test_an_unwritable_out_is_refused_before_any_work(tmp_path: Path) -> None:
    blocker = tmp_path / "a_file"
    blocker.write_text("x", "utf-8")
    result = runner.invoke(app, ["simulate", "mmc", "--out", str(blocker / "report")])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --out") and "cannot write there" in result.stderr
    assert "simulating" not in result.output
