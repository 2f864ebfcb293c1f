"""Numeric command-line options parsed and range-checked in one place.

A :class:`NumberIn` is an option parser (``typer.Option(parser=...)``): ``--seconds inf``
or ``--iterations 1e20`` ends as one usage line naming the option, the value and the
allowed range (exit code 2), never a solver that runs for ever or a traceback from deep
inside. Upper bounds may name a
:class:`~tongban.kernel.limits.Limits` setting, read when the option is parsed.
"""

from __future__ import annotations

import math
from typing import Any

import typer

from tongban.kernel.limits import MAX_SEED, limits

SEED_MAX = MAX_SEED
STAFF_REPLICATIONS_MAX = 1_000_000
SERVICE_CV_MAX = 100.0
SERVICE_MEAN_MAX_MINUTES = 1440.0  # a service longer than a day is not a counter service


class NumberIn:
    """A whole or real number within ``low``..``high`` (``high`` may be a limits setting)."""

    def __init__(
        self,
        *,
        whole: bool,
        low: float,
        high: float | str,
        low_open: bool = False,
    ) -> None:
        self.whole = whole
        self.low = low
        self.high = high
        self.low_open = low_open

    def _upper(self) -> tuple[float, str]:
        if isinstance(self.high, str):
            return float(getattr(limits(), self.high)), f" (TONGBAN_LIMIT_{self.high.upper()})"
        return float(self.high), ""

    def describe(self) -> str:
        """The allowed range in words, e.g. ``a whole number in 0..2147483647``."""
        high, setting = self._upper()
        if self.whole:
            return f"a whole number in {self.low:g}..{high:.0f}{setting}"
        low = f"> {self.low:g}" if self.low_open else f"≥ {self.low:g}"
        return f"a number {low} and ≤ {high:g}{setting}"

    def __call__(self, value: object) -> int | float:
        """The number, or a :class:`click.BadParameter` naming the value and the range."""
        text = str(value).strip()
        number: float
        try:
            number = int(text) if self.whole else float(text)
        except ValueError:
            raise ValueError(f"{text!r} is not {self.describe()}") from None
        high, _ = self._upper()
        above_low = number > self.low if self.low_open else number >= self.low
        if not (math.isfinite(number) and above_low and number <= high):
            raise ValueError(f"{text!r} is not {self.describe()}")
        return number


def seed_type() -> NumberIn:
    """A solver or simulation seed."""
    return NumberIn(whole=True, low=0, high=SEED_MAX)


def replications_option() -> Any:
    """``--replications/-r`` of the commands that simulate (default: the scenario's)."""
    return typer.Option(
        None,
        "--replications",
        "-r",
        parser=NumberIn(whole=True, low=1, high="replications"),
        help="Replications.",
    )


def run_seed_option() -> Any:
    """``--seed/-s`` of the commands that simulate (default: the scenario's)."""
    return typer.Option(
        None, "--seed", "-s", parser=seed_type(), help="Root seed (default: scenario's)."
    )


def solver_seconds_type() -> NumberIn:
    """A solver time limit in seconds."""
    return NumberIn(whole=False, low=0, high="solver_seconds", low_open=True)


def solver_iterations_type() -> NumberIn:
    """A solver iteration limit."""
    return NumberIn(whole=True, low=1, high="solver_iterations")
