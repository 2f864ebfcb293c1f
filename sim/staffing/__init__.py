"""Staffing: clerks per window and hour, rosters, reviewers per office, per-matter attribution.

Modules, one concept each:

- :mod:`sim.staffing.erlang` — stationary M/M/c formulas (Erlang B/C, wait-time service level).
- :mod:`sim.staffing.service` — what staffing adds to the engine's samplers
  (:mod:`sim.distributions` objects are used as they are): mixtures, scaling, ``(dist, mean,
  cv)`` construction.
- :mod:`sim.staffing.day` — a window-day's minute-level open time, as the engine's timetable
  has it (arrivals only while open; clerk counts per clock hour; clerks stay after closing).
- :mod:`sim.staffing.evaluate` — the :class:`WindowEvaluator` protocol and a fast, exact
  discrete-event evaluator of one window-day under an hourly clerk plan.
- :mod:`sim.staffing.search` — the smallest hourly plan meeting a wait target in every hour
  (Erlang C start, simulation-based iterative correction, trim, independent verification).
- :mod:`sim.staffing.roster` — shift rosters covering an hourly need (OR-Tools CP-SAT).
- :mod:`sim.staffing.office` — reviewers per handling office for a statutory limit.
- :mod:`sim.staffing.attribution` — clerk- and reviewer-hours per matter.
- :mod:`sim.staffing.plan` — staffing for many window-days and offices in one report.
- :mod:`sim.staffing.scenario` — maps a compiled scenario onto :mod:`sim.staffing.plan`.
- :mod:`sim.staffing.engine` — the SimPy engine's ``simulate_window`` as a
  :class:`~sim.staffing.evaluate.WindowEvaluator` (the one engine adapter; cross-check).
- :mod:`sim.staffing.outputs` — the rows of ``staffing_plan.csv`` / ``roster.csv`` /
  ``office_staffing.csv`` / ``matter_staffing.csv``.
"""
