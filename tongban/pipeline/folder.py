"""Output folders written whole: check the destination first, build beside it, swap in.

Every command that writes a folder (``run``, ``simulate``, ``staff --out``, ``route --out``)
goes through :func:`atomic_folder`, so a failed run never leaves a partial folder and never
destroys a folder tongban did not write.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tongban.kernel.errors import InputError

MARKER = "summary.json"  # every folder tongban writes has one naming the package version


def is_report_folder(folder: Path) -> bool:
    """``folder`` holds output tongban wrote (its ``summary.json`` names the package)."""
    try:
        summary = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(summary, dict) and "package_version" in summary


def check_destination(destination: Path) -> None:
    """Refuse an output folder whose contents the output would destroy.

    The output replaces its destination whole, so the destination must be missing, empty,
    or a folder tongban wrote earlier — never a folder holding anything else.
    """
    destination = destination.resolve()
    if not destination.exists():
        _check_writable_parent(destination)
        return
    if not destination.is_dir():
        raise InputError(f"--out {destination} exists and is not a folder", field="out")
    if any(destination.iterdir()) and not is_report_folder(destination):
        raise InputError(
            f"--out {destination} is not empty and is not a tongban report folder "
            "(no summary.json written by tongban); choose a new or empty folder",
            field="out",
        )


def _check_writable_parent(destination: Path) -> None:
    """The folder that will hold ``destination`` exists (or can be made) and takes writes."""
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        probe = Path(tempfile.mkdtemp(prefix=f".{destination.name}-probe-", dir=destination.parent))
        probe.rmdir()
    except OSError as exc:
        raise InputError(
            f"--out {destination}: cannot write there ({exc.strerror or exc})", field="out"
        ) from None


@contextmanager
def atomic_folder(destination: Path) -> Iterator[Path]:
    """Yield a temporary folder beside ``destination``; on success replace it with that.

    ``destination`` must pass :func:`check_destination` (call it before any work too).
    """
    destination = destination.resolve()
    check_destination(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{destination.name}-", dir=destination.parent))
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    os.chmod(staging, 0o755)  # mkdtemp makes it private; a report is an ordinary folder
    if destination.exists():
        backup = destination.with_name(f".{destination.name}-old")
        shutil.rmtree(backup, ignore_errors=True)
        destination.rename(backup)
        staging.rename(destination)
        shutil.rmtree(backup, ignore_errors=True)
    else:
        staging.rename(destination)
