"""Staffing benchmark: hour-by-hour Erlang C vs tongban, both checked by the same simulation.

Run ``.venv/bin/python bench/staffing.py [--replications N] [--seed S]``. For the issue's
example day (one window 09:00-17:00, Poisson arrivals [20, 45, 60, 50, 30, 40, 55, 35] per
hour, exponential service with mean 10 min, target 80% served within 15 min) and for a day
with a sharp drop after the peak (and an afternoon block reopening at 13:30 after lunch,
arrivals only from 13:30 at the hour's full rate, as in the engine), it prints clerk-hours,
the hours that miss the target and each hour's service level with its 95% CI, for both
plans, side by side. Both plans are checked on the *same* replications (common random
numbers), independent of those tongban used in its search and verification. An hour
"misses" when the one-sided 95% lower bound is below the target share.
"""

from __future__ import annotations

import argparse
import time

from sim.distributions import Exponential
from sim.staffing.day import OpenDay
from sim.staffing.evaluate import DiscreteEventEvaluator, HourlyServiceLevels, WaitTarget
from sim.staffing.search import StaffingSettings, staff_window

AFTERNOON = OpenDay.from_clock([(540.0, 720.0), (810.0, 1020.0)], 13, 4)  # 13:30-17:00
DAYS: dict[str, tuple[int, list[float], OpenDay | None]] = {
    "example day (issue 5)": (9, [20.0, 45.0, 60.0, 50.0, 30.0, 40.0, 55.0, 35.0], None),
    "sharp drop after a peak": (9, [30.0, 90.0, 20.0, 20.0, 40.0, 30.0, 30.0, 20.0], None),
    "afternoon reopening at 13:30": (13, [70.0, 65.0, 55.0, 45.0], AFTERNOON),
}


def _cell(levels: HourlyServiceLevels, hour: int, share: float) -> str:
    mark = "" if levels.lower_bound[hour] >= share else " MISS"
    return f"{levels.service_level[hour]:6.1%} ± {levels.ci95[hour]:4.1%}{mark:5s}"


def _day(
    name: str,
    open_hour: int,
    rates: list[float],
    day: OpenDay | None,
    replications: int,
    seed: int,
) -> None:
    service = Exponential(mean=10.0)
    target = WaitTarget(wait_minutes=15.0, wait_share=0.80)
    started = time.perf_counter()
    plan = staff_window(rates, service, target, StaffingSettings(seed=seed), day=day)
    search_seconds = time.perf_counter() - started
    evaluator = DiscreteEventEvaluator()
    check_seed = seed + 7_777_777  # never used by the search or its verification
    erlang_check = evaluator.evaluate(
        rates, service, plan.erlang_clerks, target, replications, check_seed, day
    )
    tongban_check = evaluator.evaluate(
        rates, service, plan.clerks, target, replications, check_seed, day
    )
    share = target.wait_share
    print(f"\n== {name}: rates {rates} /h, exp. service 10 min, target 80% within 15 min")
    print(f"   checked by {replications} common independent replications")
    print(
        f"{'hour':>5} {'rate':>5} | {'Erlang C':>8} {'service level':>20} | "
        f"{'tongban':>7} {'service level':>20}"
    )
    for h, rate in enumerate(rates):
        print(
            f"{open_hour + h:02d}:00 {rate:5.0f} | {plan.erlang_clerks[h]:8d} "
            f"{_cell(erlang_check, h, share):>20} | {plan.clerks[h]:7d} "
            f"{_cell(tongban_check, h, share):>20}"
        )
    erlang_miss = [open_hour + h for h in range(len(rates)) if erlang_check.lower_bound[h] < share]
    tongban_miss = [
        open_hour + h for h in range(len(rates)) if tongban_check.lower_bound[h] < share
    ]
    print(
        f"{'':11} | {'clerk-hours':>11} {plan.erlang_clerk_hours:>17} | "
        f"{'clerk-hours':>11} {plan.clerk_hours:>16}"
    )
    print(
        f"{'':11} | {'hours missing target':>20} {erlang_miss!s:>8} | "
        f"{'hours missing target':>20} {tongban_miss!s:>7}"
    )
    print(
        f"   tongban search + verification: {search_seconds:.1f} s "
        f"({plan.iterations} correction iteration(s), {plan.trimmed} clerk-hours trimmed, "
        f"verified={plan.verified})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--replications", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    for name, (open_hour, rates, day) in DAYS.items():
        _day(name, open_hour, rates, day, args.replications, args.seed)


if __name__ == "__main__":
    main()
