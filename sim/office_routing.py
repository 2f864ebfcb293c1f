"""Which staffed office decides a case when offices are staged by admin code (``[national]``).

A local scenario stages its offices by handling level (``office_by_level`` in
:mod:`sim.flow`); a national one stages an office at every unit's seat, each with a
``code`` and no ``level``. A case decided by the applicant's home office goes to the office
whose code is the home office's; a case decided where it was accepted goes to the office at
the window's unit at the matter's handling level. No staffed office for that code: ``-1``
(the ``office_days`` delay, as before).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sim.plans import MatterPlan, OfficePlan


def offices_by_code(offices: Sequence[OfficePlan]) -> dict[str, int]:
    """Offices staged by code (a code and no handling level) → their index."""
    return {
        plan.spec.code: plan.index for plan in offices if plan.spec.code and not plan.spec.levels
    }


def staffed_office(
    plan: MatterPlan,
    mode: str,
    window_code: str | None,
    home_code: str | None,
    by_code: Mapping[str, int],
) -> int:
    """The index of the staffed office that decides, or ``-1``."""
    if not by_code or mode == "counter" or plan.decided_at_window:
        return -1
    if plan.decided_by_locality_office(mode):
        if window_code is None:
            return -1
        from sim.geography import office_code

        return by_code.get(office_code(window_code, plan.handling_level), -1)
    return by_code.get(home_code, -1) if home_code else -1
