"""``tongban serve``: migrate the database, resume interrupted runs, then start uvicorn."""

from __future__ import annotations

import os

import typer

from tongban.kernel.errors import InputError


def serve_command(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    workers: int = typer.Option(1, "--workers", help="Web worker processes."),
    access_log: bool = typer.Option(False, "--access-log", help="Log every request."),
) -> None:
    """Start the HTTP API (SQLite file by default; DATABASE_URL for PostgreSQL)."""
    if not 0 < port < 65536:
        raise InputError(f"--port must be 1-65535 (got {port})", field="port")
    if workers < 1:
        raise InputError(f"--workers must be >= 1 (got {workers})", field="workers")
    import uvicorn

    from api.db import make_engine, migrate
    from api.settings import get_settings
    from api.workers import DIE_WITH_PARENT, resume_interrupted

    settings = get_settings()
    engine = make_engine(settings.url)
    migrate(engine)
    resumed = resume_interrupted(engine)
    engine.dispose()
    if workers > 1:  # uvicorn's worker processes: none outlives a killed server
        os.environ[DIE_WITH_PARENT] = "1"
    if resumed:
        typer.echo(f"resuming {resumed} interrupted runs/jobs", err=True)
    uvicorn.run(
        "api.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        access_log=access_log,
    )


def register(app: typer.Typer) -> None:
    """Add ``serve`` to the root app."""
    app.command("serve")(serve_command)
