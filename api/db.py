"""The database: one engine per URL, sessions, and Alembic migrations to the newest schema.

SQLite (the default, a file in the data directory) runs in WAL mode with a busy timeout so
the web process and the worker processes can write concurrently; PostgreSQL needs nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str, connect_args: dict[str, Any] | None = None) -> Engine:
    """An engine for ``url``; a SQLite file's folder is created if missing."""
    parsed = make_url(url)
    args = dict(connect_args or {})
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        args.setdefault("check_same_thread", False)
        args.setdefault("timeout", 30)
        engine = create_engine(url, connect_args=args)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, connect_args=args, pool_pre_ping=True, pool_size=10)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that is closed on exit (commit explicitly)."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()


def migrate(engine: Engine) -> None:
    """Bring the database to the newest schema (Alembic ``upgrade head``)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
