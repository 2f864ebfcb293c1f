"""The bad-input corpus (tests/data/bad_input/cases.toml) run through the CLI, case by case.

Each case runs in its own process with a time bound and an address-space bound, so a case
that hangs or allocates without limit fails the test instead of the machine. Run this file
as a script to count outcomes against any checkout (e.g. the code before a change)::

    python tests/tongban/test_bad_input.py --root /path/to/checkout
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "data" / "bad_input"
TIME_BOUND_S = 20.0
MEMORY_BOUND_BYTES = 2 * 1024**3
CLI = "from tongban.cli import main; main()"


def _nested_toml(path: Path) -> None:
    depth = 100_000
    path.write_text(
        f'name = "deep"\ndays = 5\ndeep = {"[" * depth}{"]" * depth}\n[[windows]]\nid = "W1"\n',
        encoding="utf-8",
    )


def _nested_geojson(path: Path) -> None:
    depth = 100_000
    crs = '{"type": "name", "properties": {"name": "EPSG:4326"}}'
    body = "[" * depth + "]" * depth
    path.write_text(
        f'{{"type": "FeatureCollection", "crs": {crs}, "features": {body}}}', encoding="utf-8"
    )


def _big_scenario(path: Path) -> None:
    padding = "# " + "x" * 1022 + "\n"
    text = 'name = "big"\ndays = 5\n[[windows]]\nid = "W1"\n' + padding * (17 * 1024)
    path.write_text(text, encoding="utf-8")


def _solomon_20001(path: Path) -> None:
    lines = ["BIG", "", "VEHICLE", "NUMBER     CAPACITY", "  25         200", "", "CUSTOMER"]
    lines.append("CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME")
    lines.append("    0      50         50          0          0       1000          0")
    lines += [f"{i} {i % 100} {i // 100 % 100} 1 0 1000 10" for i in range(1, 20_002)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


GENERATORS = {
    "nested_toml": ("nested.toml", _nested_toml),
    "nested_geojson": ("nested.geojson", _nested_geojson),
    "big_scenario": ("big.toml", _big_scenario),
    "solomon_20001": ("big.txt", _solomon_20001),
}


@dataclass(frozen=True)
class Outcome:
    """How one case ended: ``clean`` (expected exit and message), or what went wrong."""

    kind: str  # clean, wrong (exit or message differs), traceback, hang, killed
    code: int | None
    output: str


def load_cases() -> list[dict[str, Any]]:
    """The corpus manifest's cases."""
    with (CORPUS / "cases.toml").open("rb") as handle:
        cases: list[dict[str, Any]] = tomllib.load(handle)["case"]
    return cases


def _limit_memory() -> None:  # pragma: no cover - runs in the child process
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BOUND_BYTES, MEMORY_BOUND_BYTES))


def run_case(case: dict[str, Any], root: Path, work: Path) -> Outcome:
    """Run one corpus case with the code at ``root``; classify how it ended."""
    source = str(case.get("file", ""))
    if source.startswith("gen:"):
        name, make = GENERATORS[source.removeprefix("gen:")]
        file = work / name
        make(file)
    else:
        file = CORPUS / source
    args = [str(a).format(file=file, tmp=work) for a in case["args"]]
    env = {k: v for k, v in os.environ.items() if not k.startswith("TONGBAN_")}
    env["PYTHONPATH"] = str(root)
    try:
        done = subprocess.run(
            [sys.executable, "-c", CLI, *args],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIME_BOUND_S,
            preexec_fn=_limit_memory,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Outcome("hang", None, "")
    output = done.stdout + done.stderr
    if done.returncode < 0:
        return Outcome("killed", done.returncode, output)
    if "Traceback" in output:
        return Outcome("traceback", done.returncode, output)
    one_line = case["exit"] == 0 or len(done.stderr.strip().splitlines()) == 1
    if done.returncode == case["exit"] and case["message"] in output and one_line:
        return Outcome("clean", done.returncode, output)
    return Outcome("wrong", done.returncode, output)


def _params() -> list[Any]:
    params = []
    for case in load_cases():
        marks = []
        if "pending" in case:
            marks.append(pytest.mark.xfail(reason=str(case["pending"]), strict=True))
        params.append(pytest.param(case, id=str(case["id"]), marks=marks))
    return params


@pytest.mark.slow
@pytest.mark.parametrize("case", _params())
def test_bad_input_ends_cleanly(case: dict[str, Any], tmp_path: Path) -> None:
    outcome = run_case(case, REPO, tmp_path)
    assert "Traceback" not in outcome.output
    assert outcome.kind == "clean", (outcome.kind, outcome.code, outcome.output[-2000:])


def test_corpus_manifest_names_existing_files() -> None:
    cases = load_cases()
    assert len({c["id"] for c in cases}) == len(cases)
    for case in cases:
        source = str(case.get("file", ""))
        if source.startswith("gen:"):
            assert source.removeprefix("gen:") in GENERATORS
        elif source:
            assert (CORPUS / source).is_file(), source
        assert case["exit"] in (0, 2) and case["message"]


def main() -> None:
    """Count outcomes of the whole corpus against the code at ``--root``."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", type=Path, default=REPO)
    root = parser.parse_args().root.resolve()
    counts: Counter[str] = Counter()
    for case in load_cases():
        with tempfile.TemporaryDirectory() as work:
            outcome = run_case(case, root, Path(work))
        counts[outcome.kind] += 1
        last = outcome.output.strip().splitlines()[-1:] if outcome.output.strip() else [""]
        print(f"{outcome.kind:9s} {case['id']:28s} exit={outcome.code} {last[0][:110]}")
    print(dict(counts), "of", sum(counts.values()))


if __name__ == "__main__":
    main()
