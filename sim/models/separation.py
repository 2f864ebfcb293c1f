"""Separation (收受分离): push the file online; originals wait for the next EMS pickup.

A :class:`PickupSchedule` gives each window its pickup times of day. By default every
window has the scenario's fixed daily times, and the EMS model's own collection leg
(``geo.ems``) carries the parcels from the window to the processing centre.

The routing stage (``tongban.pipeline.routing_stage.simulation_pickups``) produces a
schedule of the same type whose windows also have a **hand-over** per pickup: the minute
of day the planned van brings that pickup's parcels to the centre. For such a pickup the
simulation waits for the van's arrival at the centre and then asks the transit model for
the journey *from the centre* (``collected=True``), so the van trip is not modelled twice.
Windows without a hand-over (no routing plan, or a window the plan leaves unserved) keep
the old path: wait for the fixed pickup time, then the EMS model's own collection.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from typing import Any

import simpy

from sim.calendar import Timetable


def push_online(env: simpy.Environment, minutes: float) -> Generator[Any, Any, None]:
    """The online push of the scanned file to the handling office (``minutes``, drawn)."""
    yield env.timeout(minutes)


def wait_for_pickup(
    env: simpy.Environment, timetable: Timetable, pickup_times: Sequence[float]
) -> Generator[Any, Any, float]:
    """Wait for the next EMS pickup at the window; returns the pickup minute."""
    pickup = timetable.next_clock_time(env.now, pickup_times)
    yield env.timeout(pickup - env.now)
    return pickup


def wait_for_handover(env: simpy.Environment, centre_minute: float) -> Generator[Any, Any, None]:
    """Ride of a planned van from the window to the processing centre."""
    yield env.timeout(max(0.0, centre_minute - env.now))
