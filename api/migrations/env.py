"""Alembic environment: the connection comes from :func:`api.db.migrate` (or the URL)."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import api.models  # noqa: F401  (registers the tables)
from api.db import make_engine
from api.settings import get_settings

target_metadata = SQLModel.metadata


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        engine = make_engine(get_settings().url)
        with engine.begin() as own:
            context.configure(connection=own, target_metadata=target_metadata)
            with context.begin_transaction():
                context.run_migrations()
        return
    context.configure(connection=connection, target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
