"""Arrivals at a shared resource in a canonical order: by time, then by case id.

SimPy runs events of the same minute in the order they were *scheduled* (a global counter),
which depends on everything else in the run. Where cases from elsewhere meet — a reviewer
queue of a staffed office, a window that second visits come back to — that order would
decide who is served first, so a run split into partitions (:mod:`sim.decomposed`) could
not reproduce it. An :class:`Inbox` takes such arrivals instead: ``put(at, key, item)``
holds the item until minute ``at``, and at that minute hands over every item due then, in
``key`` (case id) order, *after* the minute's ordinary events (a priority below SimPy's
``NORMAL``). The order seen by the resource is then a function of (time, case id) alone.

Priorities: office inboxes fire at :data:`OFFICE_PRIORITY`, window inboxes at the later
:data:`WINDOW_PRIORITY`. Nothing a window's inbox starts reaches an office or another
window inside the same minute (a clerk's service takes positive time), and what an office's
inbox starts reaches a window only through ordinary events, which all run before the
window's inbox; so every put for a minute is in before that minute's batch is handed over.

:func:`schedule_at` schedules at an exact minute: ``env.timeout(at - env.now)`` lands on
``now + (at - now)``, which can differ from ``at`` in the last bit, and the decomposed run
must see the very same minutes as the whole run. A :class:`Feeder` starts cases that enter
an environment from outside (inbound cases, a partition's hand-overs) at their exact minutes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from heapq import heappush
from operator import itemgetter
from typing import Any, Generic, TypeVar, cast

import simpy
from simpy.events import NORMAL, EventPriority

OFFICE_PRIORITY = EventPriority(2)  # after URGENT (0) and NORMAL (1) events of the minute
WINDOW_PRIORITY = EventPriority(3)  # after office inboxes (module docstring)

T = TypeVar("T")
_first = itemgetter(0)


class At(simpy.Event):
    """An event that fires at exactly minute ``at`` (not before now) with ``priority``."""

    def __init__(
        self,
        env: simpy.Environment,
        at: float,
        priority: EventPriority = NORMAL,
        value: Any = None,
    ) -> None:
        super().__init__(env)
        self._ok = True
        self._value = value
        schedule_at(env, self, at, priority)


def schedule_at(
    env: simpy.Environment, event: simpy.Event, at: float, priority: EventPriority
) -> None:
    """Put a triggered ``event`` on ``env``'s queue at exactly ``max(at, now)``."""
    heappush(env._queue, (max(at, env.now), priority, next(env._eid), event))


class Inbox(Generic[T]):
    """Items due at a resource, handed to ``deliver`` minute by minute in key order."""

    def __init__(
        self, env: simpy.Environment, priority: EventPriority, deliver: Callable[[T], None]
    ) -> None:
        self.env = env
        self.priority = priority
        self.deliver = deliver
        self._due: dict[float, list[tuple[int, T]]] = {}

    def put(self, at: float, key: int, item: T) -> None:
        """Hold ``item`` until minute ``at`` (now if past); ``key`` orders a minute's items."""
        at = max(at, self.env.now)
        bucket = self._due.get(at)
        if bucket is None:
            bucket = self._due[at] = []
            At(self.env, at, self.priority, at).callbacks.append(self._hand_over)
        bucket.append((key, item))

    def _hand_over(self, event: simpy.Event) -> None:
        bucket = self._due.pop(cast(float, event.value))
        bucket.sort(key=_first)
        deliver = self.deliver
        for _, item in bucket:
            deliver(item)


class Feeder:
    """Starts items at their exact minutes, one event at a time (``items`` sorted by minute).

    Used for cases that enter an environment from outside it: inbound cases, and the
    partitions' hand-overs (:mod:`sim.decomposed`). Items of one minute start in list order;
    what they reach first is an inbox, which orders them by case id anyway.
    """

    def __init__(
        self,
        env: simpy.Environment,
        items: Sequence[tuple[float, Any]],
        start: Callable[[Any], None],
    ) -> None:
        self.env = env
        self.items = items
        self.start = start
        self.next = 0
        if items:
            At(env, items[0][0]).callbacks.append(self._fire)

    @property
    def waiting(self) -> int:
        """Items not started yet."""
        return len(self.items) - self.next

    def _fire(self, _event: simpy.Event) -> None:
        items, now = self.items, self.env.now
        while self.next < len(items) and items[self.next][0] <= now:
            self.start(items[self.next][1])
            self.next += 1
        if self.next < len(items):
            At(self.env, items[self.next][0]).callbacks.append(self._fire)
