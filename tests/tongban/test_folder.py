"""The one folder writer: lock, recovery of an interrupted swap, write errors; CSV cells."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from tongban.commands.options import NumberIn
from tongban.kernel.errors import InputError
from tongban.kernel.tables import safe_cell, write_csv
from tongban.pipeline import folder


def _report(path: Path, marker: str) -> None:
    path.mkdir()
    (path / "summary.json").write_text(json.dumps({"package_version": marker}), "utf-8")


def test_interrupted_swap_is_restored_and_orphans_removed(tmp_path: Path) -> None:
    _report(tmp_path / ".rep-old", "earlier")  # killed between the two renames
    (tmp_path / ".rep-abcd1234.staging").mkdir()  # its orphaned staging folder
    (tmp_path / ".rep-2-abcd1234.staging").mkdir()  # another folder's: left alone
    with folder.reserved(tmp_path / "rep") as target:
        assert json.loads((target / "summary.json").read_text())["package_version"] == "earlier"
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [".rep-2-abcd1234.staging", "rep"]


def test_backup_beside_a_finished_swap_is_removed(tmp_path: Path) -> None:
    _report(tmp_path / "rep", "new")
    _report(tmp_path / ".rep-old", "earlier")
    with folder.atomic_folder(tmp_path / "rep") as staging:
        (staging / "summary.json").write_text('{"package_version": "newer"}')
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rep"]
    assert "newer" in (tmp_path / "rep" / "summary.json").read_text()


def test_second_writer_is_refused_while_the_first_holds_the_folder(tmp_path: Path) -> None:
    with folder.reserved(tmp_path / "rep") as target:
        assert (tmp_path / ".rep.lock").exists()
        with pytest.raises(InputError, match="another tongban run is writing there"):
            folder._acquire(target)
    assert not (tmp_path / ".rep.lock").exists()  # released and removed


def test_error_while_writing_leaves_the_earlier_report(tmp_path: Path) -> None:
    _report(tmp_path / "rep", "earlier")
    refused = pytest.raises(InputError, match="cannot write there")
    with refused, folder.atomic_folder(tmp_path / "rep") as staging:
        (staging / "half.csv").write_text("x")
        raise OSError(28, "No space left on device")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rep"]
    assert sorted(p.name for p in (tmp_path / "rep").iterdir()) == ["summary.json"]


def test_interrupt_while_writing_leaves_the_earlier_report(tmp_path: Path) -> None:
    _report(tmp_path / "rep", "earlier")
    with pytest.raises(KeyboardInterrupt), folder.atomic_folder(tmp_path / "rep"):
        raise KeyboardInterrupt
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rep"]
    assert "earlier" in (tmp_path / "rep" / "summary.json").read_text()


def test_folder_that_is_not_a_report_is_refused(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "staffing.csv").write_text("mine")
    with (
        pytest.raises(InputError, match="not a tongban report"),
        folder.reserved(tmp_path / "mine"),
    ):
        pass
    assert (tmp_path / "mine" / "staffing.csv").read_text() == "mine"


@dataclasses.dataclass(frozen=True)
class _Row:
    window_id: str
    value: float


def test_formula_cells_are_escaped_but_negative_numbers_are_not(tmp_path: Path) -> None:
    rows = [_Row("=HYPERLINK(1)", -1.5), _Row("+A1", 2.0), _Row("@x", 0.0), _Row("\tx", 1.0)]
    text = write_csv(tmp_path / "t.csv", _Row, rows).read_text("utf-8")
    assert text.splitlines() == [
        "window_id,value",
        "'=HYPERLINK(1),-1.5",
        "'+A1,2",
        "'@x,0",
        "'\tx,1",
    ]
    assert safe_cell("-3") == "-3" and safe_cell("-x") == "'-x" and safe_cell("a=b") == "a=b"
    assert safe_cell("-") == "-"


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        (NumberIn(whole=True, low=1, high="solver_iterations"), "1e20"),
        (NumberIn(whole=False, low=0, high="solver_seconds", low_open=True), "inf"),
        (NumberIn(whole=False, low=0, high="solver_seconds", low_open=True), "0"),
        (NumberIn(whole=False, low=0, high=1), "nan"),
        (NumberIn(whole=True, low=0, high=10), "-1"),
    ],
)
def test_numbers_outside_the_range_are_refused_naming_the_range(kind: NumberIn, text: str) -> None:
    with pytest.raises(ValueError, match=rf"'{text}' is not (a whole number in|a number)"):
        kind(text)


def test_numbers_inside_the_range_are_parsed() -> None:
    assert NumberIn(whole=True, low=0, high=10)("10") == 10
    assert NumberIn(whole=False, low=0, high="solver_seconds", low_open=True)("0.5") == 0.5
