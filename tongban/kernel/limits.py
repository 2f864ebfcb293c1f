"""Size and range limits on user input, in one place, with documented defaults.

Every boundary (scenario loader, instance readers, halls loader, CLI options) checks its
input against :func:`limits` before anything large is allocated, and refuses beyond a
limit with an :class:`~tongban.kernel.errors.InputError` naming the field, the value and
the limit. Each limit can be raised (or lowered) for a deployment through an environment
variable ``TONGBAN_LIMIT_<NAME>`` (e.g. ``TONGBAN_LIMIT_HORIZON_DAYS=7320``).

Defaults (why):

* ``horizon_days`` 3,660 — ten years of simulated days per run (and ``drain_days``).
* ``replications`` 1,000 — beyond this the confidence interval hardly narrows.
* ``per_hour`` 10,000 and ``per_day`` 100,000 arrivals per demand entry, ``inbound_per_day``
  100,000 — a whole province's hall sees a few thousand a day.
* ``expected_cases`` 20,000,000 — applicants over all days and replications of one run
  (estimated from the scenario before compiling; a case costs about 1 KB of memory).
* ``max_visits`` 20, ``max_supplements`` 20 — visits or supplement requests per case.
* ``duration_value`` 1,000,000 — any distribution parameter (minutes, hours or days).
* ``clerks`` 10,000 per window or office at any hour.
* ``customers`` 10,000 and ``vehicles`` 10,000 in a routing instance (a matrix of
  10,001² int64 is 800 MB); ``coordinate`` 10,000,000 in absolute value, so that scaled
  integer distances and route sums stay far inside int64.
* ``nesting_depth`` 64 for TOML/GeoJSON documents, ``file_bytes`` 16 MiB per input file.
* ``solver_seconds`` 86,400 and ``solver_iterations`` 100,000,000 per solve.
* ``multiplier`` 1,000,000 — seasonality factors, matter weights, hourly profile values.
* ``year_min``/``year_max`` 1900–2199 for calendar dates (start date to end of drain).
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from tongban.kernel.errors import InputError

# Largest seed anywhere (scenario files, CLI, API): OR-Tools and PyVRP take a 32-bit seed.
MAX_SEED = 2**31 - 1


class Limits(BaseSettings):
    """Upper bounds on user input; override with ``TONGBAN_LIMIT_<NAME>`` variables."""

    model_config = SettingsConfigDict(env_prefix="TONGBAN_LIMIT_", frozen=True, extra="ignore")

    horizon_days: int = Field(default=3_660, gt=0)
    replications: int = Field(default=1_000, gt=0)
    per_hour: float = Field(default=10_000.0, gt=0)
    per_day: float = Field(default=100_000.0, gt=0)
    inbound_per_day: float = Field(default=100_000.0, gt=0)
    expected_cases: float = Field(default=20_000_000.0, gt=0)
    max_visits: int = Field(default=20, gt=0)
    max_supplements: int = Field(default=20, ge=0)
    duration_value: float = Field(default=1_000_000.0, gt=0)
    clerks: int = Field(default=10_000, gt=0)
    customers: int = Field(default=10_000, gt=0)
    vehicles: int = Field(default=10_000, gt=0)
    coordinate: float = Field(default=10_000_000.0, gt=0)
    nesting_depth: int = Field(default=64, gt=0)
    file_bytes: int = Field(default=16 * 1024 * 1024, gt=0)
    solver_seconds: float = Field(default=86_400.0, gt=0)
    solver_iterations: int = Field(default=100_000_000, gt=0)
    multiplier: float = Field(default=1_000_000.0, gt=0)
    year_min: int = Field(default=1900, ge=1)
    year_max: int = Field(default=2199, le=9000)


@lru_cache(maxsize=1)
def limits() -> Limits:
    """The limits in force (read once from the environment)."""
    return Limits()


def check_at_most(field: str, value: float, setting: str, unit: str = "") -> None:
    """Raise :class:`InputError` unless ``value`` is a number no larger than limit ``setting``.

    ``setting`` is a :class:`Limits` field name; the message names the field, the value,
    the limit and the environment variable that changes it.
    """
    limit = getattr(limits(), setting)
    if not value <= limit:  # also catches NaN
        suffix = f" {unit}" if unit else ""
        raise InputError(
            f"{field} = {value:g}{suffix} is above the limit {limit:g}{suffix} "
            f"(TONGBAN_LIMIT_{setting.upper()})",
            field=field,
        )
