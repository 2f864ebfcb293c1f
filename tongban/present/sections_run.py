"""Sections of ``report.html`` about the run, turnaround, window waits, staffing and offices."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from sim.results import MIN_CASES_TO_JUDGE
from tongban.present import charts
from tongban.present.labels import DAY_TYPES, esc, mode_name, num, pct, tenth, whole
from tongban.present.markup import Column, bullet_list, facts, folded, section, table, text
from tongban.present.places import name_of

MIN_CASES_DEFAULT = MIN_CASES_TO_JUDGE  # when summary.json has no "judging"
REPLICATION_NOTE = "（本页取平均；95% 置信区间在同目录 CSV 文件的 *_ci95 列）"
SHARE_OK = 0.9  # a matter under 90% within its limit is flagged (as the CLI does)


def judged_turnaround(frame: pd.DataFrame, summary: Mapping[str, Any]) -> pd.DataFrame:
    """Matters with enough cases to judge, the furthest from their limit first."""
    judging = summary.get("judging") or {}
    least = float(judging.get("min_cases_all_replications", MIN_CASES_DEFAULT))
    replications = float(summary.get("replications", 1) or 1)
    # matters decided on the spot at the counter have no share to judge (empty)
    rows = frame[(frame["cases"] * replications >= least) & frame["within_limit_share"].notna()]
    rows = rows.copy()
    rows["mode_name"] = rows["mode"].map(mode_name)
    sort = ["within_limit_share"]
    if "end_to_end_within_limit_share" in rows:
        sort.append("end_to_end_within_limit_share")
    return rows.sort_values([*sort, "days_mean"], ascending=[True] * len(sort) + [False])


def overview(summary: Mapping[str, Any], locality: str, findings: list[str]) -> str:
    """What was run, with which assumptions, and what stands out."""
    stages = summary.get("stages") or {}
    judging = summary.get("judging") or {}
    items = [
        ("情景 (scenario)", esc(summary.get("scenario", ""))),
        ("辖区 (locality)", esc(locality or "（抽象情景，无地理位置）")),
        ("模拟天数", _days(summary)),
        ("独立重复次数", f"{esc(summary.get('replications', '–'))} 次{REPLICATION_NOTE}"),
        ("随机种子 (seed)", esc(summary.get("seed", "–"))),
        ("每次仿真的申请件数", num(summary.get("cases"), 0)),
        ("EMS 揽收线路规划", "已运行" if stages.get("routing") else "未运行"),
        ("人员配置计算", "已运行" if stages.get("staffing") else "未运行"),
        ("运行时间", f"{esc(summary.get('started', ''))} → {esc(summary.get('finished', ''))}"),
        ("软件版本", esc(summary.get("package_version", ""))),
    ]  # fmt: skip
    if judging:
        items.append(
            (
                "参与评判的事项",
                f"{esc(judging.get('matters_judged'))} 个（另有 "
                f"{esc(judging.get('matters_left_out_too_few_cases'))} 个事项件数少于 "
                f"{esc(judging.get('min_cases_all_replications'))} 件，不作评判）",
            )
        )
    notes = [esc(n) for n in [*summary.get("notes", []), *stages.get("notes", [])]]  # English
    warnings = [esc(w) for w in stages.get("warnings", [])]
    body = (
        '<div class="findings"><h3>要点</h3>'
        + bullet_list(findings)
        + "</div>"
        + facts(items)
        + ("<h3>运行说明（模型原文）</h3>" + bullet_list(notes) if notes else "")
        + ("<h3>警告</h3>" + bullet_list(warnings, "warnings") if warnings else "")
    )
    explain = (
        "本报告由仿真模型生成：按情景文件设定的窗口、事项、人员和假设，把同一段时间重复模拟若干次，"
        "再汇总平均。数字是模型估计，不是实际统计；所有假设都写在情景文件和下面的运行说明里。"
    )
    return section("run", "运行概况：模拟了什么、用了哪些假设", explain, body)


def _days(summary: Mapping[str, Any]) -> str:
    days = f"{esc(summary.get('days', '–'))} 天的申请"
    warmup = float(summary.get("warmup_days") or 0)
    if warmup > 0:
        days += f"（前 {warmup:g} 天为预热期，不计入结果）"
    settings = summary.get("assumptions") or {}
    if settings.get("start_date"):
        days += f"，自 {esc(settings['start_date'])} 起（按中国工作日与调休）"
    return days


def turnaround(judged: pd.DataFrame, left_out: int) -> str:
    """Turnaround per matter and mode against the statutory limit, the misses first."""
    if judged.empty:
        return section("turnaround", "办理时长与法定时限", "本次运行没有足够件数的事项可评判。", "")
    by_mode = pd.DataFrame(
        [_mode_row(name, group) for name, group in judged.groupby("mode_name")]
    ).sort_values("share")
    modes = table(
        by_mode,
        [
            ("mode_name", "办理模式", text),
            ("matters", "事项数", whole),
            ("cases", "每次仿真件数", whole),
            ("share", "在时限内办结（按件加权）", pct),
        ],
        numeric=("matters", "cases", "share"),
    )
    columns: list[Column] = [
        ("matter_name", "事项", text),
        ("mode_name", "办理模式", text),
        ("cases", "件数", tenth),
        ("days_mean", "平均办理（工作日）", tenth),
        ("days_p90", "90% 在…内办结", whole),
        ("limit_working_days", "法定时限（工作日）", whole),
        ("within_limit_share", "机构在时限内办结", pct),
        ("end_to_end_within_limit_share", "申请人全程在时限内拿到结果", pct),
    ]
    numeric = [c[0] for c in columns[2:]]
    flag = _missed
    worst = table(judged.head(12), columns, flag=flag, numeric=numeric)
    rest = table(judged.iloc[12:], columns, flag=flag, numeric=numeric)
    body = (
        "<h3>按办理模式</h3>"
        + modes
        + "<h3>离时限最远的事项</h3>"
        + charts.turnaround_chart(judged.head(15))
        + worst
        + (folded(f"其余 {len(judged) - 12} 个事项", rest) if len(judged) > 12 else "")
        + f'<p class="small">另有 {left_out} 个事项件数太少，不作评判。</p>'
    )
    explain = (
        "“办理天数”从申请人在窗口递交材料算起，到拿到结果为止（工作日）。红色表示不到 90% 的申请"
        "在法定时限内办结。“机构在时限内办结”只算办理机构受理到作出决定；"
        "“申请人全程”还包括邮寄材料和送达结果的时间。"
    )
    return section("turnaround", "办理时长与法定时限（未达标的事项在前）", explain, body)


def _missed(row: pd.Series) -> bool:
    return float(row["within_limit_share"]) < SHARE_OK


def _mode_row(mode: object, group: pd.DataFrame) -> dict[str, object]:
    cases = float(group["cases"].sum())
    share = (group["within_limit_share"] * group["cases"]).sum() / cases if cases else float("nan")
    return {"mode_name": mode, "matters": len(group), "cases": cases, "share": share}


def windows(
    frames: Mapping[str, pd.DataFrame], names: dict[str, str], target: Mapping[str, Any]
) -> str:
    """Window waits: hour-by-hour heatmap and the per-window table."""
    staffing = frames.get("staffing")
    table_frame = frames.get("windows")
    if table_frame is None:
        return ""
    wins = table_frame.copy()
    wins["name"] = name_of(names, wins["window_id"])
    minutes = target.get("wait_minutes")
    heat = ""
    if staffing is not None and not staffing.empty:
        work = staffing[staffing["day_type"] == staffing["day_type"].iloc[0]]
        grid = work.pivot_table(index="window_id", columns="hour", values="service_level")
        grid.index = name_of(names, grid.index)
        day = DAY_TYPES.get(str(staffing["day_type"].iloc[0]), "")
        title = f"{day}各小时 {_minutes(minutes)} 分钟内得到服务的申请人占比"
        heat = f"<h3>{esc(title)}</h3>" + charts.wait_heatmap(grid, "按时得到服务的占比")
    body = heat + table(
        wins,
        [
            ("name", "窗口", text),
            ("cases", "每次仿真接待", whole),
            ("wait_mean_min", "平均等候（分钟）", tenth),
            ("wait_p90_min", "90% 的人等候不超过（分钟）", tenth),
            ("utilisation", "人员忙碌占比", pct),
        ],
        numeric=("cases", "wait_mean_min", "wait_p90_min", "utilisation"),
    )
    share = target.get("wait_share")
    explain = (
        "申请人在窗口排队等多久。热力图每一格是一个窗口在一个钟点内"
        f"{_minutes(minutes)} 分钟内得到服务的人所占比例："
        "绿色好，黄色、红色表示那个钟点人手紧张"
        f"（目标：{pct(share) if share is not None else '见情景文件'}）。"
    )
    return section("windows", "窗口等候（按小时）", explain, body)


def _minutes(value: object) -> str:
    """The target wait in minutes as people write it (``20``, not ``20.0``)."""
    if isinstance(value, int | float):
        return f"{value:g}"
    return "目标"


def staffing(frames: Mapping[str, pd.DataFrame], names: dict[str, str]) -> str:
    """Clerks needed hour by hour against the roster."""
    plan = frames.get("staffing_plan")
    roster = frames.get("roster")
    used = frames.get("staffing")
    parts = []
    if plan is not None and not plan.empty:
        first = plan[plan["day_type"] == plan["day_type"].iloc[0]]
        plans = {names.get(str(w), str(w)): g for w, g in first.groupby("window_id", sort=False)}
        parts.append(charts.staffing_chart(dict(list(plans.items())[:3])))
    if roster is not None and not roster.empty:
        shown = roster.assign(
            name=name_of(names, roster["window_id"]),
            day=roster["day_type"].map(lambda d: DAY_TYPES.get(str(d), str(d))),
        )
        parts.append(
            "<h3>排班</h3>"
            + table(
                shown,
                [
                    ("name", "窗口", text),
                    ("day", "日期类型", text),
                    ("intervals", "班次时段", text),
                    ("clerks_on_shift", "在岗人数", whole),
                    ("paid_hours", "每天计薪工时", whole),
                ],
                numeric=("clerks_on_shift", "paid_hours"),
            )
        )
    if used is not None and not used.empty:
        fixed = used.groupby("window_id", sort=False)["clerks"].agg(["min", "max"]).reset_index()
        fixed["name"] = name_of(names, fixed["window_id"])
        parts.append(
            "<h3>本次仿真各窗口的人员</h3>"
            + table(
                fixed,
                [("name", "窗口", text), ("min", "最少", text), ("max", "最多", text)],
                numeric=("min", "max"),
            )
        )
    explain = (
        "每个钟点需要几名窗口人员才能达到等候目标：柱子是仿真验证过的需要人数，灰点是排队公式的估算，"
        "橙线是排出来的班（整班排班，所以有的钟点会多出人手）。"
        if plan is not None and not plan.empty
        else "本情景的窗口人数由情景文件固定（未运行人员配置计算）；下表是仿真中各窗口在岗的人数。"
    )
    return section("staffing", "人员需求与排班（按小时）", explain, "".join(parts))


def offices(frames: Mapping[str, pd.DataFrame], names: dict[str, str]) -> str:
    """Load of the handling offices (reviewers)."""
    frame = frames.get("offices")
    if frame is None or frame.empty:
        return ""
    rows = frame.assign(name=name_of(names, frame["office_id"]))
    body = charts.office_chart(rows) + table(
        rows,
        [
            ("name", "办理机构", text),
            ("cases", "每次仿真办件", whole),
            ("reviewers", "审核人员", whole),
            ("utilisation", "忙碌占比", pct),
            ("within_limit_share", "在时限内办结", pct),
        ],
        numeric=("cases", "reviewers", "utilisation", "within_limit_share"),
    )
    explain = (
        "本地办理机构（审核外省受理、本地居民的申请）有多忙。忙碌占比超过约 85% 时，"
        "待办件会越积越多，办理时间明显变长。"
    )
    return section("offices", "办理机构负荷", explain, body)
