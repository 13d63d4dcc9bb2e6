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


def duckdb_file_path(wh: Warehouse) -> Path:
    """``<warehouse>/newsetl.duckdb``; for an object-store warehouse, the same name in its local cache
    folder (``$TMPDIR/newsetl/<bucket_prefix>/``), since a DuckDB file cannot be opened in place on S3."""
    return (wh.local_dir("") if wh.remote else Path(wh.root)) / "newsetl.duckdb"


def publish_duckdb_file(wh: Warehouse) -> Path | None:
    """Write the ``newsetl.duckdb`` file holding the same views over the pinned files.

    Local warehouses: checked, read-only, fingerprinted (``newsetl.sqlguard``). For an S3 warehouse it is
    written to the local cache folder and its views read ``s3://`` URLs: a DuckDB that opens it needs the
    ``httpfs`` extension and an S3 secret, or (Python) a connection with the s3fs filesystem registered.
    """
    from newsetl import sqlguard

    if not wh.remote:
        return sqlguard.publish_duckdb_file(wh)
    import duckdb

    from newsetl import sql as wsql

    target = duckdb_file_path(wh)
    tmp = target.with_name(".newsetl.duckdb.tmp")
    tmp.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    try:
        con.register_filesystem(wh.fs)
        wsql.open_warehouse(wh, con)
    finally:
        con.close()
    os.replace(tmp, target)
    return target
