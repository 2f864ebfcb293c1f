"""Service settings from the environment (prefix ``TONGBAN_``), pydantic-settings style.

``DATABASE_URL`` (also read without the prefix, as deployments name it) selects the
database; the default is a SQLite file in the data directory, so nothing has to be started.
Every limit the service enforces lives here.
"""

from __future__ import annotations

import functools
from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

MIB = 1024 * 1024


class Settings(BaseSettings):
    """What the service reads from ``TONGBAN_*`` environment variables."""

    model_config = SettingsConfigDict(env_prefix="TONGBAN_", extra="ignore")

    data_dir: Path = Path("data")
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("TONGBAN_DATABASE_URL", "DATABASE_URL")
    )
    max_body_bytes: int = Field(default=MIB, ge=1024)
    max_replications: int = Field(default=50, ge=1)
    max_horizon_days: int = Field(default=730, ge=1)
    max_routing_stops: int = Field(default=500, ge=1)
    max_routing_seconds: float = Field(default=60.0, gt=0)
    max_staffing_hours: int = Field(default=24, ge=1)
    max_staffing_replications: int = Field(default=4000, ge=10)
    max_staffing_arrivals: float = Field(default=5000.0, gt=0)  # per day (sum of hourly rates)
    max_sweep_points: int = Field(default=100, ge=1)  # points of one sweep's product
    max_active_runs_per_key: int = Field(default=2, ge=1)  # runs and sweeps together
    retry_after_seconds: int = Field(default=5, ge=1)
    job_workers: int = Field(default=2, ge=1, le=16)
    dispatch: bool = True  # run queued work in this process's worker pool
    poll_seconds: float = Field(default=0.5, gt=0)
    route_iterations: int = Field(default=500, ge=1)
    key_cache_seconds: float = Field(default=2.0, ge=0.0, le=60.0)
    result_cache_entries: int = Field(default=256, ge=0)

    @property
    def url(self) -> str:
        """The SQLAlchemy URL: ``DATABASE_URL`` or ``sqlite:///<data_dir>/tongban.db``."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'tongban.db').resolve()}"


@functools.cache
def get_settings() -> Settings:
    """The process's settings (read once)."""
    return Settings()
