"""Settings: ``TONGBAN_*`` variables; ``DATABASE_URL`` selects the database (default SQLite)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from api.settings import Settings


def test_default_is_a_sqlite_file_in_the_data_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("TONGBAN_DATABASE_URL", raising=False)
    monkeypatch.setenv("TONGBAN_DATA_DIR", str(tmp_path))
    assert Settings().url == f"sqlite:///{tmp_path.resolve() / 'tongban.db'}"


def test_database_url_and_limits_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u@127.0.0.1/db")
    monkeypatch.setenv("TONGBAN_MAX_REPLICATIONS", "7")
    settings = Settings()
    assert settings.url == "postgresql+psycopg://u@127.0.0.1/db"
    assert settings.max_replications == 7
    monkeypatch.setenv("TONGBAN_MAX_BODY_BYTES", "10")
    with pytest.raises(ValidationError, match="max_body_bytes"):
        Settings()
