"""sim.theory is the scalar view of the one Erlang C implementation (sim.staffing.erlang)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.staffing import erlang
from sim.theory import ErlangC, min_servers


def erlang_c_by_factorials(servers: int, load: float) -> float:
    """The textbook Erlang C sum, written out independently of both implementations."""
    top = load**servers / math.factorial(servers) * servers / (servers - load)
    bottom = sum(load**k / math.factorial(k) for k in range(servers)) + top
    return top / bottom


def test_notebook_example_matches_the_textbook_formula() -> None:
    queue = ErlangC(rate=50 / 60, service_mean=10.0, servers=10)  # as in the notebook
    assert queue.offered_load == pytest.approx(50 / 6)
    assert queue.utilisation == pytest.approx(5 / 6)
    expected = erlang_c_by_factorials(10, 50 / 6)
    assert queue.wait_probability == pytest.approx(expected, rel=1e-12)
    assert queue.mean_wait == pytest.approx(expected * 10.0 / (10 - 50 / 6), rel=1e-12)
    assert queue.share_within(15.0) == pytest.approx(
        1 - expected * math.exp(-(10 - 50 / 6) * 15.0 / 10.0), rel=1e-12
    )
    assert queue.mean_queue_length == pytest.approx(50 / 60 * queue.mean_wait)
    assert queue.share_within(queue.wait_quantile(0.9)) == pytest.approx(0.9)


def test_unstable_queue() -> None:
    queue = ErlangC(rate=1.0, service_mean=10.0, servers=8)
    assert queue.wait_probability == 1.0
    assert math.isinf(queue.mean_wait)
    assert queue.share_within(30.0) == 0.0


def test_theory_computes_through_the_staffing_module(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(erlang, "erlang_c", lambda servers, load: np.asarray(0.25))
    assert ErlangC(rate=0.5, service_mean=10.0, servers=7).wait_probability == 0.25


@pytest.mark.parametrize("per_hour", [0.0, 3.0, 50.0, 170.0, 600.0])
def test_min_servers_agrees_with_the_vectorised_version(per_hour: float) -> None:
    found = min_servers(per_hour / 60.0, 10.0, 15.0, 0.8)
    load = erlang.offered_load(per_hour, 10.0)
    assert found == int(erlang.min_servers(load, 10.0, 15.0, 0.8, max_servers=500)[0])
    if found:
        assert ErlangC(per_hour / 60.0, 10.0, found).share_within(15.0) >= 0.8
        assert ErlangC(per_hour / 60.0, 10.0, found - 1).share_within(15.0) < 0.8
