"""Local variants of the national catalog: one overlay per local plan (seeds 000, 002-004).

An overlay names its locality (province, 6-digit GB/T 2260 code, the window levels it
runs) and lists the national matters its plan covers, with the local fields the plan
prints: its own batch and sequence, local lead and cooperating units, the district unit
that implements the matter, the delivery form (实现形式) and status. The shipped overlays
live in ``sim/data/overlays/<locality>.toml``; :func:`read_overlay_file` reads a planner's
own file in the same format (bad files raise :class:`tongban.kernel.errors.InputError` naming the
file and the field).

With a locality, "batch" means the local plan's batch (Tianjin pulls two batch-3 matters
into its batch 2, so it counts 58/76/6).
"""

from __future__ import annotations

import functools
import tomllib
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sim.catalog import (
    Catalog,
    Matter,
    load_catalog,
    parse_batch,
    parse_choice,
    read_data_file,
    unknown_matter,
)
from tongban.kernel.errors import InputError

WindowLevel = Literal["province", "prefecture", "county", "township"]
WINDOW_LEVELS: tuple[str, ...] = get_args(WindowLevel)

#: Shipped overlays, and "national" for the plain catalog.
SHIPPED_OVERLAYS: tuple[str, ...] = ("tianjin", "qijiang", "haicang", "chizhou")
LOCALITIES: tuple[str, ...] = ("national", *SHIPPED_OVERLAYS)

#: Local fields every overlay row reports in JSON (null where the plan has none).
LOCAL_FIELDS: tuple[str, ...] = ("local_lead", "local_unit", "local_batch", "local_form")


class Locality(BaseModel):
    """Who runs an overlay: the locality and the window levels its plan sets up."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    name: str = Field(min_length=1)
    province: str = Field(min_length=1)
    admin_code: str = Field(pattern=r"^\d{6}$")
    window_levels: tuple[WindowLevel, ...] = Field(min_length=1)
    source: str = ""
    notes: str = ""


class LocalEntry(BaseModel):
    """One row of an overlay file: a national id plus the plan's own fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    local_batch: int = Field(ge=1, le=3)
    local_seq: int = Field(ge=1)
    local_name: str | None = None
    local_lead: str | None = None
    local_cooperating: tuple[str, ...] = ()
    local_unit: str | None = None
    local_form: str | None = None
    local_status: str | None = None
    local_deadline: str | None = None
    province_lead: str | None = None


class OverlayFile(BaseModel):
    """The whole overlay file: ``[locality]`` and its ``[[matter]]`` rows."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    locality: Locality
    matter: tuple[LocalEntry, ...] = Field(min_length=1)


class LocalMatter(BaseModel):
    """A national matter as a local plan lists it."""

    model_config = ConfigDict(frozen=True)

    matter: Matter
    local: LocalEntry

    @property
    def id(self) -> str:
        """The national id."""
        return self.matter.id

    @property
    def local_batch(self) -> int:
        """The batch in the local plan."""
        return self.local.local_batch

    def to_dict(self) -> dict[str, Any]:
        """The national fields, then the local ones (the four LOCAL_FIELDS always present)."""
        local = self.local.model_dump(mode="json", exclude={"id"})
        always = {name: local.pop(name) for name in LOCAL_FIELDS}
        extra = {k: v for k, v in local.items() if v not in (None, [], ())}
        return self.matter.to_dict() | always | extra


class LocalCatalog:
    """The matters one local plan covers, in the national order, with local fields."""

    __slots__ = ("_by_id", "_matters", "locality")

    def __init__(self, locality: Locality, matters: tuple[LocalMatter, ...]) -> None:
        self.locality = locality
        self._matters = matters
        self._by_id = {m.id: m for m in matters}
        if len(self._by_id) != len(matters):
            raise ValueError(f"overlay {locality.key}: a matter id appears twice")

    def __iter__(self) -> Iterator[LocalMatter]:
        return iter(self._matters)

    def __len__(self) -> int:
        return len(self._matters)

    def __contains__(self, matter_id: object) -> bool:
        return matter_id in self._by_id

    def __getitem__(self, matter_id: str) -> LocalMatter:
        try:
            return self._by_id[matter_id]
        except KeyError:
            raise unknown_matter(matter_id, self._by_id) from None

    def __repr__(self) -> str:
        return f"LocalCatalog({self.locality.key}, {len(self)} matters)"

    @property
    def matters(self) -> tuple[LocalMatter, ...]:
        """The local matters, in national order."""
        return self._matters

    @property
    def ids(self) -> tuple[str, ...]:
        """National ids of the matters the plan covers."""
        return tuple(self._by_id)

    def filter(self, *, batch: int | str | None = None, mode: str | None = None) -> LocalCatalog:
        """Matters in the given local batch and/or offering the given mode."""
        wanted_batch = parse_batch(batch)
        wanted_mode = parse_choice("mode", mode, ("online", "proxy", "joint"))
        checks: list[Callable[[LocalMatter], bool]] = []
        if wanted_batch is not None:
            checks.append(lambda m: m.local_batch == wanted_batch)
        if wanted_mode is not None:
            checks.append(lambda m: wanted_mode in m.matter.modes)
        chosen = tuple(m for m in self._matters if all(check(m) for check in checks))
        return LocalCatalog(self.locality, chosen)

    def count_by(self, key: Callable[[LocalMatter], object]) -> dict[object, int]:
        """How many local matters share each value of ``key``."""
        return dict(Counter(key(m) for m in self._matters))


def build_overlay(document: dict[str, Any], catalog: Catalog, source: str) -> LocalCatalog:
    """Validate an overlay document against the national catalog (InputError if bad)."""
    try:
        parsed = OverlayFile.model_validate(document)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = _error_path(first["loc"], document)
        raise InputError(f"{source}: {where}: {first['msg']}", field=where) from None
    rows = []
    for index, entry in enumerate(parsed.matter):
        if entry.id not in catalog:
            hint = str(unknown_matter(entry.id, {m.id: m for m in catalog}))
            raise InputError(f"{source}: matter[{index}].id: {hint}", field="id")
        rows.append(LocalMatter(matter=catalog[entry.id], local=entry))
    ids = [row.id for row in rows]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise InputError(f"{source}: matter ids repeat: {', '.join(repeated)}", field="id")
    order = {matter_id: position for position, matter_id in enumerate(catalog.ids)}
    rows.sort(key=lambda row: order[row.id])
    return LocalCatalog(parsed.locality, tuple(rows))


def _error_path(loc: tuple[int | str, ...], document: dict[str, Any]) -> str:
    """A readable path such as ``matter[3].local_batch (id 1-05)`` for a pydantic error."""
    parts: list[str] = []
    for item in loc:
        parts.append(f"[{item}]" if isinstance(item, int) else f".{item}")
    path = "".join(parts).lstrip(".") or "document"
    matters = document.get("matter")
    index = loc[1] if len(loc) > 1 and loc[0] == "matter" else None
    if isinstance(index, int) and isinstance(matters, list) and index < len(matters):
        row = matters[index]
        if isinstance(row, dict) and "id" in row:
            path += f" (id {row['id']})"
    return path


def check_locality(locality: str) -> str:
    """A locality key from user input (``national`` or a shipped overlay)."""
    if locality not in LOCALITIES:
        raise InputError(
            f"locality must be one of {', '.join(LOCALITIES)} (got {locality!r})",
            field="locality",
        )
    return locality


@functools.cache
def load_overlay(locality: str) -> LocalCatalog:
    """A shipped overlay: ``tianjin``, ``qijiang``, ``haicang`` or ``chizhou``."""
    if locality not in SHIPPED_OVERLAYS:
        raise InputError(
            f"overlay locality must be one of {', '.join(SHIPPED_OVERLAYS)} (got {locality!r})",
            field="locality",
        )
    document = read_data_file("overlays", f"{locality}.toml")
    return build_overlay(document, load_catalog(), f"sim/data/overlays/{locality}.toml")


def read_overlay_file(path: str | Path) -> LocalCatalog:
    """A planner's own overlay file (same format as the shipped ones)."""
    file = Path(path)
    try:
        document = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"overlay file {file} does not exist", field="path") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{file}: not valid UTF-8 TOML: {exc}", field="path") from None
    return build_overlay(document, load_catalog(), str(file))


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
        _counts("batch", Counter(batches), (1, 2, 3)),
        _counts("modes offered", offered, ("online", "proxy", "joint")),
        _counts(
            "default mode",
            Counter(m.default_mode for m in matters),
            ("online", "proxy", "joint"),
        ),
        _counts("category", Counter(m.category for m in matters), ("personal", "enterprise")),
        _counts(
            "handling level",
            Counter(m.handling_level for m in matters),
            ("province", "prefecture", "county"),
        ),
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
