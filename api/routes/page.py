"""The planner page at ``/``: pick or upload a scenario, run it, watch it, read the results.

Server-rendered (Jinja2, ``api/templates/``) with a little inline JavaScript that calls the
API itself (``X-API-Key`` from the page's key field, kept in ``sessionStorage``). The page
and its assets load without a key and fetch nothing from outside the service; the report
(charts, tables, map) is ``GET /runs/{id}/report.html``, shown in a sandboxed frame.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.templating import Jinja2Templates

from api.deps import SettingsDep
from sim.scenarios.loader import SCENARIO_PACKAGE, shipped_names
from tongban import __version__

router = APIRouter(include_in_schema=False)
TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")

#: The page runs its own inline script and styles and talks only to this service; the
#: report frame (``srcdoc``) inherits this policy, so it cannot reach the network either.
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self' 'unsafe-inline'; "
        "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
        "font-src 'self' data:; connect-src 'self'; frame-src 'self' blob: data:; "
        "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


@dataclass(frozen=True)
class Shipped:
    """A scenario shipped with the package, as the page lists it."""

    name: str
    title: str
    description: str


def _shipped_file(name: str) -> Path:
    if name not in shipped_names():  # only shipped files, never a path
        raise HTTPException(
            404, f"no shipped scenario {name!r}; shipped: {', '.join(shipped_names())}"
        )
    return Path(str(resources.files(SCENARIO_PACKAGE) / f"{name}.toml"))


def shipped_scenarios() -> list[Shipped]:
    """Every shipped scenario with its ``name`` and ``description`` keys."""
    listed = []
    for name in shipped_names():
        data = tomllib.loads(_shipped_file(name).read_text("utf-8-sig"))
        title = str(data.get("name", name))
        listed.append(Shipped(name, title, str(data.get("description", ""))))
    return listed


@router.get("/", response_class=HTMLResponse)
def planner_page(request: Request, settings: SettingsDep) -> Response:
    """The planner page (no key needed to load it)."""
    context = {
        "shipped": shipped_scenarios(),
        "max_replications": settings.max_replications,
        "max_body_bytes": settings.max_body_bytes,
        "version": __version__,
    }
    return TEMPLATES.TemplateResponse(request, "planner.html", context, headers=PAGE_HEADERS)


@router.get("/planner/scenarios/{name}")
def shipped_scenario(name: Annotated[str, PathParam(max_length=100)]) -> Response:
    """A shipped scenario's TOML text (the page loads it into its editor)."""
    text = _shipped_file(name).read_text("utf-8-sig")
    return Response(text, media_type="application/toml; charset=utf-8")


@router.get("/planner/cjk.otf")
def cjk_font() -> Response:
    """Noto Sans CJK SC from the installed ``mplfonts`` (OFL), so Chinese shows everywhere."""
    from geo.fonts import BUNDLED_FONT  # imports matplotlib: only when the font is asked for

    try:
        path = Path(str(resources.files("mplfonts") / "fonts" / BUNDLED_FONT))
    except ModuleNotFoundError:
        path = Path("/nonexistent")
    if not path.is_file():
        raise HTTPException(404, "the bundled CJK font is not installed (package mplfonts)")
    headers = {"Cache-Control": "public, max-age=86400"}
    return FileResponse(path, media_type="font/otf", headers=headers)
