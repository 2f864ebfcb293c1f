"""Runs, sweeps and routing jobs execute outside the request, in worker processes.

Each web process runs one :class:`Dispatcher` thread: it claims queued work in the database
(an atomic ``UPDATE … WHERE status = 'queued'``, so several web processes never take the same
run) and hands it to a process pool. Workers write progress, replications and results to
the database, which is the source of truth; a worker dies with its parent (``kill -9`` of
the server leaves no orphan writing on). :func:`resume_interrupted`, called by ``tongban
serve`` before the web processes start, puts runs and sweeps left ``running`` back in the
queue; they then recompute only their missing replications.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from api.db import make_engine
from api.models.common import utcnow
from api.models.routing_jobs import RoutingJobRecord
from api.models.runs import RunRecord, RunStatus
from api.models.sweeps import SweepRecord
from api.run_work import Cancelled, execute_run, fail_work
from api.settings import Settings
from api.sweep_work import execute_sweep
from tongban.kernel.errors import InputError
from tongban.pipeline.executor import make_executor

logger = logging.getLogger(__name__)
PR_SET_PDEATHSIG = 1
#: Set by ``tongban serve --workers N`` (N > 1): web workers die with the server process too.
DIE_WITH_PARENT = "TONGBAN_DIE_WITH_PARENT"
_ENGINES: dict[str, Engine] = {}
Record = type[RunRecord] | type[SweepRecord] | type[RoutingJobRecord]


def _engine(url: str) -> Engine:
    if url not in _ENGINES:
        _ENGINES[url] = make_engine(url)
    return _ENGINES[url]


def die_with_parent() -> None:
    """The kernel kills this process when its parent dies (Linux; elsewhere a no-op)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: orphans notice at their next step
        pass


def run_in_worker(url: str, run_id: int, route_iterations: int) -> None:
    """Worker entry point for a run."""
    _carry(url, RunRecord, run_id, route_iterations)


def sweep_in_worker(url: str, sweep_id: int, route_iterations: int) -> None:
    """Worker entry point for a sweep (its tasks on the same executor as a run's)."""
    _carry(url, SweepRecord, sweep_id, route_iterations)


def _carry(
    url: str, model: type[RunRecord] | type[SweepRecord], item_id: int, route_iterations: int
) -> None:
    """Execute a claimed run or sweep; a failure is recorded on it and the worker stays up."""
    engine = _engine(url)
    execute = execute_run if model is RunRecord else execute_sweep
    try:
        with make_executor() as executor:  # inline, or TONGBAN_DASK_SCHEDULER's cluster
            execute(engine, item_id, route_iterations, executor)
    except Cancelled:
        return
    except InputError as exc:
        fail_work(engine, model, item_id, str(exc))
    except Exception as exc:
        logger.exception("%s %s failed", model.__tablename__, item_id)
        fail_work(engine, model, item_id, f"{type(exc).__name__}: {exc}")


def routing_job_in_worker(url: str, job_id: int, max_seconds: float) -> None:
    """Worker entry point for a routing job."""
    from api.routing_work import run_job

    engine = _engine(url)
    with Session(engine) as session:
        job = session.get(RoutingJobRecord, job_id)
        if job is None or job.status != RunStatus.running:
            return
        request = job.request
    try:
        result, error, final = run_job(request, max_seconds), None, RunStatus.succeeded
    except InputError as exc:
        result, error, final = None, str(exc), RunStatus.failed
    except Exception as exc:
        logger.exception("routing job %s failed", job_id)
        result, error, final = None, f"{type(exc).__name__}: {exc}", RunStatus.failed
    _finish_job(engine, job_id, final, result, error)


def _finish_job(
    engine: Engine, job_id: int, status: str, result: dict[str, Any] | None, error: str | None
) -> None:
    with Session(engine) as session:
        session.execute(
            update(RoutingJobRecord)
            .where(
                col(RoutingJobRecord.id) == job_id,
                col(RoutingJobRecord.status) == RunStatus.running,
            )
            .values(status=status, result=result, error=error, finished_at=utcnow())
        )
        session.commit()


def claim(engine: Engine, model: Record, item_id: int) -> bool:
    """Take a queued run or job for this process; False if another process was first."""
    with Session(engine) as session:
        outcome: Any = session.execute(
            update(model)
            .where(col(model.id) == item_id, col(model.status) == RunStatus.queued)
            .values(status=RunStatus.running, started_at=utcnow())
        )
        session.commit()
        return bool(outcome.rowcount == 1)


def resume_interrupted(engine: Engine) -> int:
    """Put work left ``running`` by a stopped server back in the queue; how many."""
    count = 0
    with Session(engine) as session:
        for model in (RunRecord, SweepRecord, RoutingJobRecord):
            outcome: Any = session.execute(
                update(model)
                .where(col(model.status) == RunStatus.running)
                .values(status=RunStatus.queued)
            )
            count += int(outcome.rowcount or 0)
        session.commit()
    return count


class Dispatcher:
    """Claims queued work and runs it in a process pool of ``settings.job_workers``."""

    def __init__(self, engine: Engine, url: str, settings: Settings) -> None:
        self.engine, self.url, self.settings = engine, url, settings
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._active: dict[Future[None], tuple[Record, int]] = {}
        self._pool: ProcessPoolExecutor | None = None
        self._thread = threading.Thread(target=self._loop, name="tongban-dispatcher", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        """Look for queued work now."""
        self._wake.set()

    def stop(self) -> None:
        """Stop claiming; kill workers (their runs resume at the next start)."""
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=10)
        if self._pool is not None:
            processes = list(getattr(self._pool, "_processes", {}).values())
            self._pool.shutdown(wait=False, cancel_futures=True)
            for process in processes:
                if process.is_alive():
                    process.kill()

    def _pool_(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.settings.job_workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=die_with_parent,
            )
        return self._pool

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self._reap()
                self._fill()
            except Exception:  # a database hiccup must not end the dispatcher
                logger.exception("dispatcher step failed")
            self._wake.wait(self.settings.poll_seconds)
            self._wake.clear()

    def _reap(self) -> None:
        for future in [f for f in self._active if f.done()]:
            model, item_id = self._active.pop(future)
            error = future.exception()
            if error is None:
                continue
            logger.error("worker for %s %s died: %r", model.__tablename__, item_id, error)
            if isinstance(error, BrokenProcessPool):
                self._pool = None
            message = f"worker process died: {error!r}"
            if issubclass(model, (RunRecord, SweepRecord)):
                fail_work(self.engine, model, item_id, message)
            else:
                _finish_job(self.engine, item_id, RunStatus.failed, None, message)

    def _queued(self, model: Record, limit: int) -> list[int]:
        with Session(self.engine) as session:
            query = (
                select(col(model.id))
                .where(col(model.status) == RunStatus.queued)
                .order_by(col(model.id))
                .limit(limit)
            )
            return [int(i) for i in session.exec(query).all() if i is not None]

    def _fill(self) -> None:
        for model in (RoutingJobRecord, RunRecord, SweepRecord):
            free = self.settings.job_workers - len(self._active)
            if free <= 0:
                return
            for item_id in self._queued(model, free):
                if not claim(self.engine, model, item_id):
                    continue
                if model is RunRecord or model is SweepRecord:
                    entry = run_in_worker if model is RunRecord else sweep_in_worker
                    iterations = self.settings.route_iterations
                    future = self._pool_().submit(entry, self.url, item_id, iterations)
                else:
                    seconds = self.settings.max_routing_seconds
                    future = self._pool_().submit(routing_job_in_worker, self.url, item_id, seconds)
                future.add_done_callback(lambda _f: self._wake.set())
                self._active[future] = (model, item_id)
                logger.info("pid %s started %s %s", os.getpid(), model.__tablename__, item_id)
