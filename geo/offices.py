"""Handling offices: where a matter is substantively reviewed for an applicant's home."""

from __future__ import annotations

from geo import units
from tongban.kernel.errors import InputError

HANDLING_LEVELS = ("province", "prefecture", "county")


def handling_office(home_code: str, handling_level: str) -> units.AdminUnit:
    """The unit whose office handles a matter at ``handling_level`` for ``home_code``.

    The office sits at that unit's seat. Municipal districts are handled by the
    municipality at prefecture level; county-level units directly under a province act as
    their own prefecture. A home given at a coarser level than the handling level (e.g. a
    prefecture for a county-level matter) is an input error.
    """
    if handling_level not in HANDLING_LEVELS:
        raise InputError(
            f"handling_level {handling_level!r} is not one of {', '.join(HANDLING_LEVELS)}",
            field="handling_level",
        )
    home = units.resolve(home_code)
    return units.ancestor_at(home.code, handling_level)
