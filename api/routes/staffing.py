"""``POST /staffing``: hourly demand → a simulation-verified plan, as ``tongban staff --rates``."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException

from api.deps import Planner, SettingsDep
from api.models.common import problem_responses
from api.models.staffing import (
    StaffingHour,
    StaffingPlan,
    StaffingRequest,
    StaffingResponse,
    StaffingShift,
)
from sim.staffing.evaluate import WaitTarget
from sim.staffing.plan import WindowDayDemand, WindowStaffing, staff_all
from sim.staffing.search import StaffingSettings
from sim.staffing.service import parametric
from tongban.kernel.errors import InputError
from tongban.pipeline.standalone import check_staffing_work

router = APIRouter(tags=["staffing"], responses=problem_responses(401, 403, 413, 422))
WINDOW_ID = "W1"


def _plan(window: WindowStaffing, wait_share: float) -> StaffingPlan:
    v, e = window.plan.verification, window.erlang_verification
    demand = window.demand
    meets = v.meets(wait_share)
    open_hours = [(k, h) for k, h in enumerate(demand.clock_hours) if h not in demand.closed_hours]
    pairs = zip(window.roster.templates, window.roster.clerks_per_template, strict=True)
    return StaffingPlan(
        window_id=demand.window_id,
        verified=window.plan.verified,
        verify_replications=v.replications,
        clerk_hours=window.plan.clerk_hours,
        erlang_clerk_hours=window.plan.erlang_clerk_hours,
        hours_missing_target=[h for k, h in open_hours if not meets[k]],
        hours=[
            StaffingHour(
                hour=hour,
                rate_per_hour=demand.rates_per_hour[k],
                clerks=window.plan.clerks[k],
                service_level=round(float(v.service_level[k]), 4),
                service_level_ci95=round(float(v.ci95[k]), 4),
                erlang_clerks=window.plan.erlang_clerks[k],
                erlang_service_level=round(float(e.service_level[k]), 4),
                rostered_clerks=window.rostered_clerks(hour),
            )
            for k, hour in open_hours
        ],
        roster_status=window.roster.status,
        roster_clerk_hours=window.roster.clerk_hours,
        shifts=[
            StaffingShift(shift=t.name, intervals=t.label(), clerks=n) for t, n in pairs if n > 0
        ],
    )


@router.post("/staffing", response_model=StaffingResponse)
def staff(body: StaffingRequest, settings: SettingsDep, _key: Planner) -> StaffingResponse:
    """Clerks per hour so the waiting target holds in every hour, verified by simulation."""
    open_hour = int(body.open[:2])
    if open_hour + len(body.rates) > 24:
        raise HTTPException(
            422, f"open {body.open} plus {len(body.rates)} hourly rates must end by 24:00"
        )
    most = settings.max_staffing_replications
    if max(body.replications, body.verify_replications) > most:
        raise HTTPException(422, f"replications and verify_replications must be at most {most}")
    if sum(body.rates) > settings.max_staffing_arrivals:
        limit = settings.max_staffing_arrivals
        raise HTTPException(422, f"rates: at most {limit:g} arrivals per day in all (sum of rates)")
    try:
        check_staffing_work(
            body.rates, body.service_mean, body.replications, body.verify_replications
        )
    except InputError as exc:
        raise HTTPException(422, str(exc)) from None
    cv = 0.0 if body.service_dist == "deterministic" else body.service_cv
    settings_ = StaffingSettings(
        search_replications=body.replications,
        verify_replications=body.verify_replications,
        max_clerks=body.max_clerks,
        level_plan=body.level,
        seed=body.seed,
    )
    demand = WindowDayDemand(
        window_id=WINDOW_ID,
        day_type="workday",
        open_hour=open_hour,
        rates_per_hour=tuple(body.rates),
        service=parametric(body.service_dist, body.service_mean, cv),
    )
    target = WaitTarget(wait_minutes=body.wait_minutes, wait_share=body.wait_share)
    report = staff_all([demand], target, settings_)
    return StaffingResponse(
        wait_minutes=body.wait_minutes,
        wait_share=body.wait_share,
        plan=_plan(report.windows[0], body.wait_share),
    )
