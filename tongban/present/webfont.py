"""The CJK font of the page itself, embedded: Chinese reads right on machines without one.

Charts draw their text with Noto Sans CJK SC (:mod:`geo.fonts`); the page's own text would
depend on the reader's fonts (a bare Linux box shows boxes). So the page embeds the same
font, subset to the characters it actually uses (a few hundred glyphs, ≈100 kB as WOFF, ≈1 s)
— the SIL Open Font License 1.1 of Noto allows embedding and subsetting. When the bundled
font is missing, the page falls back to the reader's system fonts.
"""

from __future__ import annotations

import base64
import functools
import io
import logging
from importlib import resources

from geo.fonts import BUNDLED_FONT

logger = logging.getLogger(__name__)
FAMILY = "TongbanCJK"
ASCII = "".join(chr(i) for i in range(32, 127))


def font_face(text: str) -> str:
    """An ``@font-face`` rule with the font subset to ``text``'s characters ('' if none)."""
    wanted = "".join(sorted({c for c in text if ord(c) > 127}))
    if not wanted:
        return ""
    data = _subset(wanted)
    if data is None:
        return ""
    encoded = base64.b64encode(data).decode("ascii")
    return (
        f"@font-face {{ font-family: '{FAMILY}'; font-weight: 100 900; "
        f"src: url(data:font/woff;base64,{encoded}) format('woff'); }}"
    )


@functools.lru_cache(maxsize=8)
def _subset(characters: str) -> bytes | None:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    try:
        path = resources.files("mplfonts") / "fonts" / BUNDLED_FONT
        font = TTFont(str(path), lazy=True)
    except (ModuleNotFoundError, OSError) as exc:
        logger.warning("CJK font not embedded in the page (%s)", exc)
        return None
    options = subset.Options()
    options.flavor = "woff"
    options.layout_features = []  # CJK needs no shaping here; halves the time and the size
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters + ASCII)
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()
