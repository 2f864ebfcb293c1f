"""Clock times: one parser and one formatter for every layer."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongban.kernel.clock import format_clock, parse_clock
from tongban.kernel.errors import InputError


@given(st.integers(0, 24 * 60))
def test_format_then_parse_round_trips_whole_minutes(minutes: int) -> None:
    assert parse_clock(format_clock(minutes)) == minutes


def test_format_rounds_to_the_nearest_minute() -> None:
    assert format_clock(16 * 60 + 32.6) == "16:33"
    assert format_clock(16 * 60 + 32.4) == "16:32"
    assert format_clock(0) == "00:00" and format_clock(1440) == "24:00"


@pytest.mark.parametrize("text", ["24:30", "25:00", "12:60", "-1:00", "ab:cd", "9h"])
def test_bad_times_are_rejected(text: str) -> None:
    with pytest.raises(ValueError, match="HH:MM"):
        parse_clock(text)


@pytest.mark.parametrize("text", ["０９:００", "09:0０", "٠٩:٠٠", " 09:00", "09:00 ", "9", "09:5"])
def test_only_ascii_hh_mm_is_a_time(text: str) -> None:
    with pytest.raises(InputError, match="HH:MM"):
        parse_clock(text)
