"""Seeds of the simulation: every random stream is spawned from one :class:`SeedSequence`.

``SeedSequence.spawn`` mutates its parent (it counts the children handed out), so code that
must give one answer per seed spawns from a :func:`fresh_seed` copy, never from the caller's.
"""

from __future__ import annotations

import numpy as np


def fresh_seed(seed: int | np.random.SeedSequence) -> np.random.SeedSequence:
    """A new SeedSequence equal to ``seed`` with no children spawned yet."""
    if isinstance(seed, np.random.SeedSequence):
        return np.random.SeedSequence(
            seed.entropy, spawn_key=seed.spawn_key, pool_size=seed.pool_size
        )
    return np.random.SeedSequence(seed)


def replication_seed(root_seed: int, index: int) -> np.random.SeedSequence:
    """The seed of replication ``index``: the ``index``-th child spawned from ``root_seed``.

    Equal to ``SeedSequence(root_seed).spawn(n)[index]`` for any ``n > index``, so one
    replication can be run (or re-run after a crash) on its own with the same result.
    """
    return np.random.SeedSequence(root_seed, spawn_key=(index,))
