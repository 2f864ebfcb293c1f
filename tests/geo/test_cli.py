"""``tongban geo`` commands through the root app."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tongban.cli import app

DATA = Path(__file__).resolve().parents[1] / "data" / "geo"
runner = CliRunner()


def test_windows_writes_geojson_with_crs(tmp_path: Path) -> None:
    out = tmp_path / "chizhou.geojson"
    result = runner.invoke(app, ["geo", "windows", "--locality", "chizhou", "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert "crs" in data and len(data["features"]) == 5
    from geo.windows import load_windows

    assert len(load_windows(out)) == 5  # our output is valid input


def test_transit_json_by_name_and_code() -> None:
    result = runner.invoke(
        app, ["geo", "transit", "池州市", "110000", "--json", "--samples", "500"]
    )
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    for key in ("distance_km", "mean_hours", "p50_hours", "p90_hours", "share_within_72h"):
        assert key in record
    assert 1000 < record["distance_km"] < 1060


def test_bad_input_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "x.geojson"
    result = runner.invoke(app, ["geo", "transit", "池洲", "北京市"])
    assert result.exit_code == 2 and "池州市" in result.output
    result = runner.invoke(app, ["geo", "windows", "--locality", "atlantis", "--out", str(out)])
    assert result.exit_code == 2 and not out.exists()
    result = runner.invoke(
        app,
        [
            "geo",
            "windows",
            "--locality",
            "tianjin",
            "--levels",
            "province,street",
            "--user-windows",
            str(DATA / "no_crs.geojson"),
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 2 and "no CRS" in result.output and not out.exists()
    result = runner.invoke(
        app, ["geo", "map", "--locality", "chizhou", "--out", str(tmp_path / "m.jpg")]
    )
    assert result.exit_code == 2


def test_map_png(tmp_path: Path) -> None:
    out = tmp_path / "chizhou.png"
    result = runner.invoke(app, ["geo", "map", "--locality", "chizhou", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 50_000
