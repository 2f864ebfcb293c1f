"""The decomposed run (sim.decomposed) equals the whole run for the same seed.

Compared: every window's and office's statistics, the counts, the per-matter outcomes (exact;
``km_saved``, a floating sum folded in another order, to 1e-9 relative) and the per-case
trace sorted by case id — on a small national region (Tianjin: 17 halls, 17 offices staged
by code), on Chizhou made to loop (busy single-clerk windows, one reviewer per office and
extra 2-01/3-04 demand, so second visits queue behind others and the driver needs more than
one pass; with repeat visits and supplement rounds), and on Tianjin with deterministic mail
and homes inside Tianjin, where cases posted at the same pickup from different windows
reach an office in the same minute (the tie-break of sim.models.inbox decides).
"""

from __future__ import annotations

import math
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

import sim.models.inbox as inbox
from sim.compile import CompiledScenario, compile_scenario
from sim.decomposed import DecomposedRun, from_map, run_decomposed
from sim.replication import ReplicationResult, run_replication
from sim.run import applicant_homes
from sim.scenarios.loader import load_data, parse_scenario
from tongban import pipeline

TIANJIN = Path(__file__).parents[1] / "data" / "national" / "national_tianjin.toml"
SEED = np.random.SeedSequence(20201024, spawn_key=(0,))


@pytest.fixture(scope="module")
def tianjin() -> CompiledScenario:
    scenario = pipeline.load(str(TIANJIN))
    return compile_scenario(scenario.model_copy(update={"days": 4}))


@pytest.fixture(scope="module")
def looping_chizhou() -> CompiledScenario:
    """Chizhou, 4 days: one clerk per hall, one reviewer per office, 2-01 and 3-04 (second
    visits) at 3 a day per hall on top of the usual demand ×2."""
    data = load_data("chizhou")
    data["days"] = 4
    for demand in data["demand"]:
        demand["per_day"] *= 2.0
    for window in data["windows"]:
        window["clerks"] = 1
        for matter in ("2-01", "3-04"):
            data["demand"].append({"window": window["id"], "matter": matter, "per_day": 3.0})
    for office in data["offices"]:
        office["reviewers"] = 1
    return compile_scenario(parse_scenario(data, "looping chizhou"))


def whole(compiled: CompiledScenario, trace: Path) -> ReplicationResult:
    return run_replication(compiled, 0, SEED, trace_path=trace, homes=applicant_homes(compiled))


def decomposed(
    compiled: CompiledScenario, trace: Path, partitions: int, **options: object
) -> DecomposedRun:
    homes = applicant_homes(compiled)
    return run_decomposed(
        compiled, 0, SEED, partitions=partitions, trace_path=trace, homes=homes, **options
    )  # type: ignore[arg-type]


def trace_rows(path: Path) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = pq.read_table(path).to_pylist()
    return sorted(rows, key=lambda row: int(row["case_id"]))  # type: ignore[call-overload]


def assert_same(a: ReplicationResult, b: ReplicationResult) -> None:
    """Equal replications (module docstring: km_saved to 1e-9 relative)."""
    assert (a.created, a.completed, a.in_system, a.window_queue_left) == (
        b.created,
        b.completed,
        b.in_system,
        b.window_queue_left,
    )
    assert a.created > 0 and a.in_system == 0
    for x, y in zip(a.windows, b.windows, strict=True):
        assert (x.arrivals, x.first_visits, x.period) == (y.arrivals, y.first_visits, y.period)
        assert (x.area_queue, x.area_busy, x.area_on_duty) == (
            y.area_queue,
            y.area_busy,
            y.area_on_duty,
        )
        x.waits.flush()
        y.waits.flush()
        assert x.waits.moments == y.waits.moments
        assert np.array_equal(x.waits.sketch.counts, y.waits.sketch.counts)
        assert x.waits.sketch.zeros == y.waits.sketch.zeros
        for field in ("served_within_target", "served_by_hour", "wait_sum_by_hour"):
            assert np.array_equal(getattr(x, field), getattr(y, field))
    assert a.offices == b.offices
    assert a.office_judged == b.office_judged
    for x, y in zip(a.matters, b.matters, strict=True):
        assert math.isclose(x.km_saved, y.km_saved, rel_tol=1e-9)
        x.km_saved = y.km_saved
        assert np.array_equal(x.day_counts, y.day_counts)
        x.day_counts = y.day_counts
        assert x == y


def test_tianjin_decomposed_equals_the_whole_run(tianjin: CompiledScenario, tmp_path: Path) -> None:
    a = whole(tianjin, tmp_path / "whole.parquet")
    run = decomposed(tianjin, tmp_path / "parts.parquet", partitions=2)
    assert a.created > 500
    assert sum(o.cases for o in a.offices) > 100  # cases met staffed offices across partitions
    assert_same(a, run.result)
    assert trace_rows(tmp_path / "whole.parquet") == trace_rows(tmp_path / "parts.parquet")


def test_any_partitioning_of_a_looping_region_equals_the_whole_run(
    looping_chizhou: CompiledScenario, tmp_path: Path
) -> None:
    a = whole(looping_chizhou, tmp_path / "whole.parquet")
    expected = trace_rows(tmp_path / "whole.parquet")
    matters = {m.index: m.id for m in looping_chizhou.matters}
    second_ids = {i for i, m in matters.items() if m in ("2-01", "3-04")}
    by_id = {m.id: m.index for m in looping_chizhou.matters}
    assert sum(int(r["window_visits"]) > 1 for r in expected) > 20  # type: ignore[call-overload]
    assert sum(int(r["supplements"]) > 0 for r in expected) > 5  # type: ignore[call-overload]
    staffed_second = [
        r for r in expected if by_id[str(r["matter_id"])] in second_ids and r["office_id"] != ""
    ]
    assert len(staffed_second) > 30  # second visits that went through a staffed office
    for partitions in (1, 2, 3):
        trace = tmp_path / f"parts{partitions}.parquet"
        run = decomposed(looping_chizhou, trace, partitions)
        assert run.passes >= 3  # the loop through the offices was iterated
        assert_same(a, run.result)
        assert trace_rows(trace) == expected


def test_a_process_pool_gives_the_inline_answer(
    looping_chizhou: CompiledScenario, tmp_path: Path
) -> None:
    inline = decomposed(looping_chizhou, tmp_path / "inline.parquet", 2)
    with ProcessPoolExecutor(2, mp_context=get_context("spawn")) as pool:
        pooled = decomposed(
            looping_chizhou, tmp_path / "pool.parquet", 2, map_tasks=from_map(pool.map)
        )
    assert pooled.passes == inline.passes
    assert_same(inline.result, pooled.result)
    assert trace_rows(tmp_path / "inline.parquet") == trace_rows(tmp_path / "pool.parquet")


class TianjinHomes:
    """Applicants' homes drawn uniformly among the region's office codes (a test double of
    sim.geography.GeoHomes), so home-decided cases reach our staffed offices by post."""

    def __init__(self, codes: list[str]) -> None:
        self.codes = codes

    def draw(self, window: int, level: str, rng: np.random.Generator) -> tuple[str, float]:
        return self.codes[int(rng.random() * len(self.codes))], 25.0


def test_same_minute_arrivals_from_different_partitions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = load_data(str(TIANJIN))
    data["days"] = 3
    data["process"]["mail"] = {"transit_hours": {"dist": "deterministic", "value": 20.0}}
    data["process"]["separation"]["push_minutes"] = {"dist": "deterministic", "value": 5.0}
    compiled = compile_scenario(parse_scenario(data, "same-minute mail"))
    homes = TianjinHomes([str(o.spec.code) for o in compiled.offices])
    batches: list[int] = []
    hand_over = inbox.Inbox._hand_over

    def counting(self: inbox.Inbox[object], event: object) -> None:
        batches.append(len(self._due[event.value]))  # type: ignore[attr-defined]
        hand_over(self, event)  # type: ignore[arg-type]

    monkeypatch.setattr(inbox.Inbox, "_hand_over", counting)
    a = run_replication(compiled, 0, SEED, trace_path=tmp_path / "a.parquet", homes=homes)
    assert sum(size for size in batches if size > 1) > 30  # cases meeting in one minute
    run = run_decomposed(
        compiled, 0, SEED, partitions=3, trace_path=tmp_path / "b.parquet", homes=homes
    )
    assert_same(a, run.result)
    assert trace_rows(tmp_path / "a.parquet") == trace_rows(tmp_path / "b.parquet")


def test_too_few_passes_raise_rather_than_answer_wrongly(
    looping_chizhou: CompiledScenario, tmp_path: Path
) -> None:
    with pytest.raises(RuntimeError, match="still changing after 1 passes"):
        decomposed(looping_chizhou, tmp_path / "t.parquet", 2, max_passes=1)


def test_partitions_must_be_positive(looping_chizhou: CompiledScenario) -> None:
    with pytest.raises(ValueError, match="partitions must be ≥ 1"):
        run_replication(looping_chizhou, 0, SEED, partitions=0)
