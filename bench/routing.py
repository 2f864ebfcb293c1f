"""Routing benchmark: solve a set of instances and print the gap to best-known solutions.

Usage (from the project root)::

    .venv/bin/python bench/routing.py --set solomon --seconds 30
    .venv/bin/python bench/routing.py --instances C101,R101,RC101 --seconds 5 --backend ortools

Instances are read from ``$TONGBAN_BENCH_DIR`` or ``../shared/bench``. Each plan is
re-checked by the independent checker; the gap is to the distance-only BKS of the ``.sol``
file beside the instance (DIMACS convention). The literature's vehicles-first BKS
(``bks_lexicographic.json``) is shown for reference. One solve at a time, one thread.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

# This file is named like the package it benchmarks: drop its own folder from the import
# path so ``import routing`` finds the package, and make the project root importable.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

from routing.benchmark import bench_dir, best_known_cost, load, run_instance  # noqa: E402
from routing.stopping import StoppingCriterion  # noqa: E402

SETS = {
    "solomon": ("vrptw/solomon", "*.txt"),
    "gh200": ("vrptw/gh200", "*.vrp"),
    "cvrp": ("cvrp", "*.vrp"),
}


def instance_paths(root: Path, set_name: str, names: list[str]) -> list[Path]:
    """Instance files of a set (``all`` = every set), optionally only the given names."""
    chosen = SETS if set_name == "all" else {set_name: SETS[set_name]}
    paths = [
        p for folder, pattern in chosen.values() for p in sorted((root / folder).glob(pattern))
    ]
    if names:
        wanted = {n.upper() for n in names}
        paths = [p for p in paths if p.stem.upper() in wanted]
        missing = wanted - {p.stem.upper() for p in paths}
        if missing:
            raise SystemExit(f"unknown instances: {', '.join(sorted(missing))}")
    return paths


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print one row per instance, then the mean gap."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default="solomon", choices=[*SETS, "all"])
    parser.add_argument("--instances", default="", help="comma-separated names, e.g. C101,R101")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--backend", default="auto")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    root = bench_dir()
    if root is None:
        print("benchmark folder not found: set TONGBAN_BENCH_DIR or provide ../shared/bench")
        return 2
    lexicographic_file = root / "vrptw" / "bks_lexicographic.json"
    lexicographic = (
        json.loads(lexicographic_file.read_text()) if lexicographic_file.is_file() else {}
    )
    names = [n for n in args.instances.split(",") if n]
    paths = instance_paths(root, args.set, names)
    stop = StoppingCriterion(seconds=args.seconds)
    print(
        f"# backend={args.backend} seconds={args.seconds:g} per instance, seed={args.seed}, "
        "gap to distance-only BKS (.sol)"
    )
    header = (
        f"{'instance':<10} {'veh':>4} {'distance':>10} {'bks':>10} {'gap%':>7} "
        f"{'feasible':>8} {'sec':>6} {'lexBKS veh/dist':>16}"
    )
    print(header)
    print("-" * len(header))
    gaps: list[float] = []
    infeasible: list[str] = []
    for path in paths:
        run = run_instance(load(path), stop, backend=args.backend, seed=args.seed)
        bks = best_known_cost(path)
        gap = float("nan") if bks is None or not run.feasible else 100 * (run.distance / bks - 1)
        if run.feasible and bks is not None:
            gaps.append(gap)
        if not run.feasible:
            infeasible.append(run.instance)
        lex = lexicographic.get(path.stem, {})
        lex_text = f"{lex['solved_with_vehicles']}/{lex['best_known_cost']:.1f}" if lex else "-"
        print(
            f"{run.instance:<10} {run.vehicles:>4} {run.distance:>10.1f} "
            f"{(bks if bks is not None else float('nan')):>10.1f} {gap:>7.2f} "
            f"{'yes' if run.feasible else 'NO':>8} {run.seconds:>6.1f} {lex_text:>16}",
            flush=True,
        )
    mean = sum(gaps) / len(gaps) if gaps else float("nan")
    print("-" * len(header))
    print(
        f"mean gap {mean:.3f}% over {len(gaps)} feasible instances; "
        f"infeasible: {', '.join(infeasible) if infeasible else 'none'}"
    )
    return 0 if not infeasible else 1


if __name__ == "__main__":
    sys.exit(main())
