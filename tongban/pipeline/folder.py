"""Output folders written whole: check the destination first, build beside it, swap in.

Every command that writes a folder (``run``, ``simulate``, ``staff --out``, ``route --out``)
holds it with :func:`reserved` for the whole command (one writer per folder: a lock file
``.NAME.lock`` beside it) and writes through :func:`atomic_folder`: built in a staging
folder ``.NAME-XXXXXXXX.staging`` beside it and swapped in by two renames (``NAME`` →
``.NAME-old``, staging → ``NAME``), with an interrupted swap restored on the next write.
A failed or interrupted run never leaves a partial folder, never leaves debris, and never
destroys a folder tongban did not write.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import signal
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
        probe = Path(
            tempfile.mkdtemp(
                prefix=f".{destination.name}-", suffix=".probe", dir=destination.parent
            )
        )
        probe.rmdir()
    except OSError as exc:
        raise _cannot_write(destination, exc) from None


def _cannot_write(destination: Path, exc: OSError) -> InputError:
    return InputError(
        f"--out {destination}: cannot write there ({exc.strerror or exc})", field="out"
    )


def _lock_path(destination: Path) -> Path:
    return destination.with_name(f".{destination.name}.lock")


def _backup_path(destination: Path) -> Path:
    return destination.with_name(f".{destination.name}-old")


def _is_staging(destination: Path, candidate: Path) -> bool:
    """``candidate`` is a staging (or probe) folder of ``destination``.

    Exactly ``.NAME-XXXXXXXX.staging`` (or ``.probe``), so another folder's (``NAME-2``)
    are never taken for this one's.
    """
    pattern = rf"\.{re.escape(destination.name)}-[a-z0-9_]{{8}}\.(staging|probe)"
    return re.fullmatch(pattern, candidate.name) is not None


def _acquire(destination: Path) -> int:
    """Lock ``.NAME.lock`` beside ``destination`` (exclusive, not waiting); its descriptor."""
    lock_path = _lock_path(destination)
    while True:
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise _cannot_write(destination, exc) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise InputError(
                f"--out {destination}: another tongban run is writing there "
                f"(lock {lock_path.name}); wait for it or choose another folder",
                field="out",
            ) from None
        try:  # the holder before us may have removed the file after we opened it
            same = os.stat(lock_path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)


def _release(destination: Path, fd: int) -> None:
    try:
        os.unlink(_lock_path(destination))  # while still holding it (see _acquire)
    except FileNotFoundError:
        pass
    finally:
        os.close(fd)


def recover(destination: Path) -> None:
    """Finish or undo an interrupted write of ``destination`` (call with its lock held).

    A run killed between the two renames of the swap leaves ``.NAME-old`` and no ``NAME``:
    the earlier folder is restored. A ``.NAME-old`` beside ``NAME`` is removed, and so is
    every staging folder ``.NAME-*.staging`` — only a run holding the lock creates one, so
    with the lock held here they are all orphans of killed runs.
    """
    backup = _backup_path(destination)
    if backup.is_dir():
        if not destination.exists():
            backup.rename(destination)
        else:
            shutil.rmtree(backup, ignore_errors=True)
    for candidate in destination.parent.iterdir():
        if _is_staging(destination, candidate) and candidate.is_dir():
            shutil.rmtree(candidate, ignore_errors=True)


_held: set[Path] = set()  # destinations whose lock this process holds


@contextmanager
def reserved(destination: Path) -> Iterator[Path]:
    """Hold ``destination`` for one writer for the whole command; yield its full path.

    Checks the destination, takes the lock ``.NAME.lock`` beside it (a second run to the
    same folder ends with :class:`InputError` at once), recovers an interrupted earlier
    write, and checks again. Re-entrant within a process, so :func:`atomic_folder` inside
    a reserved block reuses the lock.
    """
    destination = destination.resolve()
    if destination in _held:
        yield destination
        return
    check_destination(destination)
    fd = _acquire(destination)
    _held.add(destination)
    try:
        try:
            recover(destination)
        except OSError as exc:
            raise _cannot_write(destination, exc) from None
        check_destination(destination)
        yield destination
    finally:
        _held.discard(destination)
        _release(destination, fd)


def _swap(staging: Path, destination: Path) -> None:
    """Put ``staging`` in place of ``destination`` with SIGINT/SIGTERM held back meanwhile.

    A kill -9 between the two renames is undone by :func:`recover` on the next write.
    """
    blocked = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
    try:
        if destination.exists():
            backup = _backup_path(destination)
            shutil.rmtree(backup, ignore_errors=True)
            destination.rename(backup)
            staging.rename(destination)
            shutil.rmtree(backup, ignore_errors=True)
        else:
            staging.rename(destination)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextmanager
def atomic_folder(destination: Path) -> Iterator[Path]:
    """Yield a staging folder beside ``destination``; on success swap it in whole.

    Runs inside :func:`reserved` (taking the lock here if the caller did not). On any
    error or interrupt the staging folder is removed and ``destination`` is untouched; an
    operating-system error while writing (disk full, read-only) becomes an
    :class:`InputError` naming the folder.
    """
    with reserved(destination) as target:
        try:
            staging = Path(
                tempfile.mkdtemp(prefix=f".{target.name}-", suffix=".staging", dir=target.parent)
            )
        except OSError as exc:
            raise _cannot_write(target, exc) from None
        try:
            yield staging
            os.chmod(staging, 0o755)  # mkdtemp makes it private; a report is an ordinary folder
            _swap(staging, target)
        except OSError as exc:
            shutil.rmtree(staging, ignore_errors=True)
            raise _cannot_write(target, exc) from None
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
