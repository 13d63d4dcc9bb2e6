"""Prefect 3 flows: they run the stages of ``newsetl.run`` as tasks, retry I/O and report.

No step logic lives here, and no step order either: ``load_flow`` hands its tasks to
``newsetl.run.stages.run_stages``, the same driver as ``newsetl run --no-prefect``. Tasks take and return small values (paths, counts); the data stays in
Parquet files, so Prefect parameters and results never carry article text.

The large parameters (a batch's file list, the plan, the summaries, the known hashes) go to the tasks
that run in this process ``quote``d (not to process or Dask tasks: a pickled quote comes back wrapping a
tuple): Prefect then hands them over as they are instead of walking every element looking for
futures to resolve and inputs to record, twice per task (measured: ~3 CPU s per 40k-file run, on the
flow's thread, ~1.3 s of it in the commit task on the serial path). They never hold a future.
"""

from __future__ import annotations

import contextvars
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Literal

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner
from prefect.utilities.annotations import quote
from pydantic import BaseModel, Field

from newsetl.errors import TransientError
from newsetl.run import batch, finalize, planning
from newsetl.run.batch import BatchSummary
from newsetl.run.local import stop_workers, worker_pool
from newsetl.run.planning import FileRef, Plan
from newsetl.run.result import RunResult
from newsetl.run.stages import Stages, run_stages
from newsetl.settings import Settings, load_settings, quiet_environment
from newsetl.store import Warehouse

quiet_environment()

Runner = Literal["thread", "process", "dask"]
ARTIFACT_KEY = "newsetl-run-summary"
COMMIT_TAG = "newsetl-commit"  # optional tag concurrency limit: `prefect concurrency-limit create newsetl-commit 1`


def _transient_only(task: Any, task_run: Any, state: Any) -> bool:
    """Retry only I/O that may heal; bad data is quarantined, never retried."""
    try:
        state.result()
    except (TransientError, OSError, TimeoutError):
        return True
    except Exception:
        return False
    return False


class PipelineParams(BaseModel):
    """Typed, validated parameters of the pipeline flow and its deployments."""

    sources: list[str] = Field(..., min_length=1, description="folders, files or fsspec URLs to ingest")
    warehouse: str | None = Field(None, description="warehouse folder or URL (default: settings)")
    config: str | None = Field(None, description="YAML config file")
    workers: int | None = Field(None, ge=1, le=64)
    runner: Runner | None = None
    dask_address: str | None = Field(None, description="scheduler address of an existing Dask cluster")
    batch_size: int | None = Field(None, ge=1)
    retry_quarantined: bool = False
    wait_seconds: float = Field(0.0, ge=0)


@task(name="plan", retries=2, retry_delay_seconds=[2, 10], retry_condition_fn=_transient_only)
def plan_task(sources: list[str], settings: Settings, run_id: str, retry_quarantined: bool) -> Plan:
    """List the sources and cut new or changed files into batches."""
    return planning.plan(sources, settings, Warehouse.of(settings), run_id, retry_quarantined)


_CPU_POOL: ProcessPoolExecutor | None = None
_CPU_POOL_LOCK = threading.Lock()


def cpu_pool(workers: int, settings: Settings | None = None) -> ProcessPoolExecutor:
    """A process pool kept for the life of the flow-run process (``newsetl.run.local.worker_pool``): the one
    ``start_cpu_pool`` forked before the flow started, else workers forked from a fork server that
    imported the libraries once, never forked from this threaded process.

    Measured on the sample: Prefect's ProcessPoolTaskRunner spawns fresh interpreters that import Prefect
    and every library again and talk to the API (~25 s on the sample); forked workers start in
    milliseconds. The Prefect tasks stay one per batch (retries, states, UI), run on
    threads, and hand the CPU work to this pool.
    """
    global _CPU_POOL
    with _CPU_POOL_LOCK:  # the batch tasks' threads ask at once: one pool, not one per thread
        # a pool broken by Ctrl-C (stop_cpu_pool) or a dead worker is replaced
        if _CPU_POOL is None or _CPU_POOL._max_workers != workers or _CPU_POOL._broken:  # type: ignore[attr-defined]
            if _CPU_POOL is not None:
                _CPU_POOL.shutdown(wait=False, cancel_futures=True)
            _CPU_POOL = worker_pool(workers, settings=settings)
        return _CPU_POOL


def start_cpu_pool(workers: int, settings: Settings | None = None) -> None:
    """Start the CPU pool now, forked from this process while it runs no other thread and has opened
    neither DuckDB nor delta-rs: ``newsetl run`` calls it before the flow starts Prefect's threads, so its
    workers inherit the imported libraries and no fork server imports them again (measured: the fork
    server costs ~3 s CPU per run). Anywhere else (a deployment's flow-run process) ``cpu_pool`` takes
    its workers from the fork server."""
    global _CPU_POOL
    with _CPU_POOL_LOCK:
        if _CPU_POOL is None:
            _CPU_POOL = worker_pool(workers, start=True, settings=settings)


def stop_cpu_pool() -> None:
    """End the CPU pool's workers now (Ctrl-C; safe in a signal handler: no lock)."""
    if _CPU_POOL is not None:
        stop_workers(_CPU_POOL)


@task(name="process-batch", retries=2, retry_delay_seconds=[2, 10], retry_condition_fn=_transient_only,
      persist_result=False)
def process_batch_task(batch_no: int, files: list[FileRef], settings: Settings, work_root: str,
                       known_hashes: dict[str, str], pool_workers: int = 0) -> BatchSummary:
    """Read, clean, extract, sign, enrich and validate one batch (in the CPU pool when pool_workers > 0)."""
    if pool_workers > 0:
        fut = cpu_pool(pool_workers, settings).submit(batch.process_batch, batch_no, files, settings, work_root,
                                            known_hashes)
        return fut.result()
    return batch.process_batch(batch_no, files, settings, work_root, known_hashes)


@task(name="dedup", persist_result=False)
def dedup_task(batch_dirs: list[str], settings: Settings, replaced: set[str], run_id: str,
               kept: dict[str, str]) -> dict[str, Any]:
    """Exact and near duplicates, batch after batch, against the warehouse history (each batch finalized
    beside it as soon as it is decided)."""
    return finalize.dedup_and_finalize(batch_dirs, Warehouse.of(settings), settings, replaced, run_id, kept)


@task(name="commit", retries=1, retry_delay_seconds=5, retry_condition_fn=_transient_only, persist_result=False)
def commit_task(plan_: Plan, summaries: list[BatchSummary], settings: Settings,
                started: Any, stage_seconds: dict[str, float], duplicates: int,
                finalized: dict[str, dict[str, int]] | None = None) -> RunResult:
    """Finalize the batches and publish one snapshot (marts checked before it goes live)."""
    return finalize.finish_run(Warehouse.of(settings), plan_, summaries, settings, started,
                               stage_seconds, duplicates, finalized)


def commit_limit_exists() -> bool:
    """Whether the Prefect API holds a concurrency limit for the tag ``COMMIT_TAG`` (``prefect
    concurrency-limit create newsetl-commit 1`` makes the global limit ``tag:newsetl-commit``). When the API
    cannot say, True: the tag stays and Prefect decides."""
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound

    try:
        with get_client(sync_client=True) as client:
            client.read_global_concurrency_limit_by_name(f"tag:{COMMIT_TAG}")
    except ObjectNotFound:
        return False
    except Exception:
        return True
    return True


def check_commit_limit() -> Future[bool]:
    """``commit_limit_exists`` on a thread of its own, started now (in this context: its Prefect settings),
    so its answer is there when the commit starts.

    The commit task carries ``COMMIT_TAG`` only when such a limit exists. A tagged task asks the API for
    its tags' slots before it starts, and that first request of a process stood between dedup and commit
    for 2.4 s of idle wall time in a 40k-file run (measured, temporary server); the warehouse's writer lock,
    not the tag, is what keeps one warehouse consistent (docs/operate.md)."""
    fut: Future[bool] = Future()
    ctx = contextvars.copy_context()

    def run() -> None:
        try:
            fut.set_result(ctx.run(commit_limit_exists))
        except BaseException as exc:  # pragma: no cover - commit_limit_exists catches its errors
            fut.set_exception(exc)

    threading.Thread(target=run, name="newsetl-commit-limit", daemon=True).start()
    return fut


def commit_tags(limit: Future[bool] | None) -> list[str]:
    """The commit task's tags: ``COMMIT_TAG`` when a limit for it exists (or no check was made)."""
    return [COMMIT_TAG] if limit is None or limit.result() else []


def _as_is(value: Any) -> Any:
    return value


def _dedup_stage(batch_dirs: list[str], settings: Settings, replaced: set[str], run_id: str,
                 kept: dict[str, str]) -> dict[str, Any]:
    return dedup_task(batch_dirs, settings, quote(replaced), run_id, quote(kept))


def _commit_stage(limit: Future[bool] | None) -> Any:
    def finish(plan_: Plan, summaries: list[BatchSummary], settings: Settings, started: Any,
               stage_seconds: dict[str, float], duplicates: int,
               finalized: dict[str, dict[str, int]] | None) -> RunResult:
        task_ = commit_task.with_options(tags=commit_tags(limit))
        return task_(quote(plan_), quote(summaries), settings, started, stage_seconds, duplicates, quote(finalized))

    return finish


def _report(res: RunResult) -> str:
    """Publish the run summary as a markdown artifact (key ``newsetl-run-summary``); returns the markdown."""
    from flows.reporting import run_summary_markdown

    md = run_summary_markdown(res)
    create_markdown_artifact(markdown=md, key=ARTIFACT_KEY, description=f"newsetl run {res.run_id}")
    return md


def _process_task_stage(runner: Runner | None, dask_address: str | None) -> Any:
    """The process stage as Prefect tasks: one ``process-batch`` task per batch, on the flow's task runner."""

    def process(p: Plan, settings: Settings, root: str) -> list[BatchSummary]:
        if len(p.batches) <= 1:
            # one batch: run it here; starting a worker pool would cost more than it saves
            return [process_batch_task(i, quote(b), settings, root, quote(p.known_hashes))
                    for i, b in enumerate(p.batches)]
        pool = settings.workers if uses_cpu_pool(runner, settings.workers, dask_address) else 0
        # quoted only for thread tasks: a quote pickled to another process comes back wrapping a tuple
        # (Prefect's annotations are tuple subclasses without __getnewargs__)
        big = quote if runner in (None, "thread") and not dask_address else _as_is
        futures = [process_batch_task.submit(i, big(b), settings, root, big(p.known_hashes), pool)
                   for i, b in enumerate(p.batches)]
        return [f.result() for f in futures]

    return process


@flow(name="newsetl-load", log_prints=True)
def load_flow(params: PipelineParams) -> RunResult:
    """Subflow: plan, process batches (on the chosen task runner), dedupe and commit under the lock."""
    logger = get_run_logger()
    settings = load_settings(params.config, warehouse=params.warehouse, workers=params.workers,
                             batch_size=params.batch_size)
    limit = check_commit_limit()  # answered while the batches run
    stages = Stages(plan=plan_task, process=_process_task_stage(params.runner, params.dask_address),
                    dedup=_dedup_stage, finish=_commit_stage(limit), log=logger.info)
    return run_stages(params.sources, settings, stages, wait_seconds=params.wait_seconds,
                      retry_quarantined=params.retry_quarantined)


def uses_cpu_pool(runner: Runner | None, workers: int, dask_address: str | None = None) -> bool:
    """Default with several workers: thread tasks that hand the CPU work to a forked process pool."""
    return runner in (None, "thread") and not dask_address and workers > 1


def task_runner_for(runner: Runner | None, workers: int, dask_address: str | None = None) -> Any:
    """The Prefect task runner for the batch tasks: threads (+ the CPU pool), Prefect processes or Dask."""
    if runner == "dask" or dask_address:
        from prefect_dask import DaskTaskRunner

        if dask_address:
            return DaskTaskRunner(address=dask_address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True,
                                              "dashboard_address": None})
    if runner == "process":
        return ProcessPoolTaskRunner(max_workers=workers)
    return ThreadPoolTaskRunner(max_workers=max(1, workers))


@flow(name="newsetl-pipeline", log_prints=True, validate_parameters=True)
def newsetl_pipeline(
    sources: list[str],
    warehouse: str | None = None,
    config: str | None = None,
    workers: int | None = None,
    runner: Runner | None = None,
    dask_address: str | None = None,
    batch_size: int | None = None,
    retry_quarantined: bool = False,
    wait_seconds: float = 0.0,
) -> dict[str, Any]:
    """Ingest, clean, dedupe, enrich, validate and load the sources into the warehouse."""
    params = PipelineParams(sources=sources, warehouse=warehouse, config=config, workers=workers, runner=runner,
                            dask_address=dask_address, batch_size=batch_size,
                            retry_quarantined=retry_quarantined, wait_seconds=wait_seconds)
    settings = load_settings(config, warehouse=warehouse, workers=workers, batch_size=batch_size)
    tr = task_runner_for(runner, settings.workers, dask_address)
    res = load_flow.with_options(task_runner=tr)(params)
    _report(res)
    return res.__dict__
