"""Leaflet, vendored from the npm registry at install time, inlined into ``report.html``.

``make install`` (part of the install stamp of ``make run`` and ``make test``) runs
``npm pack leaflet@1.9.4`` and extracts ``dist/leaflet.js``, ``leaflet.css`` and its images
into ``tongban/present/vendor/leaflet/`` (gitignored). Nothing is fetched when a report is
written or opened: the page carries the library, the stylesheet and its images (as data URIs).
"""

from __future__ import annotations

import base64
import functools
import re
from importlib import resources
from pathlib import Path

LEAFLET_VERSION = "1.9.4"


class MissingAssetError(RuntimeError):
    """The vendored Leaflet files are not installed."""


def leaflet_dir() -> Path:
    """Where the vendored Leaflet files live (inside the package)."""
    return Path(str(resources.files("tongban.present"))) / "vendor" / "leaflet"


def _read(name: str) -> str:
    path = leaflet_dir() / name
    if not path.is_file():
        raise MissingAssetError(
            f"{path} is missing: the offline map of report.html needs Leaflet "
            f"{LEAFLET_VERSION} vendored from npm; run `make install` (or `make "
            f"tongban/present/vendor/leaflet/leaflet.js`) in the project folder"
        )
    return path.read_text("utf-8")


@functools.cache
def leaflet_js() -> str:
    """The Leaflet library (text of ``leaflet.js``), safe inside a ``<script>`` element."""
    return _read("leaflet.js").replace("</script", "<\\/script")


@functools.cache
def leaflet_css() -> str:
    """Leaflet's stylesheet with its images inlined as ``data:`` URIs."""
    css = _read("leaflet.css")

    def inline(match: re.Match[str]) -> str:
        image = leaflet_dir() / match.group(1)
        if not image.is_file():
            return "url()"
        data = base64.b64encode(image.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{data})"

    return re.sub(r"url\((images/[\w.-]+\.png)\)", inline, css)
