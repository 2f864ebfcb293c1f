"""Output and fault cases: bad --out paths, kills, concurrent runs, Ctrl-C, formula cells.

Each case runs the CLI in its own process against an earlier report (a folder tongban
wrote) and ends ``clean`` (expected exit code and message, the earlier report intact or
wholly replaced, no ``.NAME-*`` staging folder and no ``tongban-trace-*`` left),
``traceback``, ``hang``, ``lost`` (the report missing, half-replaced or mixed) or
``wrong``. Run as a script to count outcomes against any checkout (e.g. the code before
a change)::

    python tests/tongban/test_faults.py --root /path/to/checkout
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCENARIO = REPO / "tests" / "data" / "golden" / "chizhou_small.toml"
CLI = "from tongban.cli import main; main()"
TIME_BOUND_S = 120.0
EARLIER = {"summary.json", "earlier.csv"}
LOCK_WAIT_S = [60.0]  # how long to wait for a run to take its folder's lock


@dataclass(frozen=True)
class Outcome:
    """How a fault case ended and why."""

    kind: str  # clean, wrong, traceback, hang, lost
    detail: str


@dataclass
class Case:
    """One fault case: a CLI run (or a scripted kill) in ``work``, judged afterwards."""

    root: Path
    work: Path

    @property
    def report(self) -> Path:
        return self.work / "rep"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TONGBAN_")}
        env["PYTHONPATH"] = str(self.root)
        env["TMPDIR"] = str(self.work / "tmp")
        (self.work / "tmp").mkdir(exist_ok=True)
        return env

    def earlier_report(self) -> None:
        """A report an earlier run wrote (its summary names the package version)."""
        self.report.mkdir()
        (self.report / "summary.json").write_text('{"package_version": "0.0"}', "utf-8")
        (self.report / "earlier.csv").write_text("a\n1\n", "utf-8")

    def start(self, *args: str, **kwargs: object) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-c", CLI, *args],
            cwd=self.work,
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            **kwargs,  # type: ignore[call-overload]
        )

    def debris(self) -> list[str]:
        """Staging, backup or probe folders and scratch trace folders left behind."""
        left = [p.name for p in self.work.iterdir() if p.name.startswith(".rep")]
        left += [p.name for p in (self.work / "tmp").iterdir()]
        return sorted(left)

    def report_state(self) -> str:
        """``earlier``, ``new`` (a whole new report), ``missing`` or ``mixed``."""
        if not self.report.is_dir():
            return "missing"
        names = {p.name for p in self.report.iterdir()}
        if names == EARLIER:
            return "earlier"
        if "summary.json" in names and "earlier.csv" not in names:
            return "new"
        return "mixed"


def judge(
    case: Case, done: tuple[int | None, str], codes: set[int], message: str, states: set[str]
) -> Outcome:
    """Classify a finished case: exit code, message, report state, debris."""
    code, output = done
    if code is None:
        return Outcome("hang", "")
    if "Traceback" in output:
        return Outcome("traceback", output.strip().splitlines()[-1])
    state = case.report_state()
    if state not in states:
        return Outcome("lost", f"report {state}")
    debris = case.debris()
    if any(name.endswith("-old") for name in debris):
        return Outcome("lost", f"earlier report left hidden: {debris}")
    if debris:
        return Outcome("wrong", f"debris {debris}")
    if code not in codes or message not in output:
        return Outcome("wrong", f"exit {code}: {output.strip()[-300:]}")
    if code != 0 and len([line for line in output.splitlines() if "error" in line]) > 1:
        return Outcome("wrong", f"more than one error line: {output[-300:]}")
    return Outcome("clean", f"exit {code}")


def finish(process: subprocess.Popen[str], timeout: float = TIME_BOUND_S) -> tuple[int | None, str]:
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        return None, ""
    return process.returncode, out + err


def run_cli(case: Case, *args: str) -> tuple[int | None, str]:
    return finish(case.start(*args))


# --- the cases ---------------------------------------------------------------------------


def wait_for(check: Callable[[], bool], seconds: float = 60.0) -> None:
    """Poll ``check`` until true (or ``seconds`` pass)."""
    deadline = time.monotonic() + seconds
    while not check() and time.monotonic() < deadline:
        time.sleep(0.05)


def interrupt_at(stage: float | str, sig: int, *command: str) -> Callable[[Case], Outcome]:
    """Send ``sig`` ``stage`` seconds into the run, or once its trace folder exists."""

    def run(case: Case) -> Outcome:
        case.earlier_report()
        process = case.start(*command, "--out", str(case.report))
        if isinstance(stage, str):  # "simulation": its scratch trace folder is there
            wait_for(lambda: any((case.work / "tmp").glob("tongban-trace-*")))
            time.sleep(0.3)
        else:  # seconds after the run took its folder (code without a lock: see main)
            lock = case.work / ".rep.lock"
            wait_for(lambda: lock.exists() or process.poll() is not None, LOCK_WAIT_S[0])
            time.sleep(stage)
        process.send_signal(sig)
        done = finish(process)
        return judge(case, done, {130, 0}, "", {"earlier", "new"})

    return run


def kill9_between_renames(case: Case) -> Outcome:
    """SIGKILL between ``NAME → .NAME-old`` and ``staging → NAME``; the next run recovers."""
    case.earlier_report()
    script = textwrap.dedent(
        f"""
        import os, signal
        from pathlib import Path
        from tongban.pipeline.folder import atomic_folder
        real = Path.rename
        def rename(self, target):
            result = real(self, target)
            if Path(target).name.endswith("-old"):
                os.kill(os.getpid(), signal.SIGKILL)
            return result
        Path.rename = rename
        with atomic_folder(Path({str(case.report)!r})) as staging:
            (staging / "summary.json").write_text('{{"package_version": "x"}}')
        """
    )
    subprocess.run(
        [sys.executable, "-c", script], cwd=case.work, env=case.env(), check=False, timeout=60
    )
    args = ["route", str(SCENARIO), "--iterations", "50", "--out", str(case.report)]
    done = run_cli(case, *args)
    return judge(case, done, {0}, "pickups_per_day", {"new"})


def interrupted_swap_left_on_disk(case: Case) -> Outcome:
    """``.NAME-old`` without ``NAME`` and an orphaned staging folder, then a failing run."""
    case.earlier_report()
    case.report.rename(case.work / ".rep-old")
    (case.work / ".rep-abcd1234.staging").mkdir()
    done = run_cli(case, "staff", "--rates", "5", "--out", str(case.report), "--json")
    return judge(case, done, {0}, "clerk_hours", {"new"})


def concurrent_runs(case: Case) -> Outcome:
    """Two runs to the same --out: one writes a whole report, the other exits 2 at once."""
    case.earlier_report()
    command = ("simulate", str(SCENARIO), "--out", str(case.report), "-r", "30")
    first = case.start(*command)
    wait_for(lambda: (case.work / ".rep.lock").exists() or first.poll() is not None)
    second = case.start(*command)
    done_second, done_first = finish(second), finish(first)
    codes = sorted(code or 0 for code in (done_first[0], done_second[0]))
    output = done_first[1] + done_second[1]
    if None in (done_first[0], done_second[0]):
        return Outcome("hang", "")
    if codes != [0, 2]:
        return judge(case, (codes[-1], output), {-1}, "", {"new"})
    return judge(case, (2, output), {2}, "another tongban run is writing there", {"new"})


def out_cases() -> dict[str, Callable[[Case], Outcome]]:
    """Bad output destinations: each must end with exit 2 and one line, nothing written."""

    def refused(args: list[str], message: str, prepare: Callable[[Case], None] | None = None):
        def run(case: Case) -> Outcome:
            case.earlier_report()
            if prepare is not None:
                prepare(case)
            done = run_cli(case, *[a.format(work=case.work, scenario=SCENARIO) for a in args])
            return judge(case, done, {2}, message, {"earlier"})

        return run

    def own_folder(case: Case) -> None:
        (case.work / "mine").mkdir()
        (case.work / "mine" / "staffing.csv").write_text("mine\n", "utf-8")

    def a_file(case: Case) -> None:
        (case.work / "file.txt").write_text("x", "utf-8")

    def a_folder(case: Case) -> None:
        (case.work / "d.png").mkdir()
        (case.work / "d.geojson").mkdir()

    staff = ["staff", "--rates", "5", "--out"]
    route = ["route", "{scenario}", "--iterations", "20", "--out"]
    return {
        "staff_out_own_folder": refused(
            [*staff, "{work}/mine"], "not a tongban report", own_folder
        ),
        "route_out_own_folder": refused(
            [*route, "{work}/mine"], "not a tongban report", own_folder
        ),
        "staff_out_is_file": refused([*staff, "{work}/file.txt"], "not a folder", a_file),
        "run_out_is_file": refused(
            ["run", "{scenario}", "--out", "{work}/file.txt"], "not a folder", a_file
        ),
        "run_out_read_only": refused(["run", "{scenario}", "--out", "/proc/rep"], "cannot write"),
        "geo_map_to_folder": refused(
            ["geo", "map", "--locality", "chizhou", "--out", "{work}/d.png"], "not a file", a_folder
        ),
        "geo_map_to_proc": refused(
            ["geo", "map", "--locality", "chizhou", "--out", "/proc/x.png"], "cannot write"
        ),
        "geo_windows_to_folder": refused(
            ["geo", "windows", "--locality", "chizhou", "--out", "{work}/d.geojson"],
            "not a file",
            a_folder,
        ),
        "geo_windows_to_proc": refused(
            ["geo", "windows", "--locality", "chizhou", "--out", "/proc/x.geojson"], "cannot write"
        ),
    }


def disk_full(case: Case) -> Outcome:
    """Writing fails part-way (a 2 KB file size limit stands in for a full disk)."""
    case.earlier_report()

    def small_files() -> None:  # pragma: no cover - runs in the child process
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))

    process = case.start(
        "simulate", str(SCENARIO), "-r", "1", "--out", str(case.report), preexec_fn=small_files
    )
    return judge(case, finish(process), {2}, "cannot write there", {"earlier"})


def formula_cells(case: Case) -> Outcome:
    """A window id beginning with ``=`` is written as text, not as a formula."""
    case.earlier_report()
    done = run_cli(case, "staff", "--rates", "5", "--window-id", "=1+2", "--out", str(case.report))
    outcome = judge(case, done, {0}, "wrote", {"new"})
    text = (case.report / "staffing_plan.csv").read_text("utf-8") if case.report.is_dir() else ""
    if outcome.kind == "clean" and "'=1+2" not in text:
        return Outcome("wrong", "formula cell written verbatim")
    return outcome


def fault_cases() -> dict[str, Callable[[Case], Outcome]]:
    run = ("run", str(SCENARIO))
    simulate = ("simulate", str(SCENARIO), "--trace", "-r", "50")
    return {
        "kill9_between_renames": kill9_between_renames,
        "interrupted_swap_left_on_disk": interrupted_swap_left_on_disk,
        "concurrent_runs": concurrent_runs,
        "sigint_during_routing": interrupt_at(0.5, signal.SIGINT, *run),
        "sigint_during_staffing": interrupt_at(6.0, signal.SIGINT, *run),
        "sigint_during_simulation": interrupt_at("simulation", signal.SIGINT, *simulate),
        "sigterm_during_routing": interrupt_at(0.5, signal.SIGTERM, *run),
        "sigterm_during_simulation": interrupt_at("simulation", signal.SIGTERM, *simulate),
        "disk_full": disk_full,
        "formula_cells": formula_cells,
        **out_cases(),
    }


CASES = fault_cases()


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CASES))
def test_fault_ends_cleanly(name: str, tmp_path: Path) -> None:
    outcome = CASES[name](Case(REPO, tmp_path))
    assert outcome.kind == "clean", outcome


def main() -> None:
    """Count outcomes of every fault case against the code at ``--root``."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", type=Path, default=REPO)
    root = parser.parse_args().root.resolve()
    if root != REPO:  # code from before the lock: interrupt 4 s in instead
        LOCK_WAIT_S[0] = 4.0
    counts: Counter[str] = Counter()
    for name, case in sorted(CASES.items()):
        with tempfile.TemporaryDirectory() as work:
            outcome = case(Case(root, Path(work)))
        counts[outcome.kind] += 1
        print(f"{outcome.kind:9s} {name:32s} {outcome.detail[:120]}")
    print(dict(counts), "of", sum(counts.values()))


if __name__ == "__main__":
    main()
