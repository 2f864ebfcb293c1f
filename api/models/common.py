"""Column types and response models shared by every resource."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """Now, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware timestamp on every backend (SQLite keeps no zone: stored as UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class ProblemItem(BaseModel):
    """One problem with the request: where (``loc``), what (``msg``), and its kind."""

    loc: list[str | int]
    msg: str
    type: str


class Problem(BaseModel):
    """Every error response: a one-line ``detail`` and, for bad input, the problems found."""

    detail: str
    errors: list[ProblemItem] = []


def problem_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for error codes, all with the :class:`Problem` body."""
    described = {
        400: "Malformed request",
        401: "No or unknown API key",
        403: "The key's role may not do this",
        404: "Not found",
        409: "Conflicts with the resource's state",
        413: "Request body too large",
        415: "Unsupported media type",
        422: "Invalid input: what and where",
        429: "Too many active jobs for this key (see Retry-After)",
    }
    return {code: {"model": Problem, "description": described[code]} for code in codes}


def accepted_response(what: str) -> dict[int | str, dict[str, Any]]:
    """The documented 202 of a submission: ``Location`` of the new resource, ``Retry-After``."""
    return {
        202: {
            "description": f"Accepted: the {what} is queued",
            "headers": {
                "Location": {"description": f"The {what}'s URL", "schema": {"type": "string"}},
                "Retry-After": {
                    "description": "Seconds before asking for its status",
                    "schema": {"type": "integer"},
                },
            },
        }
    }
