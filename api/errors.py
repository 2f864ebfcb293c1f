"""Error responses: every failure is a :class:`~api.models.common.Problem`, never a traceback.

- FastAPI's request validation → 422 listing each problem with its location;
- :class:`tongban.kernel.errors.InputError` from the libraries → 422 naming the field;
- :class:`fastapi.HTTPException` → its status with the one-line detail (headers kept);
- anything else → 500 with a generic line (the traceback goes to the server log only);
- bodies above ``max_body_bytes`` → 413 before the application reads them.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tongban.kernel.errors import InputError

logger = logging.getLogger(__name__)


def problem(
    status: int,
    detail: str,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """A :class:`Problem` JSON response."""
    return JSONResponse({"detail": detail, "errors": errors or []}, status, headers=headers)


def _loc(parts: Any) -> list[str | int]:
    return [p if isinstance(p, int) else str(p) for p in parts]


def validation_items(errors: list[Any], prefix: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Pydantic errors → ``{"loc", "msg", "type"}`` items (inputs are not echoed back)."""
    return [
        {
            "loc": [*prefix, *_loc(e.get("loc", ()))],
            "msg": str(e.get("msg", "invalid")),
            "type": str(e.get("type", "value_error")),
        }
        for e in errors
    ]


def summary_line(items: list[dict[str, Any]]) -> str:
    """``"body.windows.0.clerks: Input should be …; …"``."""
    parts = [".".join(str(p) for p in i["loc"]) + ": " + i["msg"] for i in items[:5]]
    more = f" (and {len(items) - 5} more)" if len(items) > 5 else ""
    return "invalid input: " + "; ".join(parts) + more


async def _request_validation(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    items = validation_items(list(exc.errors()))
    return problem(422, summary_line(items), items)


async def _pydantic_validation(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ValidationError)
    items = validation_items(list(exc.errors()), ("body",))
    return problem(422, summary_line(items), items)


async def _input_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InputError)
    field = exc.field or "body"
    item = {"loc": ["body", *field.split(".")], "msg": str(exc), "type": "input_error"}
    return problem(422, str(exc), [item])


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers) if exc.headers else None
    errors = getattr(exc, "errors", None)
    return problem(exc.status_code, str(exc.detail), errors, headers=headers)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem(500, "internal error; the server log has the details")


def install_handlers(app: FastAPI) -> None:
    """Register the handlers above on ``app``."""
    app.add_exception_handler(RequestValidationError, _request_validation)
    app.add_exception_handler(ValidationError, _pydantic_validation)
    app.add_exception_handler(InputError, _input_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)


class BodyLimit:
    """ASGI middleware: 413 for a body above ``limit`` bytes (declared or streamed)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared > self.limit or declared < 0:
                    await self._reject(scope, receive, send)
                    return
        received = 0

        async def counting() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLarge(self.limit)
            return message

        await self.app(scope, counting, send)

    async def _reject(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem(413, f"request body above the limit of {self.limit} bytes")
        await response(scope, receive, send)


class BodyTooLarge(HTTPException):
    """Raised while a streamed body is read; rendered as 413 by the handlers."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body above the limit of {limit} bytes")
