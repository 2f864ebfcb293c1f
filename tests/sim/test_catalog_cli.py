"""``tongban catalog``: JSON, table, summary and the bad-input contract (exit 2, one line)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
from typer.testing import CliRunner

from sim.catalog import ISSUE_FIELDS, LOCAL_FIELDS
from tongban.cli import app

runner = CliRunner()


def _json(*args: str) -> list[dict[str, Any]]:
    result = runner.invoke(app, ["catalog", "--json", *args])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert isinstance(rows, list)
    return rows


def test_json_lists_140_matters_58_74_8_with_the_issue_fields() -> None:
    rows = _json()
    assert len(rows) == 140
    assert Counter(row["batch"] for row in rows) == {1: 58, 2: 74, 3: 8}
    assert len({row["id"] for row in rows}) == 140
    for row in rows:
        assert tuple(row) == ISSUE_FIELDS  # exactly the published field names
        assert row["lead"] and row["modes"] and row["handling_level"]
        assert row["limit_working_days"] >= 1 and row["limit_basis"]


def test_json_for_localities_counts_local_batches() -> None:
    tianjin = _json("--locality", "tianjin")
    assert Counter(row["local_batch"] for row in tianjin) == {1: 58, 2: 76, 3: 6}
    haicang = _json("--locality", "haicang")
    assert len(haicang) == 106
    assert Counter(row["local_batch"] for row in haicang) == {1: 48, 2: 50, 3: 8}
    assert all(tuple(row) == (*ISSUE_FIELDS, *LOCAL_FIELDS) for row in haicang)


def test_all_fields_adds_the_extra_fields() -> None:
    rows = _json("--all-fields")
    assert all({"family", "handling_basis"} <= set(row) for row in rows)
    assert all(tuple(row)[: len(ISSUE_FIELDS)] == ISSUE_FIELDS for row in rows)


def test_json_filters_by_batch_and_mode() -> None:
    rows = _json("--batch", "3", "--mode", "online")
    assert rows and all(r["batch"] == 3 and "online" in r["modes"] for r in rows)
    assert len(_json("-l", "tianjin", "-b", "2")) == 76


def test_table_is_the_default_and_shows_names() -> None:
    result = runner.invoke(app, ["catalog", "--batch", "3"])
    assert result.exit_code == 0, result.output
    assert "首次申领居民身份证" in result.stdout and "3-08" in result.stdout
    assert "(8)" in result.stdout


def test_summary_prints_counts() -> None:
    result = runner.invoke(app, ["catalog", "--summary", "--locality", "haicang"])
    assert result.exit_code == 0, result.output
    assert "1=48  2=50  3=8" in result.stdout


@pytest.mark.parametrize(
    ("args", "valid"),
    [
        (["--locality", "beijing"], "national, tianjin, qijiang, haicang, chizhou"),
        (["--batch", "4"], "1, 2, 3"),
        (["--batch", "two"], "1, 2, 3"),
        (["--mode", "mail"], "online, proxy, joint"),
        (["--json", "-l", "haicang", "-m", "post"], "online, proxy, joint"),
    ],
)
def test_bad_input_exits_2_with_one_line_listing_valid_values(args: list[str], valid: str) -> None:
    result = runner.invoke(app, ["catalog", *args])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and valid in lines[0]
    assert "Traceback" not in result.output
