"""``GET /matters`` (filters as ``tongban catalog``) and ``GET /matters/{id}``."""

from __future__ import annotations

import functools
import json
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Response

from api.deps import Reader
from api.models.common import problem_responses
from api.models.matters import Locality, MatterPublic
from sim.catalog import load_catalog, load_overlay

router = APIRouter(prefix="/matters", tags=["matters"], responses=problem_responses(401, 403, 422))


@functools.cache
def _rows(locality: str, batch: int | None, mode: str | None) -> tuple[dict[str, Any], ...]:
    source: Any = load_catalog() if locality == "national" else load_overlay(locality)
    return tuple(m.to_dict() for m in source.filter(batch=batch, mode=mode))


@functools.cache
def _rendered(locality: str, batch: int | None, mode: str | None) -> bytes:
    rows = list(_rows(locality, batch, mode))
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@router.get("", response_model=list[MatterPublic])
async def list_matters(
    _key: Reader,
    locality: Locality = "national",
    batch: int | None = Query(
        None, ge=1, le=3, description="The batch (local plan's with a locality)"
    ),
    mode: str | None = Query(None, pattern="^(online|proxy|joint)$"),
) -> Response:
    """The national list or a local plan's matters, filtered like ``tongban catalog``."""
    return Response(_rendered(locality, batch, mode), media_type="application/json")


@router.get("/{matter_id}", response_model=MatterPublic, responses=problem_responses(404))
def get_matter(_key: Reader, matter_id: str, locality: Locality = "national") -> dict[str, Any]:
    """One matter by id (``1-05``)."""
    for row in _rows(locality, None, None):
        if row["id"] == matter_id:
            return row
    raise HTTPException(404, f"matter {matter_id!r} is not in the {locality} list")
