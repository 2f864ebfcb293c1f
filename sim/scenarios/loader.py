"""Read a scenario (a path or a shipped name), validate it and explain what is wrong.

Errors become :class:`tongban.kernel.errors.InputError` whose message names the field path
(``windows.0.clerks``) and the allowed values or keys. Numbers are strict (``days = "3"`` is
an error, not 3); files are at most ``TONGBAN_LIMIT_FILE_BYTES`` and nested at most
``TONGBAN_LIMIT_NESTING_DEPTH`` levels; a UTF-8 byte-order mark is accepted (and ignored);
every scenario returned has passed :func:`sim.scenarios.budget.check_budget`.
"""

from __future__ import annotations

import tomllib
import typing
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from sim.scenarios.budget import check_budget
from sim.scenarios.national import expand as expand_national
from sim.scenarios.schema import Scenario
from tongban.kernel.errors import InputError
from tongban.kernel.inputfiles import check_nesting, read_text_bounded, too_deep

SCENARIO_PACKAGE = "sim.scenarios"


def shipped_names() -> list[str]:
    """Names of the scenarios shipped in :mod:`sim.scenarios`."""
    folder = resources.files(SCENARIO_PACKAGE)
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


def resolve_path(name_or_path: str) -> Path:
    """A scenario argument → a file: an existing path, or a shipped name like ``chizhou``."""
    candidate = Path(name_or_path)
    if candidate.is_file():
        return candidate
    if name_or_path in shipped_names():  # only shipped files, never ``../../x``
        return Path(str(resources.files(SCENARIO_PACKAGE) / f"{name_or_path}.toml"))
    raise InputError(
        f"scenario: no file or shipped scenario {name_or_path!r}; shipped: "
        + ", ".join(shipped_names()),
        field="scenario",
    )


def _model_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    """The pydantic model class that owns the last key of ``loc`` (for unknown-key hints)."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(str(part))
        if field is None:
            field = next((f for f in current.model_fields.values() if f.alias == str(part)), None)
        if field is None:
            return None
        current = _unwrap(field.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    """Reach the model class inside ``list[X]``, ``dict[str, X]``, ``X | None``."""
    for _ in range(4):
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return annotation
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if not args:
            return annotation
        annotation = args[-1]
    return annotation


def _allowed_keys(model: type[BaseModel]) -> str:
    return ", ".join(f.alias or name for name, f in model.model_fields.items())


def _is_branch_tag(part: int | str) -> bool:
    if isinstance(part, int):
        return False
    return "[" in part or "-" in part or part in {"int", "float", "str", "bool"}


def format_validation_error(exc: ValidationError, source: str) -> str:
    """One readable line per problem: ``path: message (allowed: …)``."""
    lines = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        # drop pydantic's union-branch tags ("constrained-float", "list[...]", "int")
        path = ".".join(str(p) for p in loc if not _is_branch_tag(p))
        message = error["msg"]
        if error["type"] == "extra_forbidden":
            owner = _model_at(Scenario, loc)
            allowed = f"; allowed keys: {_allowed_keys(owner)}" if owner else ""
            message = f"unknown key{allowed}"
        lines.append(f"{path or '(top level)'}: {message.removeprefix('Value error, ')}")
    return f"invalid scenario {source}: " + "; ".join(dict.fromkeys(lines))


class ScenarioSchemaError(InputError):
    """The schema rejected a scenario; ``errors`` are pydantic's, each with its location."""

    def __init__(self, message: str, errors: list[Any]) -> None:
        super().__init__(message, field="scenario")
        self.errors = errors


def parse_scenario(data: dict[str, Any], source: str = "<memory>") -> Scenario:
    """Validate a decoded TOML mapping into a :class:`Scenario` (strict types, limits).

    The one validation path for scenarios: files (:func:`load_scenario`) and the service's
    request bodies both come through here.
    """
    check_nesting(data, f"scenario {source}")
    if isinstance(data, dict) and "national" in data:  # generated halls and offices
        data = expand_national(data, source)
    try:
        scenario = Scenario.model_validate(data, strict=True)
    except ValidationError as exc:
        message = format_validation_error(exc, source)
        raise ScenarioSchemaError(message, list(exc.errors())) from None
    except RecursionError:
        raise too_deep(f"scenario {source}") from None
    try:
        return check_budget(scenario)
    except InputError as exc:
        raise InputError(f"invalid scenario {source}: {exc}", field=exc.field) from None


def load_scenario(name_or_path: str) -> Scenario:
    """Read and validate a scenario file (schema only; see :func:`sim.engine.compile`)."""
    path = resolve_path(name_or_path)
    return parse_scenario(load_data(name_or_path), str(path))


def load_data(name_or_path: str) -> dict[str, Any]:
    """A scenario file's decoded TOML, not yet validated (for overrides on top of it)."""
    path = resolve_path(name_or_path)
    text = read_text_bounded(path, "scenario")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"scenario {path}: not valid TOML: {exc}", field="scenario") from None
    except RecursionError:
        raise too_deep(f"scenario {path}") from None
    return data
