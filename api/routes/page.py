"""The planner page at ``/``: pick or upload a scenario, run it, watch it, read the results.

Server-rendered (Jinja2, ``api/templates/``) with a little inline JavaScript that calls the
API itself (``X-API-Key`` from the page's key field, kept in ``sessionStorage``). The page
and its assets load without a key and fetch nothing from outside the service; the report
(charts, tables, map) is ``GET /runs/{id}/report.html``, shown in a sandboxed frame. The
shipped scenarios are files of the installed package: read once per process.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import MappingProxyType
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


@functools.cache
def _shipped_texts() -> Mapping[str, str]:
    """Every shipped scenario's TOML text by name (files of the installed package: read once
    per process)."""
    folder = resources.files(SCENARIO_PACKAGE)
    texts = {
        name: Path(str(folder / f"{name}.toml")).read_text("utf-8-sig") for name in shipped_names()
    }
    return MappingProxyType(texts)


def _shipped_text(name: str) -> str:
    texts = _shipped_texts()
    if name not in texts:  # only shipped files, never a path
        raise HTTPException(404, f"no shipped scenario {name!r}; shipped: {', '.join(texts)}")
    return texts[name]


@functools.cache
def shipped_scenarios() -> tuple[Shipped, ...]:
    """Every shipped scenario with its ``name`` and ``description`` keys (parsed once)."""
    listed = []
    for name, text in _shipped_texts().items():
        data = tomllib.loads(text)
        title = str(data.get("name", name))
        listed.append(Shipped(name, title, str(data.get("description", ""))))
    return tuple(listed)


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
    text = _shipped_text(name)
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
