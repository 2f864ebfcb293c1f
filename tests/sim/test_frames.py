"""Result tables as DataFrames agree with the report folder's CSV files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sim.frames import read_report, tables
from sim.report import simulation_tables
from sim.run import simulate
from sim.scenarios.loader import load_scenario
from tongban.kernel.tables import write_csv


def test_frames_match_the_written_csvs(tmp_path: Path) -> None:
    scenario = load_scenario("mmc").model_copy(update={"days": 3, "replications": 2})
    result = simulate(scenario)
    frames = tables(result)
    folder = tmp_path
    for name, (row_type, rows) in simulation_tables(result).items():
        write_csv(folder / f"{name}.csv", row_type, rows)
    on_disk = read_report(folder)
    for name in ("turnaround", "windows"):
        assert len(frames[name]) == len(on_disk[name]) > 0
        pd.testing.assert_series_equal(
            frames[name]["cases"].astype(float),
            on_disk[name]["cases"].astype(float),
            check_names=False,
            rtol=1e-5,
        )
    assert {"matter_id", "days_mean", "within_limit_share"} <= set(frames["turnaround"].columns)
