"""After the commit: the ``newsetl.duckdb`` file and the GX Data Docs of the run."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsetl.store import Warehouse

if TYPE_CHECKING:
    from newsetl.run.batch import BatchSummary


DOCS_MAX_RESULTS = 50


def build_docs(wh: Warehouse, summaries: list[BatchSummary], run_id: str,
               extra: list[dict[str, Any]] | None = None) -> Path | None:
    """GX Data Docs of this run's validation results, into <warehouse>/data_docs (local copy for remote):
    the batches' (``validation*.json``: the batch stage's tables, dedup's duplicates) and ``extra`` (the
    quarantine and the marts, validated by finalize and the gate). At most ``DOCS_MAX_RESULTS`` pages,
    taken table by table in turn, so every validated table has its page."""
    from newsetl.validate import build_data_docs

    results: list[dict[str, Any]] = []
    for s in summaries:
        for p in sorted(Path(s.dir).glob("validation*.json")):
            results.extend(json.loads(p.read_text()))
    results.extend(extra or [])
    if not results:
        return None
    by_table: dict[str, list[dict[str, Any]]] = {}
    for r in results:
        by_table.setdefault(str(((r.get("meta") or {}).get("newsetl") or {}).get("table", "")), []).append(r)
    queues = list(by_table.values())
    picked = [q[i] for i in range(max(map(len, queues))) for q in queues if i < len(q)][:DOCS_MAX_RESULTS]
    return build_data_docs(picked, wh.local_dir("data_docs"), run_name=run_id)


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

    from newsetl import runtime
    from newsetl import sql as wsql

    target = duckdb_file_path(wh)
    tmp = target.with_name(".newsetl.duckdb.tmp")
    tmp.unlink(missing_ok=True)
    runtime.started("duckdb")
    con = duckdb.connect(str(tmp))
    try:
        con.register_filesystem(wh.fs)
        wsql.open_warehouse(wh, con)
    finally:
        con.close()
    os.replace(tmp, target)
    return target
