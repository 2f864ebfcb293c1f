"""One replication as an executor task: what a worker needs, and no more.

A :class:`ReplicationJob` holds the compiled scenario (routing pickups and staffing already
applied), the run's seed and replication count, and the partitioning. It lives here, not in
:mod:`tongban.pipeline`, so that a worker process unpickling it imports the simulation
alone: the pipeline package brings the report, charts, maps, routing solvers and the
service's models (≈ 300 MB and 1.8 s per worker), none of which a replication uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sim.compile import CompiledScenario
from sim.replication import ReplicationResult, run_replication
from sim.run import applicant_homes
from sim.seeds import replication_seed
from tongban.kernel.collector import fewer_collections
from tongban.kernel.errors import InputError


@dataclass(frozen=True)
class ReplicationJob:
    """The replications of one prepared run, as workers receive it."""

    compiled: CompiledScenario
    seed: int
    replications: int
    partitions: int | None = None  # run each replication decomposed (the same result)


def replicate_job(
    job: ReplicationJob, index: int, trace_dir: Path | None = None
) -> ReplicationResult:
    """Replication ``index`` of ``job`` (its seed: ``replication_seed(seed, index)``).

    With ``trace_dir`` its per-case trace goes to ``trace-repNNN.parquet`` there.
    """
    if not 0 <= index < job.replications:
        raise InputError(
            f"replication index must be in 0..{job.replications - 1} (got {index})",
            field="index",
        )
    trace_path = trace_dir / f"trace-rep{index:03d}.parquet" if trace_dir else None
    with fewer_collections():
        return run_replication(
            job.compiled,
            index,
            replication_seed(job.seed, index),
            trace_path=trace_path,
            homes=applicant_homes(job.compiled),
            partitions=job.partitions,
        )


def replication_task(shared: tuple[ReplicationJob, Path | None], index: int) -> ReplicationResult:
    """One replication as an executor task (``shared``: the job, the trace folder)."""
    job, trace_dir = shared
    return replicate_job(job, index, trace_dir)


def sweep_task(job: ReplicationJob, key: tuple[int, int]) -> ReplicationResult:
    """Replication ``key[1]`` of a sweep's point ``key[0]`` (``job``: that point's run)."""
    return replicate_job(job, key[1])
