"""The matter facts the simulation reads from the catalog, as plain frozen records.

The engine compiles scenarios against :class:`MatterFacts` (a copy of the fields it uses)
rather than the catalog's pydantic models, so it holds no validation machinery.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from sim.catalog.national import HandlingLevel, Matter, Mode, ResultDelivery, load_catalog
from sim.catalog.overlays import load_overlay


@dataclass(frozen=True)
class MatterFacts:
    """What the engine uses of a catalog matter."""

    id: str
    name: str
    modes: tuple[Mode, ...]
    default_mode: Mode
    originals_by_post: bool
    result_delivery: ResultDelivery
    handling_level: HandlingLevel
    limit_working_days: int

    @classmethod
    def of(cls, matter: Matter) -> MatterFacts:
        """The facts of one catalog matter."""
        return cls(
            id=matter.id,
            name=matter.name,
            modes=matter.modes,
            default_mode=matter.default_mode,
            originals_by_post=matter.originals_by_post,
            result_delivery=matter.result_delivery,
            handling_level=matter.handling_level,
            limit_working_days=matter.limit_working_days,
        )


@functools.cache
def national_matters() -> dict[str, MatterFacts]:
    """All 140 matters of the national list, by id, in catalog order."""
    return {matter.id: MatterFacts.of(matter) for matter in load_catalog()}


@functools.cache
def locality_matter_ids(locality: str) -> tuple[str, ...]:
    """Ids of the matters a locality's plan lists (its shipped overlay), in catalog order."""
    return load_overlay(locality).ids
