"""The order of a run's stages, written once: the local runner (``newsetl.run.local``) and the Prefect
flow (``flows/pipeline.py``) both call :func:`run_stages`, each with its own way of executing a stage
(plain calls or a process pool; Prefect tasks with retries)."""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from newsetl.errors import NewsetlError
from newsetl.run.batch import BatchSummary
from newsetl.run.common import now, work_root
from newsetl.run.finalize import replaced_sources
from newsetl.run.kept import kept_versions
from newsetl.run.planning import Plan
from newsetl.run.result import RunResult
from newsetl.settings import Settings
from newsetl.store import Warehouse, damaged_file_error, new_run_id

PlanFn = Callable[[list[str], Settings, str, bool], Plan]
ProcessFn = Callable[[Plan, Settings, str], list[BatchSummary]]  # (plan, settings, work root) -> summaries
# (batch dirs, settings, replaced sources, run id, kept versions) -> {"duplicates": n, "finalized": {...}}
DedupFn = Callable[[list[str], Settings, set[str], str, dict[str, str]], dict[str, Any]]
# (..., duplicates, batches finalized during dedup: batch dir -> row counts per table)
FinishFn = Callable[[Plan, list[BatchSummary], Settings, dt.datetime, dict[str, float], int,
                     dict[str, dict[str, int]] | None], RunResult]


def _no_log(msg: str) -> None:
    return None


@dataclass(frozen=True)
class Stages:
    """How each stage is executed (the functions of ``newsetl.run``, or Prefect tasks wrapping them)."""

    plan: PlanFn
    process: ProcessFn
    dedup: DedupFn
    finish: FinishFn
    log: Callable[[str], None] = field(default=_no_log)


@contextlib.contextmanager
def _naming_damaged_files() -> Iterator[None]:
    """An error reading a warehouse data file (DuckDB, pyarrow, a vanished file) becomes a WarehouseError
    naming the file and ``newsetl repair``; the run has written nothing by then (reads come first)."""
    try:
        yield
    except NewsetlError:
        raise
    except Exception as exc:
        err = damaged_file_error(exc)
        if err is None:
            raise
        raise err from exc


def run_stages(sources: list[str], settings: Settings, stages: Stages, *, run_id: str | None = None,
               wait_seconds: float = 0.0, retry_quarantined: bool = False) -> RunResult:
    """Under the writer lock: plan, process the batches, dedupe, then finalize and commit."""
    wh = Warehouse.of(settings)
    started = now()
    secs: dict[str, float] = {}
    rid = run_id or new_run_id()
    with wh.lock(rid, wait_seconds), _naming_damaged_files():
        wh.require_current_format()  # before any work: a warehouse of the old format is converted first
        t0 = time.perf_counter()
        p = stages.plan(sources, settings, rid, retry_quarantined)
        secs["plan"] = time.perf_counter() - t0
        stages.log(f"run {rid}: {p.files_to_read} files to read in {len(p.batches)} batches "
                   f"({p.skipped} unchanged)")
        t0 = time.perf_counter()
        summaries = stages.process(p, settings, str(work_root(wh)))
        secs["process"] = time.perf_counter() - t0
        for s in summaries:
            for k, v in s.seconds.items():
                secs[f"  {k}"] = secs.get(f"  {k}", 0.0) + v
        cached = sum(s.cached for s in summaries)
        if cached:
            stages.log(f"re-used {cached} of {len(summaries)} batches processed by an earlier, failed run")
        t0 = time.perf_counter()
        kept = kept_versions(wh, p, summaries)  # their earlier articles stay: still history for dedup
        # dedup finalizes each batch beside it (newsetl.run.finalize.dedup_and_finalize)
        d = stages.dedup([s.dir for s in summaries], settings, replaced_sources(p, summaries, kept), rid, kept)
        secs["dedup"] = time.perf_counter() - t0
        return stages.finish(p, summaries, settings, started, secs, d["duplicates"], d.get("finalized"))
