"""The FastAPI application: routers, error handlers, the body limit and the dispatcher.

``uvicorn --factory api.main:create_app`` (what ``tongban serve`` starts) builds it from the
environment's :class:`~api.settings.Settings`; tests call :func:`create_app` with their own.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from api.db import make_engine
from api.errors import BodyLimit, install_handlers
from api.result_cache import ResultCache
from api.routes import (
    health,
    keys,
    matters,
    page,
    routing_jobs,
    runs,
    scenarios,
    staffing,
    sweeps,
)
from api.scenario_input import scenario_schemas
from api.security import KeyCache
from api.settings import Settings, get_settings
from api.workers import DIE_WITH_PARENT, Dispatcher, die_with_parent
from tongban import __version__

DESCRIPTION = """Scenarios, runs, staffing and EMS pickup routing for 跨省通办 services.

Send your key in `X-API-Key`. Roles: **analyst** reads; **planner** also writes scenarios,
starts runs, sweeps and routing jobs, and asks for staffing plans; **admin** also manages keys.
Errors are `{"detail": "...", "errors": [{"loc": [...], "msg": "...", "type": "..."}]}`.
"""


BODY_ERRORS = {
    "400": "Malformed body (not JSON/TOML, not UTF-8, nested too deeply)",
    "413": "Request body too large",
}


def document_body_errors(document: dict[str, Any]) -> None:
    """Every operation that takes a body may answer 400 or 413 with a Problem."""
    problem = {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict) and "requestBody" in operation:
                for code, description in BODY_ERRORS.items():
                    operation["responses"].setdefault(
                        code, {"description": description, "content": problem}
                    )


def create_app(settings: Settings | None = None) -> FastAPI:
    """The service for ``settings`` (default: from the environment)."""
    settings = settings or get_settings()
    engine = make_engine(settings.url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if os.environ.get(DIE_WITH_PARENT) == "1":  # a uvicorn worker of `serve --workers N`
            die_with_parent()
        dispatcher = None
        if settings.dispatch:
            dispatcher = Dispatcher(engine, settings.url, settings)
            dispatcher.start()
            app.state.dispatcher = dispatcher
        try:
            yield
        finally:
            if dispatcher is not None:
                dispatcher.stop()
            engine.dispose()

    app = FastAPI(title="tongban", version=__version__, description=DESCRIPTION, lifespan=lifespan)
    app.state.settings = settings
    app.state.engine = engine
    app.state.dispatcher = None
    app.state.key_cache = KeyCache(settings.key_cache_seconds)
    app.state.result_cache = ResultCache(settings.result_cache_entries)
    install_handlers(app)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    for module in (health, matters, scenarios, runs, sweeps, staffing, routing_jobs, keys, page):
        app.include_router(module.router)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes
            )
            document.setdefault("components", {}).setdefault("schemas", {}).update(
                scenario_schemas()
            )
            document_body_errors(document)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app
