"""全程网办: an application filed on the platform (optionally assisted at a window)."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import numpy as np
import simpy

from sim.distributions import Distribution


def submit_online(
    env: simpy.Environment, submit_minutes: Distribution, rng: np.random.Generator
) -> Generator[Any, Any, None]:
    """The platform hands the application to the handling office."""
    delay = submit_minutes.sample(rng)
    if delay > 0:
        yield env.timeout(delay)
