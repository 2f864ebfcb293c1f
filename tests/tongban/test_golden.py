"""Golden report: the same seed gives byte-identical report files across refactors.

``tests/data/golden/chizhou_small.toml`` runs the whole pipeline (routing → staffing →
simulation → report). The SHA-256 of every text file of the report is pinned in
``tests/data/golden/expected.json``; ``summary.json`` is compared without its wall-clock
fields. Pictures (PNG) and ``report.html`` (its charts are PNG, its map ids random) are left
out: their bytes depend on the matplotlib build, not on us; the page is checked in
``tests/tongban/present/``.

A change that *means* to alter results (a model change) regenerates the pins with
``TONGBAN_UPDATE_GOLDEN=1 pytest tests/tongban/test_golden.py`` and says so in its commit.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tongban.cli import app

GOLDEN = Path(__file__).parents[1] / "data" / "golden"
WALL_CLOCK = ("started", "finished", "wall_seconds")
UNPINNED = (".png", ".html")
pytestmark = pytest.mark.xdist_group("tongban-run")


def _digest(path: Path) -> str:
    if path.name == "summary.json":
        summary = json.loads(path.read_text("utf-8"))
        for key in WALL_CLOCK:
            summary.pop(key, None)
        data = json.dumps(summary, sort_keys=True, ensure_ascii=False).encode("utf-8")
    else:
        data = path.read_bytes()
    return hashlib.sha256(data).hexdigest()


def report_digests(folder: Path) -> dict[str, str]:
    """SHA-256 per text file of a report folder (PNG pictures and the HTML page left out)."""
    return {
        p.name: _digest(p)
        for p in sorted(folder.iterdir())
        if p.is_file() and p.suffix not in UNPINNED
    }


@pytest.fixture(scope="module")
def golden_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("golden") / "report"
    result = CliRunner().invoke(app, ["run", str(GOLDEN / "chizhou_small.toml"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_same_seed_gives_the_pinned_report(golden_report: Path) -> None:
    digests = report_digests(golden_report)
    expected_path = GOLDEN / "expected.json"
    if os.environ.get("TONGBAN_UPDATE_GOLDEN") == "1":
        expected_path.write_text(json.dumps(digests, indent=1, sort_keys=True) + "\n", "utf-8")
    expected = json.loads(expected_path.read_text("utf-8"))
    assert sorted(digests) == sorted(expected), "report files differ from the pinned set"
    changed = [name for name in expected if digests[name] != expected[name]]
    assert not changed, f"files differ from the golden run: {changed}"


def test_report_page_names_places_and_matters_and_needs_no_network(golden_report: Path) -> None:
    """``report.html`` of the run: its sections, Chinese names, nothing linked outside."""
    html = (golden_report / "report.html").read_text("utf-8")
    for anchor in ("run", "turnaround", "windows", "staffing", "offices", "ems", "maps", "map"):
        assert f'id="{anchor}"' in html, anchor
    worst = json.loads((golden_report / "summary.json").read_text("utf-8"))["judging"]
    assert worst["matters_below_90pct_within_limit"], "the golden run has a late matter"
    for name in ("东至县政务服务中心", "池州市邮件处理中心", "社会保障卡申领", "data:image/png"):
        assert name in html, name
    markup = re.sub(r"<script>.*?</script>", "", html, flags=re.S)  # inline code (Leaflet's
    # attribution string names its site; the control is off) is not markup that fetches
    assert not re.search(r"(src|href)\s*=\s*[\"']?\s*(https?:)?//", markup, re.I)
    assert html.count("L.polyline(") == len(
        json.loads((golden_report / "routes.geojson").read_text("utf-8"))["features"]
    )
