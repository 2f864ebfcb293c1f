"""Seeds of the simulation: every random stream is spawned from one :class:`SeedSequence`.

``SeedSequence.spawn`` mutates its parent (it counts the children handed out), so code that
must give one answer per seed spawns from a :func:`fresh_seed` copy, never from the caller's,
or names a child directly (:func:`child_seed`).

Per-case streams (:class:`CaseStreams`): after the window, a case draws from streams of its
own, keyed by the replication and the case's id (an order-free key: the window and the
applicant's arrival number there, or the inbound number; :mod:`sim.records`), one stream per
*moment* of its life at which it draws — acceptance (online submission or push minutes;
the distance home of an inbound case), posting of the originals (EMS transit), 受理 (joint
coordination and every review round: ``office_days``, effort, 补正 asked and its days — none
depends on time, so all are drawn at once) and the decision (the return, or the second
window visit). The draws are therefore the same whatever happens to other cases and
whenever the case gets there: no staffing, routing or partitioning of the run shifts them,
and a moment that draws more (a longer EMS route, another 补正 round) never shifts a later
one's draws. A stream is used at one simulated moment and given back before the case waits,
so one pooled generator serves the whole run.

The construction is counter-based: a Philox-4×64 bit generator whose 128-bit key is the
replication's key words XOR (moment, case id), started at counter 0. Philox is a keyed
bijection (Random123), so distinct keys give independent streams without hashing; this
skips ``SeedSequence`` (≈ 14 µs a stream) and costs ≈ 1.4 µs a moment by re-keying a pooled
generator (figures in ``docs/decomposed.md``).
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np
from numpy.random.bit_generator import ISeedSequence

# the moments a case draws at after the window (stream keys; module docstring)
INTAKE, POSTED, OFFICE, DELIVERY = 1, 2, 3, 4


def fresh_seed(seed: int | np.random.SeedSequence) -> np.random.SeedSequence:
    """A new SeedSequence equal to ``seed`` with no children spawned yet."""
    if isinstance(seed, np.random.SeedSequence):
        return np.random.SeedSequence(
            seed.entropy, spawn_key=seed.spawn_key, pool_size=seed.pool_size
        )
    return np.random.SeedSequence(seed)


def child_seed(seed: np.random.SeedSequence, index: int) -> np.random.SeedSequence:
    """The ``index``-th child of ``seed``: ``fresh_seed(seed).spawn(n)[index]`` for ``n > index``,
    without spawning the others (a partition builds only the streams it needs)."""
    return np.random.SeedSequence(
        seed.entropy, spawn_key=(*seed.spawn_key, index), pool_size=seed.pool_size
    )


def replication_seed(root_seed: int, index: int) -> np.random.SeedSequence:
    """The seed of replication ``index``: the ``index``-th child spawned from ``root_seed``.

    Equal to ``SeedSequence(root_seed).spawn(n)[index]`` for any ``n > index``, so one
    replication can be run (or re-run after a crash) on its own with the same result.
    """
    return np.random.SeedSequence(root_seed, spawn_key=(index,))


class _Key(ISeedSequence):
    """Hands a Philox generator its key as is (no hashing: the key is the stream id)."""

    def __init__(self, words: np.ndarray) -> None:
        self.words = words

    def generate_state(self, n_words: int, dtype: Any = np.uint32) -> np.ndarray:
        return self.words


class CaseStreams:
    """The per-case, per-moment random streams of one replication (module docstring).

    ``enter(case_id, moment)`` returns a generator positioned at the start of that case's
    stream for the moment; the caller gives it back with ``leave`` when its draws are done,
    before the case waits (generators are pooled and re-keyed, which is cheaper than
    building new ones). A generator must not be used after ``leave``.
    """

    def __init__(self, seed: np.random.SeedSequence) -> None:
        words = seed.generate_state(2, np.uint64)
        self.k0, self.k1 = int(words[0]), int(words[1])
        self._free: list[np.random.Generator] = []
        self._state: dict[str, object] = {
            "bit_generator": "Philox",
            "state": {
                "counter": np.zeros(4, dtype=np.uint64),
                "key": np.zeros(2, dtype=np.uint64),
            },
            "buffer": np.zeros(4, dtype=np.uint64),
            "buffer_pos": 4,
            "has_uint32": 0,
            "uinteger": 0,
        }
        inner = self._state["state"]
        assert isinstance(inner, dict)
        self._key: np.ndarray = inner["key"]

    def key(self, case_id: int, moment: int) -> np.ndarray:
        """The Philox key of one case's stream for one moment."""
        return np.array([self.k0 ^ moment, self.k1 ^ case_id], dtype=np.uint64)

    def enter(self, case_id: int, moment: int) -> np.random.Generator:
        """A generator at the start of ``(case_id, moment)``'s stream."""
        if not self._free:
            key = cast(Any, _Key(self.key(case_id, moment)))  # a seed sequence numpy's stubs omit
            return np.random.Generator(np.random.Philox(key))
        rng = self._free.pop()
        self._key[0] = self.k0 ^ moment
        self._key[1] = self.k1 ^ case_id
        rng.bit_generator.state = self._state  # copied in: the template stays at counter 0
        return rng

    def leave(self, rng: np.random.Generator) -> None:
        """Give a generator back to the pool."""
        self._free.append(rng)
