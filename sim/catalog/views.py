"""What ``tongban catalog`` shows: JSON-ready rows and the counts summary, national or local.

With a locality, "batch" means the local plan's batch (Tianjin pulls two batch-3 matters
into its batch 2, so it counts 58/76/6).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from sim.catalog.index import BATCHES
from sim.catalog.national import CATEGORIES, HANDLING_LEVELS, MODES, load_catalog
from sim.catalog.overlays import check_locality, load_overlay


def select_rows(
    locality: str = "national", *, batch: int | str | None = None, mode: str | None = None
) -> list[dict[str, Any]]:
    """JSON-ready rows of the national catalog or an overlay, filtered (InputError if bad)."""
    if check_locality(locality) == "national":
        return [m.to_dict() for m in load_catalog().filter(batch=batch, mode=mode)]
    return [m.to_dict() for m in load_overlay(locality).filter(batch=batch, mode=mode)]


def _counts(label: str, counts: Mapping[Any, int], order: tuple[object, ...]) -> str:
    cells = [f"{value}={counts.get(value, 0)}" for value in order]
    return f"{label:<16}" + "  ".join(cells)


def catalog_summary(locality: str = "national") -> str:
    """Counts by batch, mode, category, handling level and limit/mode basis, as text."""
    check_locality(locality)
    if locality == "national":
        matters = list(load_catalog())
        batches = [m.batch for m in matters]
        title = f"catalog: national list (seed 001), {len(matters)} matters"
    else:
        overlay = load_overlay(locality)
        matters = [m.matter for m in overlay]
        batches = [m.local_batch for m in overlay]
        place = overlay.locality
        full_name = (
            place.name if place.name.startswith(place.province) else (place.province + place.name)
        )
        title = (
            f"catalog: {locality} {full_name} ({place.admin_code}; windows: "
            f"{', '.join(place.window_levels)}), {len(matters)} matters"
        )
    offered = Counter(mode for m in matters for mode in m.modes)
    lines = [
        title,
        _counts("batch", Counter(batches), BATCHES),
        _counts("modes offered", offered, MODES),
        _counts("default mode", Counter(m.default_mode for m in matters), MODES),
        _counts("category", Counter(m.category for m in matters), CATEGORIES),
        _counts("handling level", Counter(m.handling_level for m in matters), HANDLING_LEVELS),
        _counts(
            "limit basis",
            Counter("statutory" if m.limit_is_statutory else "assumption" for m in matters),
            ("statutory", "assumption"),
        ),
        _counts(
            "mode basis",
            Counter("seed003" if m.modes_from_seed else "derived" for m in matters),
            ("seed003", "derived"),
        ),
        _counts(
            "papers by post",
            Counter("yes" if m.originals_by_post else "no" for m in matters),
            ("yes", "no"),
        ),
    ]
    return "\n".join(lines)
