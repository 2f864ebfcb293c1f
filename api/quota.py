"""How much work a key has queued or running: its runs and sweeps together.

``max_active_runs_per_key`` bounds this count; a submission beyond it is a 429 with
``Retry-After``.
"""

from __future__ import annotations

from fastapi import HTTPException
from sqlalchemy import func
from sqlmodel import Session, col, select

from api.models.runs import ACTIVE, RunRecord
from api.models.sweeps import SweepRecord
from api.settings import Settings


def active_work(session: Session, key_id: int) -> int:
    """Queued or running runs and sweeps owned by the key."""
    total = 0
    for model in (RunRecord, SweepRecord):
        total += session.exec(
            select(func.count())
            .select_from(model)
            .where(col(model.owner_key_id) == key_id, col(model.status).in_(ACTIVE))
        ).one()
    return total


def check_quota(session: Session, key_id: int, settings: Settings) -> None:
    """429 when the key already has as much active work as it may."""
    active = active_work(session, key_id)
    if active >= settings.max_active_runs_per_key:
        raise HTTPException(
            429,
            f"this key already has {active} queued or running runs and sweeps (limit "
            f"{settings.max_active_runs_per_key}); retry when one finishes",
            headers={"Retry-After": str(settings.retry_after_seconds)},
        )
