"""The local runner: every stage in this process (or a process pool when ``settings.workers > 1``),
without Prefect. ``newsetl run --no-prefect`` and the library API use it."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import signal
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from newsetl.run import batch, finalize, planning
from newsetl.run.batch import BatchSummary
from newsetl.run.common import ProgressFn
from newsetl.run.planning import Plan
from newsetl.run.result import RunResult
from newsetl.run.stages import Stages, run_stages
from newsetl.settings import Settings
from newsetl.store import Warehouse

#: what a batch worker imports (~3 s CPU): loaded once by the fork server, inherited by every worker
WORKER_MODULES = ("newsetl.run.batch", "newsetl.validate.runner", "newsetl.clean_extract", "newsetl.extract.html",
                  "trafilatura", "newsetl.enrich.sectors", "newsetl.enrich.entities", "newsetl.dedup", "newsetl.ingest")


def warm_imports(settings: Settings | None = None) -> None:
    """Import the heavy libraries of a batch worker in this process, and with ``settings`` build the
    per-process resources too (``common.warm_resources``), so workers forked afterwards inherit both."""
    import importlib

    for mod in WORKER_MODULES:
        importlib.import_module(mod)
    if settings is not None:
        from newsetl.run.common import warm_resources

        warm_resources(settings)


def worker_pool(workers: int, *, start: bool = False, settings: Settings | None = None) -> ProcessPoolExecutor:
    """A process pool for the batches whose workers never inherit DuckDB, delta-rs or other threads.

    Forking this process is the cheap way (the workers inherit the imported libraries), and it is safe
    while it has started neither DuckDB nor delta-rs and runs no other thread (``newsetl.runtime``): the
    case of ``newsetl run --no-prefect``, whose batches run before the commit opens either. Otherwise (a
    long-lived process: Prefect's flow run, a test session, a library user) the workers are forked from a
    *fork server*, a clean process started once per parent that imports :data:`WORKER_MODULES` once (~3 s
    CPU, measured) and never opens DuckDB. A forked worker of a parent that had used DuckDB once
    segfaulted in garbage collection. Without fork (Windows, macOS): the platform's start method.

    With ``settings``, forked workers also inherit the per-process resources built here first
    (:func:`warm_imports`: matchers, GX suites and context, language model); fork-server workers build
    their own.

    ``start=True`` forks the workers now rather than at the first batch: ``newsetl run`` starts its pool
    so before the Prefect flow starts its threads, and the workers stay forked (no fork server to pay).

    The workers ignore SIGINT: a terminal's Ctrl-C reaches the whole process group, and the parent, not
    each worker, decides (:func:`stop_workers`), so no worker prints a traceback of its own.
    """
    from newsetl import runtime

    if "fork" in multiprocessing.get_all_start_methods() and runtime.fork_is_safe():
        warm_imports(settings)  # forked workers inherit them: nothing imported or built twice
    if "fork" in multiprocessing.get_all_start_methods() and runtime.fork_is_safe():  # still, after the set-up
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_ignore_sigint)
        if start:  # a fork pool forks all its workers at its first task
            pool.submit(int).result()
        return pool
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return ProcessPoolExecutor(workers, initializer=_ignore_sigint)
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(list(WORKER_MODULES))  # no effect once this process's fork server runs
    return ProcessPoolExecutor(workers, mp_context=ctx, initializer=_ignore_sigint)


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def stop_workers(pool: ProcessPoolExecutor) -> None:
    """End a pool's workers at once (Ctrl-C): they ignore SIGINT, and a batch left running would keep the
    run alive until it ends. Takes no lock, so a signal handler may call it; the pool is broken after."""
    procs = getattr(pool, "_processes", None) or {}
    for proc in list(procs.values()):
        proc.terminate()


def local_stages(progress: ProgressFn | None = None) -> Stages:
    """The stages as plain calls (batches on a process pool when there are several workers)."""

    def plan(sources: list[str], settings: Settings, run_id: str, retry: bool) -> Plan:
        return planning.plan(sources, settings, Warehouse.of(settings), run_id, retry)

    def process(p: Plan, settings: Settings, root: str) -> list[BatchSummary]:
        summaries: list[BatchSummary] = []

        def done(s: BatchSummary, total: int) -> None:
            summaries.append(s)
            if progress:
                progress("process", len(summaries), total, files=sum(x.files for x in summaries),
                         articles=sum(x.articles for x in summaries))

        if settings.workers > 1 and len(p.batches) > 1:
            with worker_pool(settings.workers, settings=settings) as ex:
                try:
                    futs = [ex.submit(batch.process_batch, i, b, settings, root, p.known_hashes)
                            for i, b in enumerate(p.batches)]
                    for fut in futs:
                        done(fut.result(), len(futs))
                except BaseException:  # Ctrl-C or a failed batch: no batch left running
                    stop_workers(ex)
                    raise
        else:
            for i, b in enumerate(p.batches):
                done(batch.process_batch(i, b, settings, root, p.known_hashes), len(p.batches))
        return summaries

    def dedup(batch_dirs: list[str], settings: Settings, replaced: set[str], run_id: str,
              kept: dict[str, str]) -> dict[str, Any]:
        return finalize.dedup_and_finalize(batch_dirs, Warehouse.of(settings), settings, replaced, run_id, kept,
                                           progress)

    def finish(p: Plan, summaries: list[BatchSummary], settings: Settings, started: dt.datetime,
               secs: dict[str, float], duplicates: int, finalized: dict[str, dict[str, int]] | None) -> RunResult:
        return finalize.finish_run(Warehouse.of(settings), p, summaries, settings, started, secs, duplicates,
                                   finalized)

    return Stages(plan=plan, process=process, dedup=dedup, finish=finish)


def run_pipeline(sources: list[str], settings: Settings, *, run_id: str | None = None,
                 wait_seconds: float = 0.0, retry_quarantined: bool = False,
                 progress: ProgressFn | None = None) -> RunResult:
    """Run every step in this process (or a process pool when settings.workers > 1)."""
    return run_stages(sources, settings, local_stages(progress), run_id=run_id, wait_seconds=wait_seconds,
                      retry_quarantined=retry_quarantined)
