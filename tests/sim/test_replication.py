"""One replication on its own: picklable results, seeds not consumed, same as simulate()."""

from __future__ import annotations

import dataclasses
import pickle
from typing import Any

import numpy as np

from sim.compile import CompiledScenario, compile_scenario
from sim.replication import run_replication
from sim.run import replication_seed, simulate
from sim.scenarios.loader import parse_scenario
from sim.seeds import fresh_seed
from sim.summary import summarise


def small() -> CompiledScenario:
    """A window with repeat visits sending proxy cases to our office, plus inbound cases."""
    data: dict[str, Any] = {
        "name": "replication check",
        "days": 12,
        "warmup_days": 2.5,
        "drain_days": 20,
        "seed": 5,
        "windows": [{"id": "W1", "clerks": 2}, {"id": "W2", "clerks": "auto"}],
        "demand": [
            {"window": "W1", "matter": "1-31", "per_day": 12.0, "mode": "proxy"},
            {"window": "W2", "matter": "1-05", "per_day": 20.0},
        ],
        "offices": [{"id": "O1", "reviewers": 2}],
        "inbound": [{"office": "O1", "matter": "1-37", "per_day": 5.0, "mode": "proxy"}],
    }
    return compile_scenario(parse_scenario(data))


def test_replication_result_round_trips_through_pickle() -> None:
    compiled = small()
    result = run_replication(compiled, 0, replication_seed(7, 0))
    data = pickle.dumps(result)
    assert b"simpy" not in data  # plain numbers and arrays, no engine objects
    restored = pickle.loads(data)
    assert restored.created == result.created > 100
    assert repr(summarise(compiled, [restored], 7, "", "")) == repr(
        summarise(compiled, [result], 7, "", "")
    )


def test_replications_run_one_by_one_summarise_to_simulate() -> None:
    compiled = small()
    together = simulate(compiled, replications=3, seed=7)
    results = [run_replication(compiled, i, replication_seed(7, i)) for i in range(3)]
    one_by_one = summarise(compiled, results, 7, together.started, together.finished)
    assert together.windows[0].cases > 0 and together.offices[0].cases > 0
    for name in [f.name for f in dataclasses.fields(together)]:
        assert repr(getattr(one_by_one, name)) == repr(getattr(together, name)), name


def test_a_replication_leaves_its_seed_as_it_found_it() -> None:
    compiled = small()
    seed = np.random.SeedSequence(3)
    first = run_replication(compiled, 0, seed)
    again = run_replication(compiled, 0, seed)
    assert seed.n_children_spawned == 0
    assert repr(summarise(compiled, [first], 3, "", "")) == repr(
        summarise(compiled, [again], 3, "", "")
    )


def test_replication_seed_is_the_spawned_child_and_fresh_seed_a_copy() -> None:
    children = np.random.SeedSequence(9).spawn(4)
    for index, child in enumerate(children):
        assert replication_seed(9, index).generate_state(4).tolist() == (
            child.generate_state(4).tolist()
        )
    parent = np.random.SeedSequence(9)
    parent.spawn(2)
    copy = fresh_seed(parent)
    assert copy.n_children_spawned == 0 and parent.n_children_spawned == 2
    assert copy.spawn(1)[0].generate_state(2).tolist() == children[0].generate_state(2).tolist()
    assert fresh_seed(9).generate_state(2).tolist() == parent.generate_state(2).tolist()


def test_a_used_compiled_scenario_pickles_and_simulates_the_same() -> None:
    compiled = small()
    first = simulate(compiled, replications=2, seed=4)  # fills the shared calendar lookups
    copy = pickle.loads(pickle.dumps(compiled))  # e.g. sent to a worker process
    again = simulate(copy, replications=2, seed=4)
    assert repr(again.windows) == repr(first.windows)
    assert repr(again.turnaround) == repr(first.turnaround)
