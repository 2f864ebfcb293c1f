"""EMS network and transit calibration against the State Post Bureau figures."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from geo import units
from geo.ems import NANJING, TRUNK_ROUTES, EmsNetwork, default_network

WEST = {
    "540000",
    "650000",
    "630000",
    "620000",
    "640000",
    "530000",
    "520000",
    "510000",
    "500000",
    "610000",
    "450000",
    "150000",
}


@pytest.fixture(scope="module")
def network() -> EmsNetwork:
    return default_network()


def _prefecture_equivalents(network: EmsNetwork) -> list[str]:
    return sorted(
        {network.centre_for(u.code).code for u in units.all_units() if u.level != "province"}
    )


def test_every_prefecture_has_a_processing_centre_at_its_seat(network: EmsNetwork) -> None:
    centres = {c.code: c for c in network.centres()}
    prefectures = [u for u in units.all_units() if u.level == "prefecture"]
    assert len(prefectures) == 333
    for pref in prefectures:
        centre = centres[pref.code]
        assert (centre.lon, centre.lat) == (pref.lon, pref.lat)
        assert centre.cutoff_hours  # documented cut-off(s) before each dispatch
    assert network.centre_for("341721").code == "341700"
    assert network.centre_for("120105").code == "120000"


def test_hubs_and_trunk_routes(network: EmsNetwork) -> None:
    assert network.hub_for("341721").code == "340100"
    assert network.hub_for("120105").code == "120000"
    assert len(TRUNK_ROUTES) == 11 and units.get(NANJING).name == "南京市"
    assert network.gateway_for("320000") == (NANJING, False)
    assert network.gateway_for("620000") == ("620100", False)
    assert network.gateway_for("650000")[1]  # Xinjiang flies belly-hold (assumption)


def test_transit_is_deterministic_given_the_rng(network: EmsNetwork) -> None:
    send = dt.datetime(2024, 3, 4, 10, 30)
    a = network.transit("341700", "110105", send, np.random.default_rng(5))
    b = network.transit("341700", "110105", send, np.random.default_rng(5))
    assert a == b and a > send


def _inter_province_sample(network: EmsNetwork, n_pairs: int = 200, per_pair: int = 40):
    rng = np.random.default_rng(20240521)
    codes = _prefecture_equivalents(network)
    pairs: list[tuple[str, str]] = []
    while len(pairs) < n_pairs:
        a, b = rng.choice(codes, 2, replace=False)
        if units.get(a).province_code != units.get(b).province_code:
            pairs.append((str(a), str(b)))
    hours = [network.sample_hours(a, b, rng.uniform(9, 17, per_pair), rng) for a, b in pairs]
    return pairs, hours


def test_inter_province_calibration_matches_sourced_figures(network: EmsNetwork) -> None:
    pairs, hours = _inter_province_sample(network)
    allh = np.concatenate(hours)
    # State Post Bureau 2016: mean 58.71 h, 75.5 % within 72 h; ~2024: 84.4 % within 72 h.
    assert 52.0 <= allh.mean() <= 64.0
    assert 0.70 <= (allh <= 72.0).mean() <= 0.88
    west = np.array(
        [units.get(a).province_code in WEST or units.get(b).province_code in WEST for a, b in pairs]
    )
    west_mean = np.concatenate([h for h, w in zip(hours, west, strict=True) if w]).mean()
    east_mean = np.concatenate([h for h, w in zip(hours, west, strict=True) if not w]).mean()
    assert west_mean > east_mean + 2.0  # 2016: West 61.1 h vs East 56.7 h


def test_intra_city_faster_than_intra_province_faster_than_inter(network: EmsNetwork) -> None:
    rng = np.random.default_rng(9)

    def mean(a: str, b: str) -> float:
        return float(network.sample_hours(a, b, rng.uniform(9, 17, 400), rng).mean())

    city = np.mean([mean("341702", "341723"), mean("350205", "350203"), mean("500110", "500103")])
    province = np.mean(
        [mean("341700", "340100"), mean("350205", "350100"), mean("341700", "341000")]
    )
    inter = np.mean([mean("341700", "110000"), mean("350205", "510100"), mean("500110", "440100")])
    assert city < province < inter
    assert network.route("341702", "341723")[1] == "local"
    assert network.route("341700", "341000")[1] == "province"


def test_summary_fields(network: EmsNetwork) -> None:
    s = network.summary("北京市", "上海市", np.random.default_rng(1), samples=2000)
    assert abs(s.distance_km - 1067) < 11
    assert 0 < s.p50_hours <= s.p90_hours and 0.0 <= s.share_within_72h <= 1.0
