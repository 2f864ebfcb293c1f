"""Matters of the national catalog or a local plan, as ``tongban catalog --json`` prints them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Locality = Literal["national", "tianjin", "qijiang", "haicang", "chizhou"]


class MatterPublic(BaseModel):
    """The catalog's fields; a local plan adds ``local_*`` fields."""

    model_config = ConfigDict(extra="allow")

    id: str
    batch: int
    seq: int
    name: str
    scenario: str
    lead: str
    cooperating: list[str]
    deadline: str | None
    category: str
    modes: list[str]
    default_mode: str
    mode_basis: str
    originals_by_post: bool
    result_delivery: str
    handling_level: str
    limit_working_days: int
    limit_basis: str
    local_lead: str | None = None
    local_unit: str | None = None
    local_batch: int | None = None
    local_form: str | None = None
