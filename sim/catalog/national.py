"""The national catalog of 140 cross-province matters (seed 001), as typed frozen objects.

The data ship in ``sim/data/catalog.toml`` (one ``[[matter]]`` table per matter, with the
sources of modes, limits and handling levels in each entry). :func:`load_catalog` reads and
validates it once and returns a :class:`Catalog`: iterable in source order, indexable by id
(``catalog["1-05"]``) and filterable by batch, mode, category or handling level.

Field names follow the product's issue: ``id`` (``"batch-seq"``), ``batch``, ``seq``,
``name``, ``scenario`` (应用场景), ``lead``, ``cooperating``, ``deadline`` (batch 3 only),
``category``, ``modes``, ``default_mode``, ``mode_basis``, ``originals_by_post``,
``result_delivery``, ``handling_level``, ``limit_working_days``, ``limit_basis``; extras:
``handling_basis`` (why that level) and ``family`` (the rule group limits come from).
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Callable
from importlib import resources
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim.catalog.index import MatterIndex, parse_batch, parse_choice

Mode = Literal["online", "proxy", "joint"]
#: A case's mode in a scenario: a catalog mode, or ``counter`` (served and ended at the
#: window; the default of abstract scenarios, see :mod:`sim.catalog`).
CaseMode = Literal[Mode, "counter"]
Category = Literal["personal", "enterprise"]
HandlingLevel = Literal["province", "prefecture", "county"]
ResultDelivery = Literal["post", "online"]

MODES: tuple[str, ...] = get_args(Mode)
CASE_MODES: tuple[str, ...] = get_args(CaseMode)
CATEGORIES: tuple[str, ...] = get_args(Category)
HANDLING_LEVELS: tuple[str, ...] = get_args(HandlingLevel)

#: The field names of the issue, in order: the keys of :meth:`Matter.to_dict`'s core.
ISSUE_FIELDS: tuple[str, ...] = (
    "id",
    "batch",
    "seq",
    "name",
    "scenario",
    "lead",
    "cooperating",
    "deadline",
    "category",
    "modes",
    "default_mode",
    "mode_basis",
    "originals_by_post",
    "result_delivery",
    "handling_level",
    "limit_working_days",
    "limit_basis",
)
ASSUMPTION_PREFIX = "assumption:"
SEED_MODE_PREFIX = "seed 003"


class Matter(BaseModel):
    """One matter of the national list, with its delivery modes, limit and handling level."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[123]-\d{2}$")
    batch: int = Field(ge=1, le=3)
    seq: int = Field(ge=1)
    name: str = Field(min_length=1)
    scenario: str = Field(min_length=1)
    lead: str = Field(min_length=1)
    cooperating: tuple[str, ...] = ()
    deadline: str | None = None
    category: Category
    family: str = Field(min_length=1)
    modes: tuple[Mode, ...] = Field(min_length=1)
    default_mode: Mode
    mode_basis: str = Field(min_length=1)
    originals_by_post: bool
    result_delivery: ResultDelivery
    handling_level: HandlingLevel
    handling_basis: str = Field(min_length=1)
    limit_working_days: int = Field(ge=1)
    limit_basis: str = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Matter:
        if self.id != f"{self.batch}-{self.seq:02d}":
            raise ValueError(f"id {self.id!r} does not match batch {self.batch}, seq {self.seq}")
        if len(set(self.modes)) != len(self.modes):
            raise ValueError(f"modes repeat: {self.modes}")
        if self.default_mode not in self.modes:
            raise ValueError(f"default_mode {self.default_mode!r} is not in modes {self.modes}")
        if (self.deadline is not None) != (self.batch == 3):
            raise ValueError("deadline is given for batch 3 matters and only for them")
        if "" in self.cooperating:
            raise ValueError("cooperating holds an empty department name")
        return self

    @property
    def limit_is_statutory(self) -> bool:
        """True when the limit comes from a statute, False when it is an assumption."""
        return not self.limit_basis.startswith(ASSUMPTION_PREFIX)

    @property
    def modes_from_seed(self) -> bool:
        """True when the modes come from seed 003's delivery form, False when derived."""
        return self.mode_basis.startswith(SEED_MODE_PREFIX)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping: the issue's fields in order, then the extra fields."""
        data = self.model_dump(mode="json")
        ordered = {name: data.pop(name) for name in ISSUE_FIELDS}
        return ordered | data


class Catalog(MatterIndex[Matter]):
    """The 140 matters in source order: iterable, indexable by id, filterable."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"Catalog({len(self)} matters)"

    def filter(
        self,
        *,
        batch: int | str | None = None,
        mode: str | None = None,
        category: str | None = None,
        handling_level: str | None = None,
    ) -> Catalog:
        """The matters that match every given criterion (bad values raise InputError)."""
        wanted_batch = parse_batch(batch)
        wanted_mode = parse_choice("mode", mode, MODES)
        wanted_category = parse_choice("category", category, CATEGORIES)
        wanted_level = parse_choice("handling_level", handling_level, HANDLING_LEVELS)
        checks: list[Callable[[Matter], bool]] = []
        if wanted_batch is not None:
            checks.append(lambda m: m.batch == wanted_batch)
        if wanted_mode is not None:
            checks.append(lambda m: wanted_mode in m.modes)
        if wanted_category is not None:
            checks.append(lambda m: m.category == wanted_category)
        if wanted_level is not None:
            checks.append(lambda m: m.handling_level == wanted_level)
        return Catalog(self._matching(checks))


def read_data_file(*parts: str) -> dict[str, Any]:
    """A TOML file shipped under ``sim/data/``."""
    path = resources.files("sim").joinpath("data", *parts)
    return tomllib.loads(path.read_text(encoding="utf-8"))


def build_catalog(document: dict[str, Any], source: str) -> Catalog:
    """Validate a parsed catalog document (``[[matter]]`` tables) into a :class:`Catalog`."""
    tables = document.get("matter")
    if not isinstance(tables, list) or not tables:
        raise ValueError(f"{source}: no [[matter]] tables")
    matters = []
    for index, table in enumerate(tables):
        try:
            matters.append(Matter.model_validate(table))
        except ValidationError as exc:
            where = table.get("id", f"#{index + 1}") if isinstance(table, dict) else index
            raise ValueError(f"{source}: matter {where}: {exc}") from exc
    return Catalog(tuple(matters))


@functools.cache
def load_catalog() -> Catalog:
    """The shipped national catalog (read and validated once per process)."""
    return build_catalog(read_data_file("catalog.toml"), "sim/data/catalog.toml")
