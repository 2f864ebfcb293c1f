"""The one id index of the catalog: matters in order, looked up by national id.

:class:`MatterIndex` holds the iteration, lookup, ids and counting that the national
:class:`~sim.catalog.national.Catalog` and a locality's
:class:`~sim.catalog.overlays.LocalCatalog` share; each adds its own filter. The parsers
here turn user input (a batch, a choice from a closed set) into values or an
:class:`~tongban.kernel.errors.InputError` naming the field and the allowed values.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Generic, Protocol, TypeVar

from tongban.kernel.errors import InputError

BATCHES: tuple[int, ...] = (1, 2, 3)


class HasMatterId(Protocol):
    """Anything listed under a national matter id (``"batch-seq"``)."""

    @property
    def id(self) -> str: ...


Item = TypeVar("Item", bound=HasMatterId)


class MatterIndex(Generic[Item]):
    """Items in a fixed order: iterable, indexable by matter id, countable."""

    __slots__ = ("_by_id", "_matters")

    def __init__(self, matters: tuple[Item, ...], *, where: str = "") -> None:
        by_id: dict[str, Item] = {}
        for matter in matters:
            if matter.id in by_id:
                raise ValueError(f"{where}matter id {matter.id} appears twice")
            by_id[matter.id] = matter
        self._matters = matters
        self._by_id = by_id

    def __iter__(self) -> Iterator[Item]:
        return iter(self._matters)

    def __len__(self) -> int:
        return len(self._matters)

    def __contains__(self, matter_id: object) -> bool:
        return matter_id in self._by_id

    def __getitem__(self, matter_id: str) -> Item:
        try:
            return self._by_id[matter_id]
        except KeyError:
            raise unknown_matter(matter_id, self._by_id) from None

    @property
    def matters(self) -> tuple[Item, ...]:
        """All items, in order."""
        return self._matters

    @property
    def ids(self) -> tuple[str, ...]:
        """All matter ids, in order."""
        return tuple(self._by_id)

    def count_by(self, key: Callable[[Item], object]) -> dict[object, int]:
        """How many items share each value of ``key`` (in first-seen order)."""
        return dict(Counter(key(m) for m in self._matters))

    def _matching(self, checks: list[Callable[[Item], bool]]) -> tuple[Item, ...]:
        """The items that pass every check, in order."""
        return tuple(m for m in self._matters if all(check(m) for check in checks))


def unknown_matter(matter_id: str, known: Iterable[str]) -> InputError:
    """The error for an unknown matter id, naming the closest known ids."""
    close = difflib.get_close_matches(str(matter_id), list(known), n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return InputError(
        f"matter {matter_id!r} is not in the catalog (ids look like '1-05', "
        f"batch 1-3 and sequence){hint}",
        field="matter",
    )


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
