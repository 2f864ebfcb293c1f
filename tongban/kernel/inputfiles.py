"""Reading user files within the limits: size before decoding, nesting depth after parsing.

Shared by every loader (scenario TOML, halls GeoJSON/CSV, routing instances) so that a
16 GiB file or a document nested 100,000 levels deep ends as one
:class:`~tongban.kernel.errors.InputError` line, never a ``MemoryError`` or ``RecursionError``.
"""

from __future__ import annotations

from pathlib import Path

from tongban.kernel.errors import InputError
from tongban.kernel.limits import limits


def read_text_bounded(path: Path, what: str) -> str:
    """A UTF-8 text file no larger than ``TONGBAN_LIMIT_FILE_BYTES`` (a BOM is accepted)."""
    limit = limits().file_bytes
    try:
        with path.open("rb") as handle:
            raw = handle.read(limit + 1)
    except FileNotFoundError:
        raise InputError(f"{what} {path}: file does not exist", field=what) from None
    except OSError as exc:
        raise InputError(f"{what} {path}: cannot be read ({exc.strerror})", field=what) from None
    if len(raw) > limit:
        raise InputError(
            f"{what} {path}: larger than the limit {limit} bytes (TONGBAN_LIMIT_FILE_BYTES)",
            field=what,
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{what} {path}: not a UTF-8 text file ({exc.reason} at byte {exc.start})",
            field=what,
        ) from None


def nesting_depth(data: object) -> int:
    """How deeply dicts and lists nest in decoded TOML/JSON (iterative: no recursion)."""
    deepest = 0
    stack: list[tuple[object, int]] = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: list[object] = list(node.values())
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in children)
    return deepest


def too_deep(what: str, depth: int | None = None) -> InputError:
    """The error for a document nested beyond ``TONGBAN_LIMIT_NESTING_DEPTH``."""
    limit = limits().nesting_depth
    found = f"nested {depth} levels deep" if depth is not None else "nested far too deeply"
    return InputError(
        f"{what}: {found}; the limit is {limit} (TONGBAN_LIMIT_NESTING_DEPTH)", field=what
    )


def check_nesting(data: object, what: str) -> None:
    """Raise :class:`InputError` when ``data`` nests deeper than the limit."""
    depth = nesting_depth(data)
    if depth > limits().nesting_depth:
        raise too_deep(what, depth)
