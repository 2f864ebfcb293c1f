"""``tongban staff``: the flag form, its files and its error messages."""

from __future__ import annotations

import csv
import dataclasses
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from tongban.cli import app

FAST = ["--replications", "200", "--verify-replications", "400"]
EXAMPLE = ["staff", "--rates", "20,45,60,50,30,40,55,35", "--open", "09:00"]


def test_flag_form_prints_json_and_writes_the_staffing_files(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, [*EXAMPLE, *FAST, "--json", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    window = data["windows"][0]
    assert window["erlang_clerk_hours"] == 67
    assert window["clerk_hours"] <= 66
    assert [h["hour"] for h in window["hours"]] == list(range(9, 17))
    assert window["roster"]["status"] in ("OPTIMAL", "FEASIBLE")
    assert all(h["rostered_clerks"] >= h["clerks"] for h in window["hours"])
    for name in (
        "staffing_plan.csv",
        "roster.csv",
        "matter_staffing.csv",
        "office_staffing.csv",
        "summary.json",
    ):
        assert (tmp_path / name).exists()
    with (tmp_path / "staffing_plan.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 8
    required = {"window_id", "day_type", "hour", "clerks", "service_level", "service_level_ci95"}
    assert required <= set(rows[0])
    assert sum(int(r["clerks"]) for r in rows) == window["clerk_hours"]


def test_table_output_mentions_both_plans() -> None:
    result = CliRunner().invoke(app, [*EXAMPLE, *FAST])
    assert result.exit_code == 0, result.output
    assert "Erlang C 67" in result.stdout and "roster [OPTIMAL]" in result.stdout


def test_bad_rates_exit_2_with_a_clear_message() -> None:
    result = CliRunner().invoke(app, ["staff", "--rates", "20,abc"])
    assert result.exit_code == 2
    assert "--rates must be comma-separated numbers" in result.stderr


def test_impossible_target_exit_2_with_best_figures() -> None:
    args = [*EXAMPLE, *FAST, "--wait-minutes", "0", "--wait-share", "1.0"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "cannot be met" in result.stderr and "Best achievable" in result.stderr


def test_cap_below_need_exit_2_with_best_figures() -> None:
    result = CliRunner().invoke(app, [*EXAMPLE, *FAST, "--max-clerks", "8"])
    assert result.exit_code == 2
    assert "max_clerks = 8" in result.stderr and "Best achievable" in result.stderr


def test_bad_service_distribution() -> None:
    result = CliRunner().invoke(app, [*EXAMPLE, "--service-dist", "weibull"])
    assert result.exit_code == 2
    assert "exponential, deterministic, lognormal, gamma" in result.stderr


def test_unverified_plan_warns_and_exits_2(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every verification round (spawn key >= 1 of the search root) reports hour 0 missing.
    import sim.staffing.search as search
    from sim.staffing.evaluate import DiscreteEventEvaluator

    class LastRoundsFail(DiscreteEventEvaluator):
        def evaluate_many(self, *args: Any, **kwargs: Any) -> Any:
            results = super().evaluate_many(*args, **kwargs)
            seed = args[5] if len(args) > 5 else kwargs["seed"]
            if not (isinstance(seed, np.random.SeedSequence) and seed.spawn_key[-1] >= 1):
                return results
            failing = []
            for levels in results:
                lower = levels.lower_bound.copy()
                lower[0] = 0.0
                failing.append(dataclasses.replace(levels, lower_bound=lower))
            return failing

    monkeypatch.setattr(search, "DiscreteEventEvaluator", LastRoundsFail)
    result = CliRunner().invoke(app, [*EXAMPLE, *FAST, "--json"])
    assert result.exit_code == 2, result.output
    assert json.loads(result.stdout)["windows"][0]["verified"] is False
    assert "plan NOT verified" in result.stderr and "09:00" in result.stderr


def test_demand_too_large_to_sample_is_refused_at_once() -> None:
    started = time.perf_counter()
    result = CliRunner().invoke(app, ["staff", "--rates", "100000"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and "replications" in result.stderr
    assert time.perf_counter() - started < 10.0


def test_rosters_are_full_days_unless_part_time_is_allowed() -> None:
    def roster(extra: list[str]) -> dict[str, object]:
        result = CliRunner().invoke(app, [*EXAMPLE, *FAST, "--json", *extra])
        assert result.exit_code == 0, result.output
        window = json.loads(result.stdout)["windows"][0]
        return dict(window["roster"])

    full, mixed = roster([]), roster(["--part-time"])
    # 09–17 without a lunch closure: full days of 7 paid hours with staggered lunches
    assert int(str(full["clerk_hours"])) % 7 == 0
    assert int(str(mixed["clerk_hours"])) < int(str(full["clerk_hours"]))
