"""Where independent tasks run: inline, on local processes, or on a Dask cluster.

A task is ``fn(shared, key)``: ``fn`` a module-level function (picklable by reference),
``shared`` the one large read-only input every task needs (e.g. a prepared run), ``key`` a
small value naming the task (a replication index, a sweep point and replication). Tasks
return small results (summary objects and arrays, never per-case lists); results come back
in key order whatever order the tasks finish in, so a seed gives the same answer on every
backend. A task that needs one of several large inputs (a sweep's points) goes through
:meth:`Executor.map_parts`: each worker then receives only the parts its tasks use.

The backends with worker processes (a local pool, Dask) are in
:mod:`tongban.pipeline.backends`; :func:`make_executor` picks one.

Failures: an exception raised by a task (a model error) is never retried — it ends the
map and is raised again here. An infrastructure failure (a worker process that dies) loses
nothing: the process backend starts a fresh pool and resubmits the tasks that had no result
(at most :data:`INFRA_RETRIES` times); on Dask the scheduler reruns the lost tasks on the
remaining workers (its ``allowed-failures``), and the shared input is itself a task, so a
lost copy is recomputed. Tasks depend only on their key, so a rerun returns the same value.
"""

from __future__ import annotations

import os
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any, Literal, TypeVar

from tongban.kernel.errors import InputError

S = TypeVar("S")
K = TypeVar("K")
R = TypeVar("R")

Task = Callable[[S, K], R]
OnDone = Callable[[int, int], None]  # (done, total)
Kind = Literal["inline", "processes", "dask"]

KINDS: tuple[str, ...] = ("inline", "processes", "dask")
SCHEDULER_ENV = "TONGBAN_DASK_SCHEDULER"
MAX_WORKERS = 1024
INFRA_RETRIES = 3  # fresh process pools after a worker died, per map
_ADDRESS = re.compile(r"^(tcp|tls|inproc|ucx)://[^\s/]+(:\d{1,5})?$")


class WorkerLost(RuntimeError):
    """Workers kept dying: the infrastructure, not the model, failed."""


class Executor(ABC):
    """Runs ``fn(shared, key)`` for every key and returns the results in key order."""

    kind: str = "inline"
    workers: int = 1

    @abstractmethod
    def map(
        self,
        fn: Callable[[S, K], R],
        shared: S,
        keys: Sequence[K],
        on_done: OnDone | None = None,
        on_result: Callable[[int, R], None] | None = None,
    ) -> list[R]:
        """Results of ``fn(shared, key)`` in the order of ``keys``.

        ``on_result(position, result)`` sees each result as it arrives (e.g. to store it);
        an exception it raises ends the map (e.g. a cancelled run).
        """

    def map_parts(
        self,
        fn: Callable[[S, tuple[int, K]], R],
        parts: Sequence[S],
        keys: Sequence[tuple[int, K]],
        on_done: OnDone | None = None,
        on_result: Callable[[int, R], None] | None = None,
    ) -> list[R]:
        """Results of ``fn(parts[key[0]], key)`` in the order of ``keys``.

        Each task receives only the part its key names (e.g. one sweep point's prepared
        run), not all of them; here (inline) the parts are simply shared.
        """
        return self.map(_call_part, (fn, tuple(parts)), keys, on_done, on_result)

    def close(self) -> None:  # noqa: B027 - a no-op for backends without workers
        """Release workers (a no-op for backends without any)."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


class InlineExecutor(Executor):
    """Every task in this process, one after the other (tests, small runs)."""

    def map(
        self,
        fn: Callable[[S, K], R],
        shared: S,
        keys: Sequence[K],
        on_done: OnDone | None = None,
        on_result: Callable[[int, R], None] | None = None,
    ) -> list[R]:
        results = []
        for done, key in enumerate(keys, start=1):
            results.append(fn(shared, key))
            if on_result is not None:
                on_result(done - 1, results[-1])
            if on_done is not None:
                on_done(done, len(keys))
        return results


def _call_part(shared: tuple[Callable[[Any, Any], Any], Sequence[Any]], key: Any) -> Any:
    fn, parts = shared
    return fn(parts[key[0]], key)


# -- choosing one ---------------------------------------------------------------------------


def check_choice(kind: str | None, workers: int | None, scheduler: str | None) -> None:
    """Reject an executor choice no backend can honour, naming the option and its range."""
    if kind is not None and kind not in KINDS:
        raise InputError(
            f"executor must be one of {', '.join(KINDS)} (got {kind!r})", field="executor"
        )
    if workers is not None and not 1 <= workers <= MAX_WORKERS:
        raise InputError(
            f"workers must be a whole number in 1..{MAX_WORKERS} (got {workers})", field="workers"
        )
    if scheduler is not None and not _ADDRESS.match(scheduler):
        raise InputError(
            f"scheduler must be an address like tcp://host:8786 (got {scheduler!r})",
            field="scheduler",
        )
    if scheduler is not None and kind not in (None, "dask"):
        raise InputError(
            f"scheduler needs executor dask (got executor {kind!r})", field="scheduler"
        )


def make_executor(
    kind: str | None = None, workers: int | None = None, scheduler: str | None = None
) -> Executor:
    """The executor for a choice (see :func:`resolve_kind`); close it when done."""
    if kind in (None, "dask"):
        scheduler = scheduler or os.environ.get(SCHEDULER_ENV) or None
    check_choice(kind, workers, scheduler)
    chosen = resolve_kind(kind, workers, scheduler)
    from tongban.pipeline.backends import DaskExecutor, ProcessExecutor  # they import this

    if chosen == "dask":
        return DaskExecutor(workers or 1, scheduler)
    if chosen == "processes":
        return ProcessExecutor(workers or os.cpu_count() or 1)
    return InlineExecutor()


def resolve_kind(kind: str | None, workers: int | None, scheduler: str | None) -> str:
    """The named backend; unnamed: dask with a scheduler, processes for > 1 worker, else inline."""
    if kind is not None:
        return kind
    if scheduler is not None:
        return "dask"
    return "processes" if (workers or 1) > 1 else "inline"
