"""The executors with worker processes: a local process pool, and Dask (see
:mod:`tongban.pipeline.executor` for the task contract and what happens when a worker dies)."""

from __future__ import annotations

import importlib
import logging
import os
import pickle
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from typing import Any

from tongban.pipeline.executor import (
    INFRA_RETRIES,
    Executor,
    K,
    OnDone,
    R,
    S,
    WorkerLost,
)

logger = logging.getLogger(__name__)


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


def _install(path: str) -> None:
    """Process-pool initializer: unpickle the shared input once per worker, from the file
    the map wrote (a spawned worker's arguments travel through a pipe, pickled again, and
    would hold a second copy of a national scenario in the parent for every worker)."""
    with open(path, "rb") as handle:
        _WORKER_SHARED["shared"] = pickle.load(handle)


def _call_shared(fn: Callable[[Any, Any], Any], key: Any) -> Any:
    return fn(_WORKER_SHARED["shared"], key)


def _call_part_file(shared: tuple[Callable[[Any, Any], Any], Sequence[str]], key: Any) -> Any:
    """A task whose part is a pickle file; a worker keeps only the part it read last."""
    fn, paths = shared
    path = paths[key[0]]
    if _WORKER_SHARED.get("part_path") != path:
        _WORKER_SHARED.pop("part", None)  # release the previous part before reading the next
        with open(path, "rb") as handle:
            _WORKER_SHARED["part"] = pickle.load(handle)
        _WORKER_SHARED["part_path"] = path
    return fn(_WORKER_SHARED["part"], key)


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
        results: dict[int, R] = {}
        with tempfile.TemporaryDirectory(prefix="tongban-shared-") as folder:
            path = os.path.join(folder, "shared.pickle")
            with open(path, "wb") as handle:  # streamed: no copy of it in this process
                pickle.dump(shared, handle, protocol=pickle.HIGHEST_PROTOCOL)
            for attempt in range(INFRA_RETRIES + 1):
                try:
                    self._run_pool(fn, path, keys, results, (on_done, on_result))
                    return [results[i] for i in range(len(keys))]
                except BrokenProcessPool:
                    missing = len(keys) - len(results)
                    logger.warning(
                        "a worker process died (attempt %d): resubmitting %d tasks",
                        attempt + 1,
                        missing,
                    )
        raise WorkerLost(f"worker processes died {INFRA_RETRIES + 1} times; giving up")

    def map_parts(
        self,
        fn: Callable[[S, tuple[int, K]], R],
        parts: Sequence[S],
        keys: Sequence[tuple[int, K]],
        on_done: OnDone | None = None,
        on_result: Callable[[int, R], None] | None = None,
    ) -> list[R]:
        """As :meth:`Executor.map_parts`: each part is pickled once to a scratch file and a
        worker reads the part of the task it runs (keeping one in memory), so no worker
        receives the parts it does not use."""
        with tempfile.TemporaryDirectory(prefix="tongban-parts-") as folder:
            paths = []
            for number, part in enumerate(parts):
                path = os.path.join(folder, f"part-{number:06d}.pickle")
                with open(path, "wb") as handle:
                    pickle.dump(part, handle, protocol=pickle.HIGHEST_PROTOCOL)
                paths.append(path)
            return self.map(_call_part_file, (fn, tuple(paths)), keys, on_done, on_result)

    def _run_pool(
        self,
        fn: Callable[[S, K], R],
        shared_path: str,
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
            initargs=(shared_path,),
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
        blob = pickle.dumps(shared, protocol=pickle.HIGHEST_PROTOCOL)
        # The shared input as a task (not scattered data): a copy lost with a worker is
        # recomputed from the graph instead of failing the tasks that need it.
        shared_future = self.client.submit(_unpickle, blob, pure=False)
        futures = [self.client.submit(fn, shared_future, key, pure=False) for key in keys]
        return self._gather(futures, [shared_future], on_done, on_result)

    def map_parts(
        self,
        fn: Callable[[S, tuple[int, K]], R],
        parts: Sequence[S],
        keys: Sequence[tuple[int, K]],
        on_done: OnDone | None = None,
        on_result: Callable[[int, R], None] | None = None,
    ) -> list[R]:
        """As :meth:`Executor.map_parts`: each part is a task of its own, so a worker fetches
        only the parts of the tasks it runs (and a lost copy is recomputed)."""
        part_futures = [
            self.client.submit(
                _unpickle, pickle.dumps(part, protocol=pickle.HIGHEST_PROTOCOL), pure=False
            )
            for part in parts
        ]
        futures = [self.client.submit(fn, part_futures[key[0]], key, pure=False) for key in keys]
        return self._gather(futures, part_futures, on_done, on_result)

    def _gather(
        self,
        futures: list[Any],
        inputs: list[Any],
        on_done: OnDone | None,
        on_result: Callable[[int, Any], None] | None,
    ) -> list[Any]:
        """The futures' results in order, notifying as each arrives; everything is cancelled
        at the end (or when a task or a callback raises)."""
        index = {future.key: i for i, future in enumerate(futures)}
        results: dict[int, Any] = {}
        try:
            for future in _distributed().as_completed(futures):
                position = index[future.key]
                results[position] = future.result()  # a model error raises here
                _notify(
                    (on_done, on_result), position, results[position], len(results), len(futures)
                )
        finally:
            self.client.cancel([*futures, *inputs])
        return [results[i] for i in range(len(futures))]

    def close(self) -> None:
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()
