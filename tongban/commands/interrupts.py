"""SIGINT and SIGTERM end the command cleanly: exit code 130, temporary files removed.

:func:`handle_interrupts` (installed by the CLI entry point) turns both signals into a
:class:`KeyboardInterrupt`, so every ``finally`` and context manager on the way out runs
(staging folders, ``tongban-trace-*`` scratch folders, the output folder's lock). A second
signal while cleaning up is ignored, so the cleanup itself is not cut short.

Two libraries would otherwise take the signal away:

* CP-SAT installs its own SIGINT handler during a solve (a Ctrl-C only stops that search,
  silently, and the run goes on) and leaves SIGINT at the default action afterwards (the
  next Ctrl-C kills the process with nothing cleaned up): every CP-SAT solve of the
  project (``sim.staffing.roster``, ``routing.slot_choice``) sets
  ``catch_sigint_signal = False``, so the signal always reaches the handler here;
* :func:`rearm` reinstalls the handlers (cheap; the progress bar calls it at every step)
  in case any other native code replaced them.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

SIGNALS = (signal.SIGINT, signal.SIGTERM)
INTERRUPTED_EXIT_CODE = 130

_state = {"installed": False, "interrupted": False}


def _on_signal(signum: int, frame: FrameType | None) -> None:
    _state["interrupted"] = True
    for sig in SIGNALS:  # cleanup on the way out must not be interrupted again
        signal.signal(sig, signal.SIG_IGN)
    raise KeyboardInterrupt(signal.Signals(signum).name)


def rearm() -> None:
    """Reinstall the handlers (unless not installed, or already interrupted)."""
    if _state["installed"] and not _state["interrupted"]:
        for sig in SIGNALS:
            signal.signal(sig, _on_signal)


@contextmanager
def handle_interrupts() -> Iterator[None]:
    """While inside: SIGINT/SIGTERM raise :class:`KeyboardInterrupt` (once)."""
    previous = {sig: signal.getsignal(sig) for sig in SIGNALS}
    _state.update(installed=True, interrupted=False)
    rearm()
    try:
        yield
    finally:
        _state["installed"] = False
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def interrupted() -> bool:
    """Whether a signal arrived while the handlers were installed."""
    return _state["interrupted"]
