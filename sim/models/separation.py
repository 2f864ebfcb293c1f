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

These steps are pure waits — nothing else in the run can change them — so they are
functions of the minute they start, returning the minute they end
(:mod:`sim.models.delays`), and the case flow computes the minute the file reaches the office.
"""

from __future__ import annotations

from sim.models.delays import until


def handed_over(now: float, centre_minute: float) -> float:
    """A planned van's ride from the window to the processing centre, arriving then."""
    return until(now, centre_minute)
