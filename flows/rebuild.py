"""Rebuild: re-publish the marts, the ``.duckdb`` file and the HTML report over the current snapshot.

Use after changing a mart's SQL (``warehouse/sql/marts``) or when the ``.duckdb`` file or the report
was lost. Nothing is re-read: the marts are materialised again from the live snapshot's tables and
checked by the same data tests as a load, then published as a new snapshot (an empty ``StagedRun``
through ``newsetl.load.commit``, ``newsetl.run.maintain.republish``), under the warehouse lock.
"""

from __future__ import annotations

import importlib
import time
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact

from flows.pipeline import COMMIT_TAG, _transient_only
from newsetl.errors import WarehouseError
from newsetl.run.maintain import republish
from newsetl.run.publish import publish_duckdb_file
from newsetl.settings import load_settings, quiet_environment
from newsetl.store import Warehouse, new_run_id

quiet_environment()


@task(name="republish-marts", retries=1, retry_delay_seconds=5, retry_condition_fn=_transient_only,
      persist_result=False, tags=[COMMIT_TAG])
def republish_marts(warehouse: str, run_id: str, config: str | None = None) -> str:
    """Materialise and check the marts over the live tables; publish them as a new snapshot."""
    return republish(Warehouse.of(load_settings(config, warehouse=warehouse)), run_id).snapshot.id


@task(name="duckdb-file", retries=1, retry_delay_seconds=5, retry_condition_fn=_transient_only,
      persist_result=False)
def duckdb_file(warehouse: str) -> str | None:
    path = publish_duckdb_file(Warehouse(warehouse))
    return str(path) if path else None


@task(name="report", retries=1, retry_delay_seconds=5, retry_condition_fn=_transient_only, persist_result=False)
def html_report(warehouse: str) -> str | None:
    logger = get_run_logger()
    try:
        report = importlib.import_module("newsetl.report")
    except ImportError:
        logger.info("newsetl.report is not available: skipping the HTML report")
        return None
    return str(report.write_report(warehouse, None))


@flow(name="newsetl-rebuild", log_prints=True, validate_parameters=True)
def newsetl_rebuild(warehouse: str | None = None, config: str | None = None, report: bool = True,
                    wait_seconds: float = 0.0) -> dict[str, Any]:
    """Re-publish the marts, the DuckDB file and the report over the current snapshot."""
    settings = load_settings(config, warehouse=warehouse)
    wh = Warehouse.of(settings)
    if not wh.exists():
        raise WarehouseError(f"no warehouse at {wh.uri}: load something first (the daily or backfill deployment)")
    run_id = "rebuild-" + new_run_id()
    t0 = time.perf_counter()
    with wh.lock(run_id, wait_seconds):
        snap_id = republish_marts(wh.uri, run_id, config)
        duck = duckdb_file(wh.uri)
    html = html_report(wh.uri) if report else None
    md = (f"# newsetl rebuild {run_id}\n\nMarts re-published as snapshot {snap_id} of `{wh.uri}` "
          f"in {time.perf_counter() - t0:.1f} s.\n\n| output | where |\n|---|---|\n"
          f"| DuckDB file | `{duck or '-'}` |\n| HTML report | `{html or 'skipped'}` |\n")
    create_markdown_artifact(markdown=md, key="newsetl-rebuild", description=f"newsetl rebuild {run_id}")
    return {"run_id": run_id, "snapshot_id": snap_id, "duckdb_file": duck, "report": html}
