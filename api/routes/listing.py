"""The list endpoints' query: newest first, heavy columns deferred, optionally one scenario's."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from sqlalchemy.orm import defer
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from api.models.runs import RunRecord
from api.models.sweeps import SweepRecord

LIST_LIMIT = 200  # rows a list returns at most
Listed = TypeVar("Listed", RunRecord, SweepRecord)


def newest_first(
    model: type[Listed], skips: Sequence[str], scenario_id: int | None
) -> SelectOfScalar[Listed]:
    """Rows of ``model`` newest first; ``skips``: columns a list does not show (not read, and
    never loaded one row at a time: touching one raises)."""
    query = (
        select(model)
        .options(*(defer(getattr(model, name), raiseload=True) for name in skips))
        .order_by(col(model.id).desc())
    )
    if scenario_id is not None:
        query = query.where(col(model.scenario_id) == scenario_id)
    return query.limit(LIST_LIMIT)
