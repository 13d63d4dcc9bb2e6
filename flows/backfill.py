"""Backfill: load the files under some paths whose modification time falls in a date range.

``start``/``end`` are calendar days in UTC, both inclusive: a file qualifies when
``start 00:00 UTC <= mtime < (end + 1 day) 00:00 UTC``. Either bound may be left out (open range);
with neither, every file under ``paths`` qualifies. Files whose mtime is unknown (some object stores)
are loaded only when no bound is given.

The selected files are loaded by the same ``load_flow`` as the daily run, in chunks of ``chunk_files``
files, each chunk one committed snapshot: a long backfill that fails part-way keeps the chunks it
committed, and the re-run skips them through the manifest (unchanged size and mtime). Files already
loaded and unchanged are skipped as in any run.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from prefect import flow, get_run_logger, task
from pydantic import BaseModel, Field, model_validator

from flows.pipeline import PipelineParams, Runner, _report, _transient_only, load_flow, task_runner_for
from newsetl.settings import load_settings, quiet_environment

quiet_environment()


class BackfillParams(BaseModel):
    """Typed, validated parameters of the backfill flow."""

    paths: list[str] = Field(..., min_length=1, description="folders, files, globs or fsspec URLs to scan")
    start: dt.date | None = Field(None, description="first day (UTC, inclusive) of file mtimes to load")
    end: dt.date | None = Field(None, description="last day (UTC, inclusive) of file mtimes to load")
    warehouse: str | None = None
    config: str | None = None
    workers: int | None = Field(None, ge=1, le=64)
    runner: Runner | None = None
    batch_size: int | None = Field(None, ge=1)
    chunk_files: int = Field(20_000, ge=1, description="files per committed snapshot")
    wait_seconds: float = Field(0.0, ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> BackfillParams:
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"end ({self.end}) is before start ({self.start})")
        return self


def mtime_window(start: dt.date | None, end: dt.date | None) -> tuple[float | None, float | None]:
    """[lo, hi) in POSIX seconds for the inclusive UTC day range (None = open)."""
    lo = dt.datetime.combine(start, dt.time(), dt.UTC).timestamp() if start else None
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), dt.UTC).timestamp() if end else None
    return lo, hi


def in_window(mtime: float | None, lo: float | None, hi: float | None) -> bool:
    if lo is None and hi is None:
        return True
    if mtime is None:
        return False
    return (lo is None or mtime >= lo) and (hi is None or mtime < hi)


@task(name="select-files", retries=2, retry_delay_seconds=[2, 10], retry_condition_fn=_transient_only)
def select_files(paths: list[str], start: dt.date | None, end: dt.date | None,
                 config: str | None) -> tuple[list[str], int]:
    """URIs of the files under ``paths`` whose mtime is in the window; and how many were listed."""
    from newsetl.ingest import discover

    settings = load_settings(config)
    found, _rejections = discover(paths, settings.ingest)  # rejections are recorded by the load itself
    lo, hi = mtime_window(start, end)
    return [f.uri for f in found if in_window(f.mtime, lo, hi)], len(found)


@flow(name="newsetl-backfill", log_prints=True, validate_parameters=True)
def newsetl_backfill(
    paths: list[str],
    start: dt.date | None = None,
    end: dt.date | None = None,
    warehouse: str | None = None,
    config: str | None = None,
    workers: int | None = None,
    runner: Runner | None = None,
    batch_size: int | None = None,
    chunk_files: int = 20_000,
    wait_seconds: float = 0.0,
) -> dict[str, Any]:
    """Load the files under ``paths`` modified between ``start`` and ``end`` (UTC days, inclusive)."""
    logger = get_run_logger()
    bp = BackfillParams(paths=paths, start=start, end=end, warehouse=warehouse, config=config, workers=workers,
                        runner=runner, batch_size=batch_size, chunk_files=chunk_files, wait_seconds=wait_seconds)
    uris, listed = select_files(bp.paths, bp.start, bp.end, bp.config)
    logger.info("backfill: %d of %d files have an mtime in [%s, %s]", len(uris), listed,
                bp.start or "-inf", bp.end or "+inf")
    settings = load_settings(bp.config, warehouse=bp.warehouse, workers=bp.workers, batch_size=bp.batch_size)
    out: dict[str, Any] = {"files_listed": listed, "files_selected": len(uris), "runs": []}
    if not uris:
        return out
    for i in range(0, len(uris), bp.chunk_files):
        params = PipelineParams(sources=uris[i : i + bp.chunk_files], warehouse=bp.warehouse, config=bp.config,
                                workers=bp.workers, runner=bp.runner, dask_address=None, batch_size=bp.batch_size,
                                wait_seconds=bp.wait_seconds)
        tr = task_runner_for(bp.runner, settings.workers)
        res = load_flow.with_options(task_runner=tr)(params)
        _report(res)
        out["runs"].append(res.__dict__)
    return out
