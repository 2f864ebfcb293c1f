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

import difflib
import functools
import tomllib
from collections import Counter
from collections.abc import Callable, Iterator
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from tongban.kernel.errors import InputError

if TYPE_CHECKING:
    from sim.overlays import LocalCatalog

Mode = Literal["online", "proxy", "joint"]
Category = Literal["personal", "enterprise"]
HandlingLevel = Literal["province", "prefecture", "county"]
ResultDelivery = Literal["post", "online"]

MODES: tuple[str, ...] = get_args(Mode)
CATEGORIES: tuple[str, ...] = get_args(Category)
HANDLING_LEVELS: tuple[str, ...] = get_args(HandlingLevel)
BATCHES: tuple[int, ...] = (1, 2, 3)

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


def parse_batch(value: int | str | None) -> int | None:
    """A batch number from user input (``None`` passes through)."""
    if value is None:
        return None
    text = str(value).strip()
    if not text.isdigit() or int(text) not in BATCHES:
        allowed = ", ".join(str(b) for b in BATCHES)
        raise InputError(f"batch must be one of {allowed} (got {value!r})", field="batch")
    return int(text)


def parse_choice(field: str, value: str | None, allowed: tuple[str, ...]) -> str | None:
    """A value from a closed set, from user input (``None`` passes through)."""
    if value is None:
        return None
    if value not in allowed:
        raise InputError(
            f"{field} must be one of {', '.join(allowed)} (got {value!r})", field=field
        )
    return value


class Catalog:
    """The 140 matters in source order: iterable, indexable by id, filterable."""

    __slots__ = ("_by_id", "_matters")

    def __init__(self, matters: tuple[Matter, ...]) -> None:
        by_id: dict[str, Matter] = {}
        for matter in matters:
            if matter.id in by_id:
                raise ValueError(f"matter id {matter.id} appears twice")
            by_id[matter.id] = matter
        self._matters = matters
        self._by_id = by_id

    def __iter__(self) -> Iterator[Matter]:
        return iter(self._matters)

    def __len__(self) -> int:
        return len(self._matters)

    def __contains__(self, matter_id: object) -> bool:
        return matter_id in self._by_id

    def __getitem__(self, matter_id: str) -> Matter:
        try:
            return self._by_id[matter_id]
        except KeyError:
            raise unknown_matter(matter_id, self._by_id) from None

    def __repr__(self) -> str:
        return f"Catalog({len(self)} matters)"

    @property
    def matters(self) -> tuple[Matter, ...]:
        """All matters, in source order."""
        return self._matters

    @property
    def ids(self) -> tuple[str, ...]:
        """All ids, in source order."""
        return tuple(self._by_id)

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
        return Catalog(tuple(m for m in self._matters if all(check(m) for check in checks)))

    def count_by(self, key: Callable[[Matter], object]) -> dict[object, int]:
        """How many matters share each value of ``key`` (in first-seen order)."""
        return dict(Counter(key(m) for m in self._matters))


def unknown_matter(matter_id: str, known: dict[str, Any]) -> InputError:
    """The error for an unknown matter id, naming the closest known ids."""
    close = difflib.get_close_matches(str(matter_id), list(known), n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return InputError(
        f"matter {matter_id!r} is not in the catalog (ids look like '1-05', "
        f"batch 1-3 and sequence){hint}",
        field="matter",
    )


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


def load_overlay(locality: str) -> LocalCatalog:
    """A locality's overlay (see :func:`sim.overlays.load_overlay`)."""
    from sim.overlays import load_overlay as load

    return load(locality)
