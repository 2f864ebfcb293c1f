"""EMS journeys of items a planned van already brought to the processing centre."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from geo.ems import EmsNetwork, EmsParameters, default_network
from geo.ems_schedule import deterministic_arrival

QINGYANG, CHIZHOU_SEAT = "341723", "341702"
PAIRS = [
    (QINGYANG, "341721"),  # same centre (local)
    (QINGYANG, "340104"),  # same province (Hefei)
    (QINGYANG, "110105"),  # Beijing
    (QINGYANG, "500110"),  # Chongqing
    (CHIZHOU_SEAT, "650102"),  # Urumqi
    ("120101", "440106"),  # Tianjin → Guangzhou
]


@pytest.mark.parametrize(("origin", "destination"), PAIRS)
def test_collected_is_the_journey_without_the_collection_leg(origin: str, destination: str) -> None:
    net = default_network()
    full, mode = net.route(origin, destination)
    collected, collected_mode = net.route(origin, destination, collected=True)
    assert mode == collected_mode
    assert full[0].kind == "collect"
    assert all(leg.kind != "collect" for leg in collected)
    assert len(collected) == len(full) - 1
    assert [leg.kind for leg in collected] == [leg.kind for leg in full[1:]]


@pytest.mark.parametrize(("origin", "destination"), PAIRS)
def test_collected_never_slower_than_posting_at_the_window_at_the_same_time(
    origin: str, destination: str
) -> None:
    net = default_network()
    full, _ = net.route(origin, destination)
    collected, _ = net.route(origin, destination, collected=True)
    for start in np.arange(0.0, 48.0, 0.25):
        assert deterministic_arrival(collected, start) <= deterministic_arrival(full, start)
    # sampled, common seeds: the mean over send times 09:00–19:00 is never higher
    send = np.random.default_rng(0).uniform(9.0, 19.0, 4000)
    a = net.sample_hours(origin, destination, send, np.random.default_rng(1))
    b = net.sample_hours(origin, destination, send, np.random.default_rng(1), collected=True)
    assert b.mean() <= a.mean()


def test_reviewer_evidence_late_van_does_not_cost_a_day() -> None:
    """Qingyang van pickups at 15:30 and 16:33 both reach the centre before its cut-off.

    Posted at the window, the 16:33 item waits for the next day's 11:00 collection
    (reviewer: 40.8 h vs 63.8 h to Beijing). Handed over at the centre (an hour later),
    both make the same night dispatch.
    """
    net = EmsNetwork(replace(EmsParameters(), miss_prob=0.0, duration_sigma=0.0))
    for destination in ("110105", "341721"):
        full, _ = net.route(QINGYANG, destination)
        collected, _ = net.route(QINGYANG, destination, collected=True)
        early, late = 15.5, 16.55
        posted = deterministic_arrival(full, late) - deterministic_arrival(full, early)
        assert posted > 20.0  # the old double collection: about a day more
        at_centre = deterministic_arrival(collected, late + 1.0) - deterministic_arrival(
            collected, early + 1.0
        )
        assert at_centre == pytest.approx(0.0, abs=1e-9)  # same dispatch, same arrival


def test_collected_item_makes_the_dispatch_when_at_the_centre_by_the_cutoff() -> None:
    net = default_network()
    centre = net.centre_for(QINGYANG)
    night_cutoff = max(centre.cutoff_hours)  # 20:00 dispatch − 1 h
    collected, _ = net.route(QINGYANG, "110105", collected=True)
    in_time = deterministic_arrival(collected, night_cutoff - 0.01)
    assert deterministic_arrival(collected, 17.0) == pytest.approx(in_time)
    # routing's own centre cut-off (18:30, routing.scenario) is inside the EMS one
    assert deterministic_arrival(collected, 18.5) == pytest.approx(in_time)
    assert deterministic_arrival(collected, night_cutoff + 0.01) > in_time + 5.0  # missed it


def test_transit_accepts_collected() -> None:
    import datetime as dt

    net = default_network()
    send = dt.datetime(2025, 3, 4, 17, 30)
    full = net.transit(QINGYANG, "110105", send, np.random.default_rng(2))
    collected = net.transit(QINGYANG, "110105", send, np.random.default_rng(2), collected=True)
    assert collected < full - dt.timedelta(hours=12)
