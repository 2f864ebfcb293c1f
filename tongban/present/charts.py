"""The report's charts: matplotlib figures inlined as base64 PNG, Chinese in Noto Sans CJK SC.

Each function takes a plain table (already named and sorted by the caller) and returns an
``<img>`` element, so the page needs no file beside it. The font comes from
:func:`geo.fonts.cjk_font` (the ``mplfonts`` package), so Chinese never falls back to boxes.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from geo.fonts import cjk_font
from tongban.present.labels import esc
from tongban.present.regions import draw_halls_map

BLUE, ORANGE, GREY, RED = "#1f6fb4", "#e07b00", "#8a8a8a", "#d1495b"


@contextmanager
def _style() -> Iterator[None]:
    font = cjk_font()
    families = [font, "DejaVu Sans"] if font else ["DejaVu Sans"]
    settings: Any = {
        "font.family": "sans-serif",
        "font.sans-serif": families,
        "axes.unicode_minus": False,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "font.size": 10,
    }
    with matplotlib.rc_context(settings):
        yield


def _img(draw: Callable[[Figure], None], size: tuple[float, float], alt: str) -> str:
    with _style():
        fig = Figure(figsize=size, dpi=100, layout="constrained")
        draw(fig)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=100)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img class="chart" alt="{esc(alt)}" src="data:image/png;base64,{data}">'


def turnaround_chart(rows: pd.DataFrame) -> str:
    """Mean days hand-in → result (bar), 90th percentile (whisker) and the limit (mark)."""
    rows = rows.iloc[::-1]
    labels = [f"{n}（{m}）" for n, m in zip(rows["matter_name"], rows["mode_name"], strict=True)]

    def draw(fig: Figure) -> None:
        ax = fig.subplots()
        y = np.arange(len(rows))
        colours = [RED if s < 0.9 else BLUE for s in rows["within_limit_share"]]
        ax.barh(y, rows["days_mean"], color=colours, alpha=0.85, label="平均办理天数")
        ax.hlines(
            y, rows["days_mean"], rows["days_p90"], color=GREY, label="90% 的申请在此之前办结"
        )
        ax.scatter(rows["limit_working_days"], y, marker="|", s=300, color="black", zorder=3,
                   label="法定时限")  # fmt: skip
        ax.set_yticks(y, labels)
        ax.set_xlabel("工作日")
        ax.legend(loc="lower right", fontsize=9)

    height = 1.2 + 0.32 * len(rows)
    return _img(draw, (10, height), "各事项办理天数与法定时限")


def wait_heatmap(table: pd.DataFrame, title: str) -> str:
    """Windows × clock hour: share of applicants served within the target wait."""

    def draw(fig: Figure) -> None:
        ax = fig.subplots()
        values = table.to_numpy(dtype=float)
        image = ax.imshow(values, cmap="RdYlGn", vmin=0.5, vmax=1.0, aspect="auto")
        ax.set_xticks(range(len(table.columns)), [f"{h}时" for h in table.columns])
        ax.set_yticks(range(len(table.index)), list(table.index))
        for (i, j), v in np.ndenumerate(values):
            if not np.isnan(v):
                ax.text(j, i, f"{100 * v:.0f}%", ha="center", va="center", fontsize=9)
        fig.colorbar(image, ax=ax, label=title, format=lambda x, _: f"{100 * x:.0f}%")

    return _img(draw, (10, 1.2 + 0.45 * len(table.index)), title)


def staffing_chart(plans: dict[str, pd.DataFrame]) -> str:
    """Per window: clerks needed hour by hour (bars) against the roster (line)."""

    def draw(fig: Figure) -> None:
        axes = fig.subplots(1, len(plans), squeeze=False)[0]
        for ax, (name, plan) in zip(axes, plans.items(), strict=True):
            _staffing_axes(ax, name, plan)
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside right upper", fontsize=9)

    return _img(draw, (min(4.0 * len(plans) + 3.0, 12.0), 3.4), "每小时所需人员与排班")


def _staffing_axes(ax: Axes, name: str, plan: pd.DataFrame) -> None:
    hours = plan["hour"].astype(int).to_numpy()
    ax.bar(hours, plan["clerks"], color=BLUE, alpha=0.8, label="所需人员（仿真验证）")
    if "erlang_clerks" in plan:
        ax.plot(hours, plan["erlang_clerks"], "o", color=GREY, label="排队公式估算")
    if "rostered_clerks" in plan:
        ax.step(hours, plan["rostered_clerks"], where="mid", color=ORANGE, lw=2.5, label="排班人数")
    ax.set_title(name, fontsize=10)
    ax.set_xticks(hours, [f"{h}时" for h in hours])
    ax.set_ylabel("窗口人员")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(
        0, max(plan["clerks"].max(), plan.get("rostered_clerks", plan["clerks"]).max()) + 0.5
    )


def office_chart(rows: pd.DataFrame) -> str:
    """Reviewer utilisation per handling office."""

    def draw(fig: Figure) -> None:
        ax = fig.subplots()
        y = np.arange(len(rows))
        ax.barh(y, rows["utilisation"], color=BLUE)
        ax.axvline(0.85, color=RED, ls="--", lw=1, label="85%：再高排队会迅速变长")
        ax.set_yticks(y, list(rows["name"]))
        ax.set_xlim(0, 1)
        ax.xaxis.set_major_formatter(lambda x, _: f"{100 * x:.0f}%")
        ax.set_xlabel("审核人员忙碌时间占比")
        ax.legend(loc="lower right", fontsize=9)

    return _img(draw, (9, 1.2 + 0.5 * len(rows)), "办理机构负荷")


def halls_map_chart(halls: pd.DataFrame) -> str:
    """The halls of a region by level on their provinces (:mod:`tongban.present.regions`)."""
    return _img(lambda fig: draw_halls_map(fig, halls), (10, 10), "各级政务服务中心分布")


def tradeoff_chart(rows: pd.DataFrame, chosen: float | None) -> str:
    """EMS plans: vehicle cost per day against the parcels' mean wait for pickup."""
    cost, wait = "vehicle_cost_yuan_per_day", "parcel_wait_mean_hours"
    plans = rows.groupby([cost, wait], sort=False)["waiting_weight_yuan_per_parcel_hour"]

    def draw(fig: Figure) -> None:
        ax = fig.subplots()
        ax.plot(rows[cost], rows[wait], "-o", color=BLUE)
        for (x, y), weights in plans:
            label = "、".join(f"{float(w):g}" for w in weights) + " 元/件·时"
            if chosen is not None and any(abs(float(w) - chosen) < 1e-9 for w in weights):
                label += f"（采用 {chosen:g}）"
            ax.annotate(label, (x, y), textcoords="offset points", xytext=(8, 4), fontsize=9)
        ax.set_xlabel("车辆成本（元/天）")
        ax.set_ylabel("材料平均等待揽收（小时）")
        ax.margins(x=0.25, y=0.2)

    return _img(draw, (8, 3.6), "EMS 揽收成本与等待的权衡")


def savings_chart(rows: pd.DataFrame) -> str:
    """Kilometres of travel saved per matter (the largest)."""
    rows = rows.iloc[::-1]

    def draw(fig: Figure) -> None:
        ax = fig.subplots()
        y = np.arange(len(rows))
        ax.barh(y, rows["km_saved"], color="#2a9d3a")
        ax.set_yticks(y, list(rows["matter_name"]))
        ax.set_xlabel("申请人少跑的公里数（每次仿真期间）")
        ax.xaxis.set_major_formatter(lambda x, _: f"{x:,.0f}")

    return _img(draw, (9, 1.2 + 0.32 * len(rows)), "节省的出行里程")
