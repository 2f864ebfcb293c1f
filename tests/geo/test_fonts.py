"""Chinese names are drawn with the CJK font the project installs (never as codes)."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from geo.fonts import cjk_font


def test_the_bundled_cjk_font_is_registered() -> None:
    assert cjk_font() == "Noto Sans CJK SC"


def test_chinese_names_render_without_missing_glyphs() -> None:
    fig, ax = plt.subplots()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            ax.set_title("池州市政务服务中心 跨省通办专窗", fontfamily=cjk_font())
            fig.canvas.draw()
        missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
        assert not missing, missing
        # the default font cannot draw them: the check above would catch a fallback
        with warnings.catch_warnings(record=True) as fallback:
            warnings.simplefilter("always")
            ax.set_title("池州市", fontfamily="DejaVu Sans")
            fig.canvas.draw()
        assert any("missing from" in str(w.message) for w in fallback)
    finally:
        plt.close(fig)
