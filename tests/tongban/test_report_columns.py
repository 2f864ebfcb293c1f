"""Every column of every report file has one documented meaning (docs/report_columns.md).

A fresh report of the small golden scenario is read whole: each CSV header, the keys of
``summary.json`` and the properties of ``routes.geojson`` must match the dictionary, and a
column name may have only one row (one meaning) in it. So is the folder of a province
routing run (``tongban route --province``: ``centres.csv``, ``branches.csv`` …).
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tongban.cli import app

ROOT = Path(__file__).parents[2]
DOC = ROOT / "docs" / "report_columns.md"
SCENARIO = ROOT / "tests" / "data" / "golden" / "chizhou_small.toml"
pytestmark = pytest.mark.xdist_group("tongban-run")


def _dictionary() -> dict[str, set[str]]:
    """column → the file stems it is documented for (rows of the column dictionary)."""
    text = DOC.read_text("utf-8")
    section = text.split("## Column dictionary", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([a-z0-9_]+)` \| [^|]+ \| ([^|]+) \|$", section, flags=re.M)
    names = Counter(name for name, _ in rows)
    twice = sorted(name for name, count in names.items() if count > 1)
    assert not twice, f"columns with more than one meaning in the dictionary: {twice}"
    return {name: {f.strip() for f in files.split(",")} for name, files in rows}


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("columns") / "report"
    result = CliRunner().invoke(app, ["run", str(SCENARIO), "-r", "2", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def province_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("columns") / "province"
    args = ["route", "--province", "64", "--out", str(out), "--iterations", "100"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert (out / "branches.csv").read_text("utf-8").count("\n") > 1  # a branch row at least
    return out


def test_every_csv_column_is_documented_once_for_its_file(report: Path) -> None:
    files = sorted(report.glob("*.csv"))
    assert len(files) >= 12
    _check_documented(files)


def test_province_route_columns_are_documented(province_report: Path) -> None:
    files = sorted(province_report.glob("*.csv"))
    assert {p.stem for p in files} >= {"centres", "branches", "pickups", "tradeoff", "unserved"}
    _check_documented(files)
    routes = json.loads((province_report / "routes.geojson").read_text("utf-8"))
    section = DOC.read_text("utf-8").split("## `routes.geojson`", 1)[1]
    documented = set(re.findall(r"`([a-z_0-9]+)`", section))
    assert routes["features"]
    for feature in routes["features"]:
        assert set(feature["properties"]) <= documented


def _check_documented(files: list[Path]) -> None:
    dictionary = _dictionary()
    for path in files:
        with path.open(encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle))
        stem = path.stem
        undocumented = [c for c in header if stem not in dictionary.get(c, set())]
        assert not undocumented, f"{path.name}: columns not documented for it: {undocumented}"
        claimed = {c for c, stems in dictionary.items() if stem in stems}
        assert claimed <= set(header), (
            f"{path.name}: documented but absent: {claimed - set(header)}"
        )


def test_summary_and_routes_keys_are_documented(report: Path) -> None:
    text = DOC.read_text("utf-8")
    summary = json.loads((report / "summary.json").read_text("utf-8"))
    section = text.split("## `summary.json`", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"`([a-z_0-9]+)`", section))
    assert set(summary) <= documented, set(summary) - documented
    assert isinstance(summary["cases"], float)
    assert summary["cases"] * summary["replications"] == summary["cases_all_replications"]
    routes = json.loads((report / "routes.geojson").read_text("utf-8"))
    section = text.split("## `routes.geojson`", 1)[1]
    documented = set(re.findall(r"`([a-z_0-9]+)`", section))
    for feature in routes["features"]:
        assert set(feature["properties"]) <= documented


def test_counts_share_one_unit_across_files(report: Path) -> None:
    """``cases`` is per replication everywhere: a matter's cases add up to its windows'."""

    def rows(name: str) -> list[dict[str, str]]:
        with (report / name).open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    summary = json.loads((report / "summary.json").read_text("utf-8"))
    assert summary["replications"] == 2  # a per-replication mean and a total differ
    windows = sum(float(r["cases"]) for r in rows("windows.csv"))
    visits = sum(float(r["visits"]) for r in rows("windows.csv"))
    matters = sum(float(r["cases"]) for r in rows("turnaround.csv"))
    assert 0 < windows < visits  # repeat visits are visits, not cases
    # cases created per replication include every window's and every matter's cases
    assert windows <= summary["cases"] < summary["cases_all_replications"]
    assert matters <= summary["cases"]
