"""``[national] reviewers = "auto"``: pooled reviewers per generated office from expected load.

A flat reviewer count leaves the offices that decide for a whole country's applicants (a
province's or prefecture's home office) far over capacity while county offices idle. The
expected reviewer minutes per working day of each office are estimated from the generated
demand and the process profiles, then the office gets ``ceil(minutes / (open minutes ×
target utilisation))`` reviewers (at least one):

* every hall's demand is split between matters by the profile's demand weight at the hall's
  level (as :mod:`sim.compile` splits a ``matter = "*"`` entry);
* a matter reviewed where it was accepted (``local``/``any`` with reviewer minutes) loads
  the office deciding at its handling level for the hall's unit;
* a matter decided by the home office loads the home offices at its handling level (a
  county-level matter: the prefecture's, as homes are drawn by prefecture) **in the other
  provinces** (the gravity model draws homes from other provinces only: 跨省通办).
  Assumption: a hall's applicants' homes are spread over those offices in proportion to
  their population (the gravity model's distance decay is ignored for sizing; it
  concentrates homes near busy halls, so offices there run hotter than sized);
* reviewer minutes per case are the profile's ``office_minutes`` × (1 + the scenario's
  default supplement share where a 补正 can happen).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

#: Open minutes per working day of a generated office (09:00–12:00, 13:30–17:00).
OFFICE_MINUTES_PER_DAY = 390.0
#: Utilisation the sizing aims at (assumption: headroom for arrival peaks and leave).
TARGET_UTILISATION = 0.75


def _home_level(handling_level: str) -> str:
    """The level of the home office a case travels to (homes are drawn by prefecture)."""
    return "province" if handling_level == "province" else "prefecture"


def expected_reviewer_minutes(
    halls: Iterable[Mapping[str, Any]], supplement_share: float | None = None
) -> dict[str, float]:
    """Expected reviewer minutes per working day by office code (generated halls' demand).

    ``supplement_share``: the scenario's ``process.office.supplement_share`` (default: the
    schema's).
    """
    from geo import population
    from sim.catalog import national_matters
    from sim.geography import office_code
    from sim.matter_process import hall_level
    from sim.profiles import load_profiles
    from sim.scenarios.schema import OfficeProcess

    if supplement_share is None:
        supplement_share = float(OfficeProcess.model_fields["supplement_share"].default)
    catalog, profiles = national_matters(), load_profiles()
    reviewed = {
        m: p.office_minutes * (1 + (supplement_share if p.supplement_possible else 0.0))
        for m, p in profiles.items()
        if p.office_minutes > 0 and not p.same_day and p.decided_by != "window"
    }
    load: dict[str, float] = defaultdict(float)
    # minutes per day by (home-office level, the hall's province: homes are elsewhere)
    home_pool: dict[tuple[str, str], float] = defaultdict(float)
    shares: dict[str, dict[str, float]] = {}  # hall level → matter → share of its demand
    for level in ("county", "prefecture", "province"):
        weights = {m: profiles[m].demand_weight.at(level) for m in profiles}
        total = sum(weights.values())
        shares[level] = {m: weights[m] / total for m in reviewed}
    for hall in halls:
        share = shares[hall_level(hall["level"])]
        for matter, minutes in reviewed.items():
            per_day = hall["per_day"] * share[matter] * minutes
            handling = catalog[matter].handling_level
            if profiles[matter].decided_by == "home":
                home_pool[_home_level(handling), str(hall["code"])[:2]] += per_day
            else:
                load[office_code(hall["code"], handling)] += per_day
    for (level, province), minutes in home_pool.items():
        people = population.unit_population(level)
        elsewhere = people[[not str(code).startswith(province) for code in people.index]]
        for code, share in (elsewhere / elsewhere.sum()).items():
            load[str(code)] += minutes * float(share)
    return dict(load)


def sized_reviewers(minutes_per_day: float) -> int:
    """Reviewers for an office with that many expected reviewer minutes per working day."""
    return max(1, math.ceil(minutes_per_day / (OFFICE_MINUTES_PER_DAY * TARGET_UTILISATION)))
