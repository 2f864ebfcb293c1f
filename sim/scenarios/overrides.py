"""Settings on top of a scenario file: ``windows.W1.clerks=3`` (the sweep's ``--set``).

A path walks the scenario's TOML tables by key; a list (``windows``, ``offices``,
``demand``, …) is entered by an element's ``id``, else by its ``window`` when that names
one element, else by a whole-number index. A value is read as a TOML value (``3``, ``2.5``,
``true``, ``"auto"``, ``[1, 2]``); a bare word is a string. The changed mapping goes through
the scenario schema again (:func:`sim.scenarios.loader.parse_scenario`), so a value out of
range is refused with the schema's own words and the allowed range.
"""

from __future__ import annotations

import copy
import tomllib
from dataclasses import dataclass
from typing import Any

from tongban.kernel.errors import InputError

MAX_VALUES = 1000  # values per swept setting


@dataclass(frozen=True)
class Setting:
    """A path and the values it takes (one value: a fixed override)."""

    path: str
    values: tuple[Any, ...]


def parse_value(text: str) -> Any:
    """A TOML value (``3``, ``2.5``, ``true``, ``"x"``, ``[1, 2]``); a bare word is a string."""
    try:
        return tomllib.loads(f"v = {text.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        return text.strip()


def _split_values(text: str) -> list[str]:
    """Split ``3,4,5`` at top-level commas (commas inside ``[...]`` or quotes stay)."""
    parts, depth, quote, current = [], 0, "", ""
    for char in text:
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(current)
            current = ""
            continue
        current += char
    parts.append(current)
    return parts


def parse_setting(text: str) -> Setting:
    """``path=v1,v2,…`` → a :class:`Setting` (errors name the setting and the form)."""
    path, sep, raw = text.partition("=")
    path = path.strip()
    if not sep or not path or not raw.strip():
        raise InputError(
            f"--set {text!r}: expected PATH=VALUE[,VALUE…], e.g. windows.W1.clerks=3,4,5",
            field="set",
        )
    values = tuple(parse_value(v) for v in _split_values(raw) if v.strip())
    if not 1 <= len(values) <= MAX_VALUES:
        raise InputError(
            f"--set {path}: 1..{MAX_VALUES} values allowed (got {len(values)})", field="set"
        )
    return Setting(path, values)


def _list_index(items: list[Any], part: str, where: str) -> int:
    """The element of a scenario list named by ``part`` (its id, its window, or an index)."""
    for key in ("id", "window"):
        hits = [
            i for i, item in enumerate(items) if isinstance(item, dict) and item.get(key) == part
        ]
        if len(hits) == 1:
            return hits[0]
    if part.isdigit() and int(part) < len(items):
        return int(part)
    ids = [str(item.get("id")) for item in items if isinstance(item, dict) and "id" in item]
    named = f"ids: {', '.join(ids)}; " if ids else ""
    raise InputError(
        f"--set {where}: no element {part!r} ({named}or an index 0..{len(items) - 1})",
        field="set",
    )


def apply_setting(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy of ``data`` with ``value`` at ``path`` (the last key may be new)."""
    result = copy.deepcopy(data)
    parts = path.split(".")
    node: Any = result
    for depth, part in enumerate(parts[:-1]):
        where = ".".join(parts[: depth + 1])
        if isinstance(node, list):
            node = node[_list_index(node, part, where)]
        elif isinstance(node, dict):
            node = node.setdefault(part, {}) if part not in node else node[part]
        else:
            raise InputError(f"--set {path}: {where} is a value, not a table", field="set")
    last = parts[-1]
    if isinstance(node, list):
        node[_list_index(node, last, path)] = value
    elif isinstance(node, dict):
        node[last] = value
    else:
        raise InputError(
            f"--set {path}: {'.'.join(parts[:-1])} is a value, not a table", field="set"
        )
    return result
