"""Tasks the executor tests send to worker processes, in a module that imports nothing heavy
(a spawned worker imports the module of every task it unpickles)."""

from __future__ import annotations

import os
import signal
from typing import Any


def kill_once(task: Any, marker: str, at: tuple[int, int], part: Any, key: Any) -> Any:
    """Run ``task``; the worker that picks up task ``at`` first SIGKILLs itself instead
    (``marker`` is created, holding its pid, so the rerun goes through and the test can
    tell that the kill happened)."""
    if tuple(key) == at:
        try:
            handle = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:  # killed once already: this is the rerun
            pass
        else:
            os.write(handle, str(os.getpid()).encode())
            os.close(handle)
            os.kill(os.getpid(), signal.SIGKILL)
    return task(part, key)


def part_and_key(part: Any, key: tuple[int, int]) -> tuple[Any, int]:
    """The part a task received and its own number."""
    return part, key[1]


def _refuse() -> None:
    raise RuntimeError("a worker read a part none of its tasks uses")


class Unreadable:
    """A part that cannot be read back: a worker that loads it fails."""

    def __reduce__(self) -> tuple[Any, tuple[()]]:
        return (_refuse, ())
