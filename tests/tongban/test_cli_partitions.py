"""``--partitions``: a decomposed run writes the same report as a whole run."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tongban.cli import app

runner = CliRunner()
REGION = Path(__file__).parents[1] / "data" / "national" / "national_tianjin.toml"


def test_partitioned_simulation_writes_the_same_tables(tmp_path: Path) -> None:
    whole, parts = tmp_path / "whole", tmp_path / "parts"
    common = ["simulate", str(REGION), "-r", "1", "--quiet", "--out"]
    assert runner.invoke(app, [*common, str(whole)]).exit_code == 0
    result = runner.invoke(app, [*common, str(parts), "--partitions", "3"])
    assert result.exit_code == 0, result.output
    tables = sorted(p.name for p in whole.glob("*.csv"))
    assert "turnaround.csv" in tables and "offices.csv" in tables
    for table in tables:
        assert (parts / table).read_bytes() == (whole / table).read_bytes(), table
    summaries = [json.loads((d / "summary.json").read_text()) for d in (whole, parts)]
    for summary in summaries:
        summary.pop("started"), summary.pop("finished")
    assert summaries[0] == summaries[1]


def test_partitions_out_of_range_exit_2_naming_the_option(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["simulate", str(REGION), "--partitions", "0", "--out", str(tmp_path / "x")]
    )
    assert result.exit_code == 2
    assert "partitions" in result.output
    assert not (tmp_path / "x").exists()
