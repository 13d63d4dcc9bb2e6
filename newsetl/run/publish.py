"""After the commit: the ``newsetl.duckdb`` file and the GX Data Docs of the run."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsetl.store import Warehouse

if TYPE_CHECKING:
    from newsetl.run.batch import BatchSummary


def build_docs(wh: Warehouse, summaries: list[BatchSummary], run_id: str) -> Path | None:
    """GX Data Docs of this run's validation results, into <warehouse>/data_docs (local copy for remote)."""
    from newsetl.validate import build_data_docs

    results: list[dict[str, Any]] = []
    for s in summaries:
        p = Path(s.dir) / "validation.json"
        if p.exists():
            results.extend(json.loads(p.read_text()))
    if not results:
        return None
    return build_data_docs(results[:50], wh.local_dir("data_docs"), run_name=run_id)


def publish_duckdb_file(wh: Warehouse) -> Path | None:
    """Write ``<warehouse>/newsetl.duckdb`` holding the same views (local warehouses only)."""
    import duckdb

    from newsetl import sql as wsql

    if wh.remote:
        return None
    target = Path(wh.root) / "newsetl.duckdb"
    tmp = target.with_name(".newsetl.duckdb.tmp")
    if tmp.exists():
        tmp.unlink()
    con = duckdb.connect(str(tmp))
    try:
        wsql.open_warehouse(wh, con)
    finally:
        con.close()
    os.replace(tmp, target)
    return target


