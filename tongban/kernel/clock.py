"""Clock times of day as minutes after midnight, the one format every layer reads and writes."""

from __future__ import annotations

import re

from tongban.kernel.errors import InputError

# ASCII digits only: ``str.isdigit``/``int()`` would also take full-width "０９:００".
_CLOCK = re.compile(r"([0-9]{1,2}):([0-9]{2})", re.ASCII)


def parse_clock(text: str) -> float:
    """``"HH:MM"`` (ASCII digits) → minutes after midnight (``"24:00"`` allowed).

    Raises :class:`InputError` (a ``ValueError``) for anything else.
    """
    match = _CLOCK.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise InputError(
            f"time {text!r} is not HH:MM (ASCII digits) between 00:00 and 24:00", field="time"
        )
    hours, minutes = int(match.group(1)), int(match.group(2))
    if not (0 <= hours <= 24 and 0 <= minutes < 60) or (hours == 24 and minutes):
        raise InputError(f"time {text!r} is not HH:MM between 00:00 and 24:00", field="time")
    return hours * 60.0 + minutes


def format_clock(minutes: float) -> str:
    """Minutes after midnight → ``"HH:MM"``, rounded to the nearest minute."""
    total = round(minutes)
    return f"{total // 60:02d}:{total % 60:02d}"
