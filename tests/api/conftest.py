"""Fixtures for the API tests: a database per test (SQLite file, or a fresh PostgreSQL schema
when ``TONGBAN_TEST_POSTGRES_URL`` is set), migrated, with one key per role, and a client."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from api.main import create_app
from api.settings import Settings
from tests.api.service import POSTGRES_ENV, Service, prepare_database, with_search_path


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database for one test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'api.db'}"
        return
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(f"PostgreSQL tests need {POSTGRES_ENV} (CI sets it; .ci/run exports it)")
    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield with_search_path(base, schema)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


ServiceFactory = Callable[..., Service]


@pytest.fixture
def make_service(database_url: str, tmp_path: Path) -> Iterator[ServiceFactory]:
    """Build the service on this test's database (``dispatch=True`` runs worker processes)."""
    opened: list[TestClient] = []
    keys = prepare_database(database_url)

    def build(**overrides: Any) -> Service:
        options: dict[str, Any] = {"dispatch": False, "poll_seconds": 0.2, "job_workers": 1}
        options.update(overrides)
        settings = Settings(database_url=database_url, data_dir=tmp_path, **options)
        client = TestClient(create_app(settings), raise_server_exceptions=False)
        client.__enter__()
        opened.append(client)
        return Service(client=client, keys=keys, url=database_url, settings=settings)

    yield build
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture
def service(make_service: ServiceFactory) -> Service:
    """The service without workers (nothing queued is executed)."""
    return make_service()
