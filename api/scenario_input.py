"""A scenario from a request body: JSON (the TOML file's keys) or TOML, validated fully.

Validation is the library's: the pydantic schema (:mod:`sim.scenarios.schema`, unknown keys
rejected with their path, messages as :func:`sim.scenarios.loader.format_validation_error`
writes them) and the cross-reference checks of :func:`sim.compile.compile_scenario`; then
the service's limits (horizon days, replications).
"""

from __future__ import annotations

import json
import tomllib
from typing import Any

from fastapi import HTTPException, Request
from pydantic_core import to_jsonable_python

from api.errors import validation_items
from api.settings import Settings
from sim.compile import compile_scenario
from sim.scenarios.loader import ScenarioSchemaError, parse_scenario
from sim.scenarios.schema import Scenario
from tongban.kernel.inputfiles import check_nesting

TOML_TYPES = ("application/toml", "text/toml", "application/x-toml", "text/x-toml")

#: The request body as OpenAPI documents it (the schema itself is ``sim.scenarios.schema``).
SCENARIO_BODY_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "The scenario: the TOML file's keys as JSON, or the TOML file itself.",
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/ScenarioBody"}},
            "application/toml": {"schema": {"type": "string"}},
        },
    }
}


def scenario_schemas() -> dict[str, Any]:
    """OpenAPI components for the scenario body: ``ScenarioBody`` and its parts."""
    prefix = "ScenarioBody_"
    schema = Scenario.model_json_schema(
        by_alias=True, ref_template=f"#/components/schemas/{prefix}{{model}}"
    )
    parts = schema.pop("$defs", {})
    return {"ScenarioBody": schema} | {f"{prefix}{name}": part for name, part in parts.items()}


class ScenarioInvalid(HTTPException):
    """422 with the problems' paths (rendered by the service's handlers)."""

    def __init__(self, detail: str, errors: list[dict[str, Any]]) -> None:
        super().__init__(422, detail)
        self.errors = errors


def decode_body(raw: bytes, content_type: str) -> dict[str, Any]:
    """Bytes → mapping, by content type (415 for others; 400 for malformed text)."""
    kind = content_type.split(";")[0].strip().lower()
    try:
        text = raw.decode("utf-8-sig")  # a BOM is accepted, as in scenario files
    except UnicodeDecodeError:
        raise HTTPException(400, "body is not UTF-8 text") from None
    if kind in TOML_TYPES:
        try:
            data: Any = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise HTTPException(400, f"body is not valid TOML: {exc}") from None
        except RecursionError:
            raise HTTPException(400, "body is nested too deeply") from None
    elif kind in ("application/json", "") or kind.endswith("+json"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise HTTPException(
                400, f"body is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
            ) from None
        except RecursionError:
            raise HTTPException(400, "body is nested too deeply") from None
    else:
        raise HTTPException(
            415, f"content type {kind!r} not accepted; send application/json or application/toml"
        )
    if not isinstance(data, dict):
        raise ScenarioInvalid(
            "the scenario must be an object (a mapping of the TOML file's keys)",
            [{"loc": ["body"], "msg": "expected an object", "type": "type_error"}],
        )
    return data


def validate_scenario(data: dict[str, Any], settings: Settings) -> tuple[Scenario, dict[str, Any]]:
    """A valid scenario and its JSON form to store (422 naming the field otherwise).

    The checks are the loader's (:func:`sim.scenarios.loader.parse_scenario`: nesting depth,
    strict types, the input budget), on the JSON form, so a stored body parses the same way
    in the worker; then the cross-references (compile) and the service's own limits.
    """
    try:
        check_nesting(data, "scenario body")  # before the JSON conversion recurses into it
        body: dict[str, Any] = to_jsonable_python(data)
        try:
            scenario = parse_scenario(body, "body")
        except ScenarioSchemaError as exc:
            raise ScenarioInvalid(str(exc), validation_items(exc.errors, ("body",))) from None
        compile_scenario(scenario)
    except ValueError as exc:  # InputError, or a value the schema let through (bad HH:MM, …)
        field = getattr(exc, "field", None) or "scenario"
        item = {"loc": ["body", *field.split(".")], "msg": str(exc), "type": "input_error"}
        text = str(exc)
        detail = text if text.startswith("invalid scenario") else f"invalid scenario body: {text}"
        raise ScenarioInvalid(detail, [item]) from None
    limits = (
        ("days", scenario.days, settings.max_horizon_days),
        ("replications", scenario.replications, settings.max_replications),
    )
    for field, value, limit in limits:
        if value > limit:
            message = f"{field} must be at most {limit} on this service (got {value})"
            raise ScenarioInvalid(
                message, [{"loc": ["body", field], "msg": message, "type": "limit"}]
            )
    return scenario, body


async def read_scenario(request: Request, settings: Settings) -> tuple[Scenario, dict[str, Any]]:
    """Read, decode and validate the scenario in ``request``'s body."""
    raw = await request.body()
    data = decode_body(raw, request.headers.get("content-type", ""))
    return validate_scenario(data, settings)
