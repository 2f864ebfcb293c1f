"""``tongban route --province``: per-centre lines and the province total, the report folder,
the same plan inline and on processes, street/township halls at their own points, and bad
input as a one-line message naming the field (exit code 2, no traceback).

``tests/data/routing/tianjin_townships_subset.csv`` is five rows of the shipped
GeoNames-derived list ``geo/data/halls_tianjin_townships.csv`` (a test fixture: real
points, a subset only so the test stays fast).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tongban.cli import app

runner = CliRunner()
FAST = ["--iterations", "200"]
SUBSET = Path(__file__).parents[1] / "data" / "routing" / "tianjin_townships_subset.csv"
pytestmark = pytest.mark.xdist_group("tongban-route-province")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def tianjin(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("route") / "tianjin"
    result = runner.invoke(app, ["route", "--province", "12", "--out", str(out), *FAST])
    assert result.exit_code == 0, result.output
    return out, result.stdout


def test_prints_each_centre_and_the_province_total(tianjin: tuple[Path, str]) -> None:
    out, text = tianjin
    assert "天津市 (12), scenario national: 17 halls, 1 EMS centres" in text
    centre = next(line for line in text.splitlines() if line.startswith("120000 "))
    total = next(line for line in text.splitlines() if line.startswith("total "))
    assert centre.split()[1:9] == total.split()[1:9]  # one centre: the province is its sum
    for name in (
        "pickups.csv",
        "unserved.csv",
        "tradeoff.csv",
        "centres.csv",
        "branches.csv",
        "routes.geojson",
        "routing.json",
        "summary.json",
    ):
        assert (out / name).is_file(), name


def test_report_files_add_up(tianjin: tuple[Path, str]) -> None:
    out, _ = tianjin
    centres = _rows(out / "centres.csv")
    (total,) = _rows(out / "tradeoff.csv")
    assert float(total["vehicle_cost_yuan_per_day"]) == pytest.approx(
        sum(float(c["vehicle_cost_yuan_per_day"]) for c in centres), abs=0.1
    )
    routes = json.loads((out / "routes.geojson").read_text("utf-8"))["features"]
    recomputed = sum(150.0 + 2.0 * f["properties"]["distance_km"] for f in routes)
    assert float(total["vehicle_cost_yuan_per_day"]) == pytest.approx(recomputed, abs=0.2)
    assert int(total["routes_per_day"]) == len(routes)
    halls = {r["window_id"] for r in _rows(out / "pickups.csv")}
    halls |= {r["window_id"] for r in _rows(out / "unserved.csv")}
    assert len(halls) == sum(int(c["halls"]) for c in centres) == 17
    meta = json.loads((out / "routing.json").read_text("utf-8"))
    assert meta["budget"] == {"seconds": None, "iterations": 200, "no_improvement": None}
    assert any("county seat" in a for a in meta["branches"]["assumptions"])


def test_inline_and_processes_give_the_same_plan() -> None:
    args = ["route", "--province", "64", "--json", *FAST]  # Ningxia: 28 halls, 5 centres
    inline = runner.invoke(app, args)
    processes = runner.invoke(app, [*args, "--workers", "2", "--executor", "processes"])
    assert inline.exit_code == 0 and processes.exit_code == 0, processes.output
    a, b = json.loads(inline.stdout), json.loads(processes.stdout)
    assert a["centres"] == 5 and a["halls"] == 28
    assert a == b


def test_township_halls_sit_at_their_own_points(tmp_path: Path) -> None:
    args = ["route", "--province", "天津", "--levels", "province", "--halls", str(SUBSET)]
    result = runner.invoke(app, [*args, "--out", str(tmp_path), *FAST])
    assert result.exit_code == 0, result.output
    points = {r["id"]: (float(r["lon"]), float(r["lat"])) for r in _rows(SUBSET)}
    routes = json.loads((tmp_path / "routes.geojson").read_text("utf-8"))["features"]
    seen = {}
    for feature in routes:
        coords = feature["geometry"]["coordinates"][1:-1]
        for stop, (lon, lat) in zip(feature["properties"]["stops"], coords, strict=True):
            seen[stop.split("#")[0]] = (lon, lat)
    for hall, point in points.items():
        if hall in seen:
            assert seen[hall] == pytest.approx(point)
    assert set(points) & set(seen)
    halls = {r["window_id"] for r in _rows(tmp_path / "pickups.csv")}
    halls |= {r["window_id"] for r in _rows(tmp_path / "unserved.csv")}
    assert halls == {*points, "hall-120000"}


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--province", "99"], "province"),
        (["--province", "北京省会"], "province"),
        (["chizhou", "--province", "12"], "province"),  # no hall of the scenario there
        (["--province", "12", "--levels", "township"], "levels"),
        (["chizhou", "--province", "34", "--halls", str(SUBSET)], "halls"),
        (["--province", "12", "--branches", "sometimes"], "branches"),
        (["chizhou", "--workers", "2"], "workers"),
        (["--province", "12", "--workers", "0"], "workers"),
        (["--province", "12", "--instance", "x.txt"], "instance"),
    ],
)
def test_bad_input_names_the_field_and_exits_2(args: list[str], field: str) -> None:
    result = runner.invoke(app, ["route", *args, *FAST])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert field in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) <= 3
