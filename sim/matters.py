"""The matter facts the simulation needs, read through the catalog (:mod:`sim.catalog`).

This adapter keeps the engine independent of the catalog's exact classes: it copies the
fields it uses into :class:`MatterFacts`. If the catalog module cannot be imported it reads
the catalog's data file directly (same fields).
"""

from __future__ import annotations

import functools
import logging
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from typing import Any

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MatterFacts:
    """What the engine uses of a catalog matter."""

    id: str
    name: str
    modes: tuple[str, ...]
    default_mode: str
    originals_by_post: bool
    result_delivery: str
    handling_level: str
    limit_working_days: int


def _facts(item: Any) -> MatterFacts:
    get = (lambda k: item[k]) if isinstance(item, dict) else (lambda k: getattr(item, k))
    return MatterFacts(
        id=str(get("id")),
        name=str(get("name")),
        modes=tuple(str(m) for m in get("modes")),
        default_mode=str(get("default_mode")),
        originals_by_post=bool(get("originals_by_post")),
        result_delivery=str(get("result_delivery")),
        handling_level=str(get("handling_level")),
        limit_working_days=int(get("limit_working_days")),
    )


def _data_file(*parts: str) -> dict[str, Any]:
    path = resources.files("sim").joinpath("data", *parts)
    return tomllib.loads(path.read_text(encoding="utf-8"))


@functools.cache
def national_matters() -> dict[str, MatterFacts]:
    """All 140 matters of the national list, in catalog order."""
    items: Iterable[Any]
    try:
        from sim.catalog import load_catalog

        items = list(load_catalog())
    except ImportError:
        logger.info("sim.catalog not importable; reading sim/data/catalog.toml directly")
        items = _data_file("catalog.toml")["matter"]
    facts = [_facts(item) for item in items]
    return {f.id: f for f in facts}


@functools.cache
def locality_matter_ids(locality: str) -> tuple[str, ...]:
    """Ids of the matters a locality's plan lists (its overlay), in catalog order."""
    ids: set[str] | None = None
    try:
        from sim import catalog

        overlay = catalog.load_overlay(locality)
        for attribute in ("matter_ids", "ids"):
            if hasattr(overlay, attribute):
                ids = {str(i) for i in getattr(overlay, attribute)}
                break
        if ids is None and hasattr(overlay, "matters"):
            ids = {str(getattr(m, "id", m)) for m in overlay.matters}
    except (ImportError, AttributeError):
        ids = None
    if ids is None:
        ids = {str(m["id"]) for m in _data_file("overlays", f"{locality}.toml")["matter"]}
    return tuple(i for i in national_matters() if i in ids)
