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
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sim.catalog.index import MatterIndex, parse_batch, parse_choice, unknown_matter
from sim.catalog.national import MODES, Catalog, Matter, load_catalog, read_data_file
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


class LocalCatalog(MatterIndex[LocalMatter]):
    """The matters one local plan covers, in the national order, with local fields."""

    __slots__ = ("locality",)

    def __init__(self, locality: Locality, matters: tuple[LocalMatter, ...]) -> None:
        super().__init__(matters, where=f"overlay {locality.key}: ")
        self.locality = locality

    def __repr__(self) -> str:
        return f"LocalCatalog({self.locality.key}, {len(self)} matters)"

    def filter(self, *, batch: int | str | None = None, mode: str | None = None) -> LocalCatalog:
        """Matters in the given local batch and/or offering the given mode."""
        wanted_batch = parse_batch(batch)
        wanted_mode = parse_choice("mode", mode, MODES)
        checks: list[Callable[[LocalMatter], bool]] = []
        if wanted_batch is not None:
            checks.append(lambda m: m.local_batch == wanted_batch)
        if wanted_mode is not None:
            checks.append(lambda m: wanted_mode in m.matter.modes)
        return LocalCatalog(self.locality, self._matching(checks))


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
            hint = str(unknown_matter(entry.id, catalog.ids))
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
