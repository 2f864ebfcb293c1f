"""A CJK font for every picture, brought by the project's own installation.

The PyPI package ``mplfonts`` ships Noto Sans CJK SC (SIL Open Font License 1.1); it is a
dependency, so Chinese names are drawn on any machine — never administrative codes in their
place. Only that one font file is registered with matplotlib (the package's other fonts
and its matplotlibrc changes are not used). Fonts installed on the system (Debian
``fonts-noto-cjk``, ``fonts-wqy-microhei``) are a fallback for a broken installation.
"""

from __future__ import annotations

import functools
import logging
from importlib import resources

from matplotlib import font_manager

logger = logging.getLogger(__name__)

BUNDLED_FONT = "NotoSansCJKsc-Regular.otf"  # in mplfonts/fonts/
CJK_FAMILIES = ("Noto Sans CJK SC", "WenQuanYi Micro Hei", "Noto Sans SC", "Source Han Sans SC")


@functools.cache
def cjk_font() -> str | None:
    """The family name of a registered CJK font (the bundled one first), or None."""
    try:
        path = resources.files("mplfonts") / "fonts" / BUNDLED_FONT
        font_manager.fontManager.addfont(str(path))
    except (ModuleNotFoundError, OSError, RuntimeError) as exc:
        logger.warning("bundled CJK font not available (%s); looking for system fonts", exc)
        _register_system_fonts()
    available = {f.name for f in font_manager.fontManager.ttflist}
    found = next((name for name in CJK_FAMILIES if name in available), None)
    if found is None:
        logger.warning("no CJK font found: map labels fall back to administrative codes")
    return found


def _register_system_fonts() -> None:
    for path in font_manager.findSystemFonts():
        if any(key in path.lower() for key in ("wqy", "cjk", "sourcehan", "notosanssc")):
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError):  # unreadable font file: skip it
                continue
