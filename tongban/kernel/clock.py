"""Clock times of day as minutes after midnight, the one format every layer reads and writes."""

from __future__ import annotations


def parse_clock(text: str) -> float:
    """``"HH:MM"`` → minutes after midnight (``"24:00"`` allowed)."""
    hours_text, _, minutes_text = text.partition(":")
    try:
        hours, minutes = int(hours_text), int(minutes_text or 0)
    except ValueError:
        raise ValueError(f"time {text!r} is not HH:MM between 00:00 and 24:00") from None
    if not (0 <= hours <= 24 and 0 <= minutes < 60) or (hours == 24 and minutes):
        raise ValueError(f"time {text!r} is not HH:MM between 00:00 and 24:00")
    return hours * 60.0 + minutes


def format_clock(minutes: float) -> str:
    """Minutes after midnight → ``"HH:MM"``, rounded to the nearest minute."""
    total = round(minutes)
    return f"{total // 60:02d}:{total % 60:02d}"
