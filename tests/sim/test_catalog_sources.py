"""The shipped catalog and overlays, re-checked against the source documents.

The seeds (``../shared/seeds/`` from the project root, or ``$TONGBAN_SEEDS_DIR``) are plain
text extracted from PDFs and web pages; the small parsers below read their tables
independently of the shipped data, so a typo in ``sim/data/catalog.toml`` or an overlay
file fails here. Every test skips with a reason when the seeds are absent.

How each table is read:

* seed 001 (national list): one tab-separated row per matter; the cooperating column is
  split on ``、``; batch 3 has a deadline instead of a cooperating column, and its row 7 names
  the cooperating unit inside the lead cell (``人力资源社会保障部 (配合单位: 国家医保局)``).
  Two rows of batch 2 carry a page number in front (``22\\t72 残疾人证注销``).
* seed 000 (Tianjin) and seed 002 (Qijiang): one field per tab-indented line, records
  separated by blank lines; lines without the leading tab continue the previous field.
* seed 004 (Chizhou): tab-separated rows; lines starting with a tab continue the previous
  row cell by cell.
* seed 003 (Haicang): the layout is too broken for a row parser; the check joins the text
  without whitespace and requires every overlay matter's name, delivery form and district
  unit to appear, in the overlay's order.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sim.catalog import load_catalog, load_overlay

PROJECT_ROOT = Path(__file__).resolve().parents[2]

SEED_FILES = {
    "000": "000_dc485005ac99106b.txt",
    "001": "001_d717ee3e19596ea1.txt",
    "002": "002_a254c9ae28cff902.txt",
    "003": "003_d293ab5dfecc76d6.txt",
    "004": "004_ea7a677ef9021981.txt",
}

BATCH_HEADERS = (("一、", 1), ("二、", 2), ("三、", 3))


@dataclass(frozen=True)
class SeedRow:
    """One row of a seed's matter table, as the source prints it."""

    batch: int
    seq: int
    name: str
    scenario: str
    lead: str
    cooperating: tuple[str, ...]
    extra: tuple[str, ...] = ()


def seeds_dir() -> Path | None:
    """Where the seed documents are (``$TONGBAN_SEEDS_DIR`` if set), or None if absent."""
    env = os.environ.get("TONGBAN_SEEDS_DIR")
    candidate = Path(env) if env else PROJECT_ROOT.parent / "shared" / "seeds"
    return candidate if (candidate / SEED_FILES["001"]).is_file() else None


def seed_text(key: str) -> str:
    """The text of one seed, or skip the calling test with the reason."""
    directory = seeds_dir()
    if directory is None:
        pytest.skip("seed documents not found (../shared/seeds or $TONGBAN_SEEDS_DIR)")
    path = directory / SEED_FILES[key]
    if not path.is_file():
        pytest.skip(f"seed {key} not found at {path}")
    return path.read_text(encoding="utf-8")


def split_departments(cell: str) -> tuple[str, ...]:
    """Split a department cell on the enumeration comma, dropping blanks."""
    return tuple(part.strip() for part in cell.split("、") if part.strip())


def squash(text: str) -> str:
    """NFKC-normalise and drop all whitespace (for layout-insensitive comparison)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _batch_of_header(line: str) -> int | None:
    stripped = line.strip()
    for prefix, batch in BATCH_HEADERS:
        if stripped.startswith(prefix) and "事项" in stripped and "项）" in stripped:
            return batch
    return None


_PAGE_PREFIXED_SEQ = re.compile(r"^(\d+)\s+(\S.*)$")
_LEAD_WITH_COOPERATING = re.compile(r"^(.*?)\s*[（(]配合单位[:：]\s*(.*?)[)）]\s*$")


def parse_national(text: str) -> list[SeedRow]:
    """Parse seed 001's table of 140 matters."""
    rows: list[SeedRow] = []
    batch = 0
    for line in text.splitlines():
        header = _batch_of_header(line)
        if header is not None:
            batch = header
            continue
        if batch == 0 or "\t" not in line:
            continue
        cells = line.split("\t")
        first, rest = cells[0].strip(), cells[1:]
        match = _PAGE_PREFIXED_SEQ.match(rest[0].strip()) if rest else None
        if match and (first == "" or first.isdigit()):
            seq, rest = int(match.group(1)), [match.group(2), *rest[1:]]
        elif first.isdigit():
            seq = int(first)
        else:
            continue
        rest = [*rest, "", ""]
        name, scenario, lead, last = (cell.strip() for cell in rest[:4])
        if batch == 3:
            found = _LEAD_WITH_COOPERATING.match(lead)
            cooperating = split_departments(found.group(2)) if found else ()
            lead = found.group(1).strip() if found else lead
            rows.append(SeedRow(batch, seq, name, scenario, lead, cooperating, (last,)))
        else:
            rows.append(SeedRow(batch, seq, name, scenario, lead, split_departments(last)))
    return rows


def _blank_separated_records(text: str, start_marker: str) -> list[tuple[int, list[str]]]:
    """Records of tab-indented fields separated by blank lines (seeds 000 and 002)."""
    body = text[text.index(start_marker) :]
    records: list[tuple[int, list[str]]] = []
    batch = 0
    fields: list[str] = []

    def flush() -> None:
        if fields and fields[0].strip().isdigit():
            records.append((batch, list(fields)))
        fields.clear()

    for line in body.splitlines():
        header = _batch_of_header(line)
        if header is not None:
            flush()
            batch = header
            continue
        if not line.strip():
            if line.startswith("\t"):
                fields.append("")
            else:
                flush()
            continue
        if line.startswith("\t"):
            fields.append(line[1:].strip())
        elif fields:
            fields[-1] += line.strip()
        elif records and records[-1][1][-1].endswith("、"):  # wrap across a blank line
            records[-1][1][-1] += line.strip()
    flush()
    return records


def parse_tianjin(text: str) -> list[SeedRow]:
    """Seed 000: seq, matter, scenario, municipal lead, municipal cooperating / deadline."""
    rows = []
    for batch, fields in _blank_separated_records(text, "政务服务“跨省通办”任务分工表"):
        padded = [*fields, "", "", "", "", ""]
        seq, name, scenario, lead, last = padded[:5]
        if batch == 3:
            found = _LEAD_WITH_COOPERATING.match(lead)
            cooperating = split_departments(found.group(2)) if found else ()
            lead = found.group(1).strip() if found else lead
            rows.append(SeedRow(batch, int(seq), name, scenario, lead, cooperating, (last,)))
        else:
            rows.append(SeedRow(batch, int(seq), name, scenario, lead, split_departments(last)))
    return rows


def parse_qijiang(text: str) -> list[SeedRow]:
    """Seed 002: seq, matter, scenario, municipal lead, [municipal cooperating,] district unit.

    Batches 1-2 have five data columns (the cooperating cell may be an empty tab line);
    batch 3 has lead, district unit and deadline. ``extra`` holds the district unit(s).
    """
    rows = []
    for batch, fields in _blank_separated_records(text, "高频政务服务“跨省通办”事项清单\n"):
        padded = [*fields, "", "", "", "", "", ""]
        if batch == 3:
            seq, name, scenario, lead, unit, deadline = padded[:6]
            found = _LEAD_WITH_COOPERATING.match(lead)
            cooperating = split_departments(found.group(2)) if found else ()
            lead = found.group(1).strip() if found else lead
            rows.append(
                SeedRow(batch, int(seq), name, scenario, lead, cooperating, (unit, deadline))
            )
        else:
            seq, name, scenario, lead, cooperating_cell, unit = padded[:6]
            rows.append(
                SeedRow(
                    batch,
                    int(seq),
                    name,
                    scenario,
                    lead,
                    split_departments(cooperating_cell),
                    (unit,),
                )
            )
    return rows


def parse_chizhou(text: str) -> list[SeedRow]:
    """Seed 004 annex 1: tab-separated rows; continuation lines are merged cell by cell."""
    body = text[text.index("全国高频政务服务“跨省通办”事项清单\n") :]
    body = body[: body.index("附件4")] if "附件4" in body else body
    rows: list[tuple[int, list[str]]] = []
    batch = 0
    for line in body.splitlines():
        header = _batch_of_header(line)
        if header is not None:
            batch = header
            continue
        if "\t" not in line or line.startswith("序号"):
            continue
        cells = [cell.strip() for cell in line.split("\t")]
        if cells[0].isdigit():
            rows.append((batch, cells))
        elif cells[0] == "" and rows:
            previous = rows[-1][1]
            for index, cell in enumerate(cells[1:], start=1):
                if not cell:
                    continue
                while len(previous) <= index:
                    previous.append("")
                if not previous[index].endswith(cell):
                    previous[index] += cell
    parsed = []
    for row_batch, cells in rows:
        padded = [re.sub(r"\s+", "", cell) for cell in [*cells, "", "", "", "", ""]]
        seq, name, scenario, lead, last = padded[:5]
        if row_batch == 3:
            found = _LEAD_WITH_COOPERATING.match(lead)
            cooperating = split_departments(found.group(2)) if found else ()
            lead = found.group(1).strip() if found else lead
            parsed.append(SeedRow(row_batch, int(seq), name, scenario, lead, cooperating, (last,)))
        else:
            parsed.append(
                SeedRow(row_batch, int(seq), name, scenario, lead, split_departments(last))
            )
    return parsed


# --------------------------------------------------------------------------------------
# Comparisons (kept as functions so a test can show they catch a typo).


def national_mismatches(rows: list[SeedRow], matters: list[dict[str, Any]]) -> list[str]:
    """Differences in id, name, lead and cooperating (in order) between seed and catalog."""
    problems = []
    seed_by_id = {f"{r.batch}-{r.seq:02d}": r for r in rows}
    shipped_by_id = {str(m["id"]): m for m in matters}
    if list(seed_by_id) != list(shipped_by_id):
        problems.append("ids differ or are out of order")
    for matter_id, row in seed_by_id.items():
        shipped = shipped_by_id.get(matter_id)
        if shipped is None:
            problems.append(f"{matter_id} missing")
            continue
        for field, expected in (
            ("name", row.name),
            ("lead", row.lead),
            ("cooperating", list(row.cooperating)),
        ):
            actual = shipped[field]
            actual = list(actual) if isinstance(actual, tuple | list) else actual
            if actual != expected:
                problems.append(f"{matter_id}.{field}: shipped {actual!r}, seed {expected!r}")
    return problems


def national_dicts() -> list[dict[str, Any]]:
    return [m.to_dict() for m in load_catalog()]


def test_seed_001_parses_into_140_rows_58_74_8() -> None:
    rows = parse_national(seed_text("001"))
    assert len(rows) == 140
    assert [sum(r.batch == b for r in rows) for b in (1, 2, 3)] == [58, 74, 8]


def test_catalog_names_leads_and_cooperating_match_seed_001_in_order() -> None:
    rows = parse_national(seed_text("001"))
    assert national_mismatches(rows, national_dicts()) == []


def test_source_comparison_catches_a_one_character_typo() -> None:
    rows = parse_national(seed_text("001"))
    tampered = national_dicts()
    tampered[20] = tampered[20] | {"name": str(tampered[20]["name"]).replace("预告", "预吿")}
    assert [p.split(":")[0] for p in national_mismatches(rows, tampered)] == ["1-21.name"]


def test_source_comparison_catches_swapped_cooperating_order() -> None:
    rows = parse_national(seed_text("001"))
    tampered = national_dicts()
    index = next(i for i, m in enumerate(tampered) if m["id"] == "2-45")
    departments = list(tampered[index]["cooperating"])
    departments[0], departments[1] = departments[1], departments[0]
    tampered[index] = tampered[index] | {"cooperating": departments}
    assert [p.split(":")[0] for p in national_mismatches(rows, tampered)] == ["2-45.cooperating"]


def test_batch_3_deadlines_match_seed_001() -> None:
    rows = [r for r in parse_national(seed_text("001")) if r.batch == 3]
    catalog = load_catalog()
    for row in rows:
        assert catalog[f"3-{row.seq:02d}"].deadline == row.extra[0]


def _local_rows(locality: str) -> dict[str, dict[str, Any]]:
    return {m.id: m.to_dict() for m in load_overlay(locality)}


def _check_listed_overlay(rows: list[SeedRow], locality: str, unit_index: int | None) -> None:
    """Every seed row appears in the overlay with its local batch, seq, lead, units."""
    shipped = {(m["local_batch"], m["local_seq"]): m for m in _local_rows(locality).values()}
    assert len(shipped) == len(rows)
    for row in rows:
        entry = shipped[(row.batch, row.seq)]
        where = f"{locality} {row.batch}-{row.seq}"
        assert (entry["local_lead"] or "") == row.lead, where
        assert list(entry.get("local_cooperating", [])) == list(row.cooperating), where
        if unit_index is not None:
            unit = row.extra[unit_index]
            assert (entry["local_unit"] or "--") == (unit or "--"), where
        local_name = squash(str(entry.get("local_name") or entry["name"]))
        assert local_name == squash(row.name), where


def test_tianjin_overlay_matches_seed_000() -> None:
    rows = parse_tianjin(seed_text("000"))
    assert [sum(r.batch == b for r in rows) for b in (1, 2, 3)] == [58, 76, 6]
    _check_listed_overlay(rows, "tianjin", None)


def test_tianjin_pulls_newborn_and_id_card_into_its_batch_2() -> None:
    overlay = load_overlay("tianjin")
    assert overlay["3-01"].local_batch == 2
    assert overlay["3-02"].local_batch == 2
    assert overlay["3-03"].local_batch == 3


def test_qijiang_overlay_matches_seed_002() -> None:
    rows = parse_qijiang(seed_text("002"))
    assert [sum(r.batch == b for r in rows) for b in (1, 2, 3)] == [58, 74, 8]
    _check_listed_overlay(rows, "qijiang", 0)


def test_chizhou_overlay_matches_seed_004() -> None:
    rows = parse_chizhou(seed_text("004"))
    assert [sum(r.batch == b for r in rows) for b in (1, 2, 3)] == [58, 74, 8]
    shipped = {(m["local_batch"], m["local_seq"]): m for m in _local_rows("chizhou").values()}
    for row in rows:
        entry = shipped[(row.batch, row.seq)]
        where = f"chizhou {row.batch}-{row.seq}"
        assert (entry["local_lead"] or "") == row.lead, where
        assert list(entry.get("local_cooperating", [])) == list(row.cooperating), where


def test_haicang_overlay_rows_appear_in_seed_003_in_order() -> None:
    text = squash(seed_text("003"))
    annex = text[text.index(squash("海沧区全国高频政务服务“跨省通办”事项任务分工（共106项）")) :]
    position = 0
    overlay = load_overlay("haicang")
    # Haicang prints batch-2 rows 49-50 after batch-3 rows 1-2 (page layout); visit that way.
    order = sorted(overlay, key=lambda m: (m.local_batch, m.local.local_seq))
    moved = [m for m in order if m.id in ("2-73", "2-74")]
    order = [m for m in order if m not in moved]
    cut = next(i for i, m in enumerate(order) if m.id == "3-03")
    order = order[:cut] + moved + order[cut:]
    for local in order:
        start = annex.find(squash(local.matter.name), position)
        assert start >= 0, f"haicang {local.id}: name not found after offset {position}"
        position = start
        for piece in (local.local.province_lead, local.local.local_form):
            assert piece is not None
            found = annex.find(squash(piece), position)
            # the row's cells follow its name within one table row (< 400 characters)
            assert 0 <= found - start < 400, f"haicang {local.id}: {piece!r} not in its row"
            position = found
        unit = local.local.local_unit
        assert unit is not None and annex.find(squash(unit), position) >= 0, local.id


def test_missing_seeds_skip_with_a_reason(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TONGBAN_SEEDS_DIR", str(tmp_path))
    with pytest.raises(pytest.skip.Exception, match="seed documents not found"):
        seed_text("001")
