"""Chinese labels for the report: delivery modes, day types, matter names, number formats."""

from __future__ import annotations

import functools
import html
import math
from collections.abc import Mapping

import pandas as pd

MODES: dict[str, str] = {
    "online": "全程网办",
    "proxy": "异地代收代办",
    "joint": "多地联办",
    "counter": "窗口办结",
}
DAY_TYPES: dict[str, str] = {"workday": "工作日", "restday": "休息日", "weekend": "休息日"}
KINDS: dict[str, str] = {
    "locality": "辖区",
    "window": "跨省通办窗口",
    "office": "办理机构",
    "ems_centre": "EMS 邮件处理中心",
}


def mode_name(mode: object) -> str:
    """The Chinese name of a delivery mode (the value itself when unknown)."""
    return MODES.get(str(mode), str(mode))


@functools.cache
def _catalog_names() -> dict[str, str]:
    from sim.catalog import load_catalog

    return {m.id: m.name for m in load_catalog()}


def matter_names(frames: Mapping[str, pd.DataFrame]) -> dict[str, str]:
    """``matter_id → 事项名称``: the run's turnaround table first, then the national catalog."""
    names = dict(_catalog_names())
    turnaround = frames.get("turnaround")
    if turnaround is not None and {"matter_id", "matter_name"} <= set(turnaround.columns):
        names.update(
            {
                str(k): str(v)
                for k, v in zip(turnaround["matter_id"], turnaround["matter_name"], strict=True)
            }
        )
    return names


def esc(value: object) -> str:
    """HTML-escaped text."""
    return html.escape(str(value))


def num(value: object, digits: int = 1) -> str:
    """A number for people: fixed digits, thousands separators, ``–`` for missing."""
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return esc(value)
    if math.isnan(x):
        return "–"
    return f"{x:,.{digits}f}"


def pct(value: object) -> str:
    """A share as a percentage (``–`` for missing)."""
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return esc(value)
    return "–" if math.isnan(x) else f"{100 * x:.0f}%"


def whole(value: object) -> str:
    """A number without decimals (a table formatter)."""
    return num(value, 0)


def tenth(value: object) -> str:
    """A number with one decimal (a table formatter)."""
    return num(value, 1)
