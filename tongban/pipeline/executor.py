"""Where independent tasks run: inline, on local processes, or on a Dask cluster.

A task is ``fn(shared, key)``: ``fn`` a module-level function (picklable by reference),
``shared`` the one large read-only input every task needs (e.g. a prepared run), ``key`` a
small value naming the task (a replication index, a sweep point and replication). Tasks
return small results (summary objects and arrays, never per-case lists); results come back
in key order whatever order the tasks finish in, so a seed gives the same answer on every
backend.

Failures: an exception raised by a task (a model error) is never retried — it ends the
map and is raised again here. An infrastructure failure (a worker process that dies) loses
nothing: the process backend starts a fresh pool and resubmits the tasks that had no result
(at most :data:`INFRA_RETRIES` times); on Dask the scheduler reruns the lost tasks on the
remaining workers (its ``allowed-failures``), and the shared input is itself a task, so a
lost copy is recomputed. Tasks depend only on their key, so a rerun returns the same value.
"""

from __future__ import annotations

import importlib
import logging
import os
import pickle
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from types import TracebackType
from typing import Any, Literal, TypeVar

from tongban.kernel.errors import InputError

logger = logging.getLogger(__name__)

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


def _notify(
    callbacks: tuple[OnDone | None, Callable[[int, R], None] | None],
    position: int,
    result: R,
    done: int,
    total: int,
) -> None:
    on_done, on_result = callbacks
    if on_result is not None:
        on_result(position, result)
    if on_done is not None:
        on_done(done, total)


# -- local processes ----------------------------------------------------------------------

_WORKER_SHARED: dict[str, Any] = {}


def _install(blob: bytes) -> None:
    """Process-pool initializer: unpickle the shared input once per worker."""
    _WORKER_SHARED["shared"] = pickle.loads(blob)


def _call_shared(fn: Callable[[Any, Any], Any], key: Any) -> Any:
    return fn(_WORKER_SHARED["shared"], key)


class ProcessExecutor(Executor):
    """A pool of ``workers`` spawned processes (spawn: safe with threads and on every OS)."""

    kind = "processes"

    def __init__(self, workers: int) -> None:
        self.workers = workers

    def map(
        self,
        fn: Callable[[S, K], R],
        shared: S,
        keys: Sequence[K],
        on_done: OnDone | None = None,
        on_result: Callable[[int, R], None] | None = None,
    ) -> list[R]:
        blob = pickle.dumps(shared, protocol=pickle.HIGHEST_PROTOCOL)
        results: dict[int, R] = {}
        for attempt in range(INFRA_RETRIES + 1):
            try:
                self._run_pool(fn, blob, keys, results, (on_done, on_result))
                return [results[i] for i in range(len(keys))]
            except BrokenProcessPool:
                missing = len(keys) - len(results)
                logger.warning(
                    "a worker process died (attempt %d): resubmitting %d tasks",
                    attempt + 1,
                    missing,
                )
        raise WorkerLost(f"worker processes died {INFRA_RETRIES + 1} times; giving up")

    def _run_pool(
        self,
        fn: Callable[[S, K], R],
        blob: bytes,
        keys: Sequence[K],
        results: dict[int, R],
        callbacks: tuple[OnDone | None, Callable[[int, R], None] | None],
    ) -> None:
        """Run the keys without a result; a dead worker raises BrokenProcessPool."""
        pending_keys = [i for i in range(len(keys)) if i not in results]
        workers = max(1, min(self.workers, len(pending_keys)))
        pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=get_context("spawn"),
            initializer=_install,
            initargs=(blob,),
        )
        try:
            futures: dict[Future[Any], int] = {
                pool.submit(_call_shared, fn, keys[i]): i for i in pending_keys
            }
            pending: set[Future[Any]] = set(futures)
            while pending:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    error = future.exception()
                    if error is not None:
                        raise error
                    position = futures[future]
                    results[position] = future.result()
                    _notify(callbacks, position, results[position], len(results), len(keys))
        finally:
            _stop(pool)


def _stop(pool: ProcessPoolExecutor) -> None:
    """Shut the pool down without waiting on its workers: they are terminated.

    A worker killed while holding the pool's queue lock leaves the others blocked on it
    for ever, so a waiting shutdown could hang; the workers hold no state worth keeping
    (every result is in), so they are terminated instead.
    """
    processes = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)
    for process in list(processes.values()):
        process.join(timeout=5)


# -- Dask distributed -----------------------------------------------------------------------


def _distributed() -> Any:
    """The ``distributed`` package (imported on first use: untyped, and slow to import)."""
    return importlib.import_module("distributed")


def _unpickle(blob: bytes) -> Any:
    return pickle.loads(blob)


class DaskExecutor(Executor):
    """A Dask ``LocalCluster`` of ``workers`` processes, or an existing cluster's scheduler."""

    kind = "dask"

    def __init__(self, workers: int = 1, scheduler: str | None = None) -> None:
        self._cluster: Any = None
        if scheduler is None:
            self._cluster = _distributed().LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            self.client: Any = _distributed().Client(self._cluster)
        else:
            self.client = _distributed().Client(scheduler, timeout=30)
        self.workers = len(self.client.scheduler_info().get("workers", {})) or workers

    def map(
        self,
        fn: Callable[[S, K], R],
        shared: S,
        keys: Sequence[K],
        on_done: OnDone | None = None,
        on_result: Callable[[int, R], None] | None = None,
    ) -> list[R]:
        as_completed = _distributed().as_completed
        blob = pickle.dumps(shared, protocol=pickle.HIGHEST_PROTOCOL)
        # The shared input as a task (not scattered data): a copy lost with a worker is
        # recomputed from the graph instead of failing the tasks that need it.
        shared_future = self.client.submit(_unpickle, blob, pure=False)
        futures = [self.client.submit(fn, shared_future, key, pure=False) for key in keys]
        index = {future.key: i for i, future in enumerate(futures)}
        results: dict[int, R] = {}
        try:
            for future in as_completed(futures):
                position = index[future.key]
                results[position] = future.result()  # a model error raises here
                _notify((on_done, on_result), position, results[position], len(results), len(keys))
        finally:
            self.client.cancel([*futures, shared_future])
        return [results[i] for i in range(len(keys))]

    def close(self) -> None:
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()


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
