"""``newsetl migrate``: convert a warehouse of the Parquet-snapshot format (newsetl before Delta Lake)
into Delta tables, once.

Under the writer lock: every table of the live snapshot is rewritten as a Delta table in its own folder
(``tables/<name>``, ``pub_month`` partitions), a snapshot pinning those versions is published, the marts
are materialised and checked as in any commit, and then the old-format files and snapshot files are
removed (readers that opened the warehouse before the migration must open it again). Until it has run,
queries keep working on the old format and writers stop with a message naming this command.
"""

from __future__ import annotations

import datetime as dt
import logging

from newsetl import delta
from newsetl import sql as wsql
from newsetl.run.maintain import republish
from newsetl.run.publish import publish_duckdb_file
from newsetl.settings import Settings
from newsetl.store import FORMAT, MART_PREFIX, SNAPSHOT_DIR, Snapshot, Warehouse, new_run_id
from schemas import TABLES

log = logging.getLogger("newsetl.migrate")


def _convert_tables(wh: Warehouse, snap: Snapshot, run_id: str) -> dict[str, int]:
    con = wsql.connect(fs=wh.fs if wh.remote else None, memory_limit=wsql.pipeline_memory_limit())
    rows: dict[str, int] = {}
    try:
        for name in TABLES:
            schema = delta.table_schema(name)
            files = wh.files(name, snap)
            if not files:
                delta.create(wh.entry_uri(name), schema, delta.partition_by(name), wh.storage.retention_hours)
                rows[name] = 0
                continue
            cols = ", ".join(f'"{c}"' for c in schema.names)
            reader = con.sql(f"select {cols} from {wsql.source_relation(name, files)}").to_arrow_reader(32_000)
            data = delta.cast_reader(reader, schema)
            delta.write(wh.entry_uri(name), data, mode="overwrite", parts=delta.partition_by(name), run_id=run_id,
                        schema_mode="overwrite")
            state = wh.entry_state(name)
            rows[name] = int(con.sql(f"select count(*) from {wsql.source_relation(name, files)}").fetchall()[0][0])
            log.info("migrate: %s -> Delta version %s (%d rows)", name, state[0] if state else "?", rows[name])
    finally:
        con.close()
    return rows


def migrate(settings: Settings, wait_seconds: float = 0.0) -> str:
    """Convert the warehouse once; returns a summary (nothing to do when it is already Delta)."""
    wh = Warehouse.of(settings)
    rid = "migrate-" + new_run_id()
    with wh.lock(rid, wait_seconds):
        old = wh.snapshot()
        if old.id == "0":
            return f"no warehouse at {wh.uri}: nothing to migrate"
        if old.format >= FORMAT:
            return f"warehouse {wh.uri} is already made of Delta tables (snapshot {old.id}): nothing to migrate"
        rows = _convert_tables(wh, old, rid)
        versions, files = wh.pin(list(TABLES))
        wh.publish(Snapshot(str(int(old.id) + 1), dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), rid,
                            files, versions))
        res = republish(wh, rid)  # marts as Delta tables, checked like any commit
        removed = _remove_old_format(wh, res.snapshot)
        publish_duckdb_file(wh)
    log.info("migrate: warehouse %s converted to Delta Lake (snapshot %s)", wh.uri, res.snapshot.id)
    return (f"converted warehouse {wh.uri} to Delta Lake tables: snapshot {old.id} -> {res.snapshot.id}, "
            f"{sum(rows.values())} rows in {len(rows)} tables, {len(wsql.mart_names())} marts; "
            f"{removed} old-format files removed")


def _remove_old_format(wh: Warehouse, live: Snapshot) -> int:
    """The old Parquet files (no Delta version references them) and the old-format snapshot files."""
    removed = 0
    for entry in [*TABLES, *(MART_PREFIX + m for m in wsql.mart_names())]:
        removed += len(delta.untracked_files(wh.entry_uri(entry), delete=True))
    for sf in wh.fs.ls(wh.path(SNAPSHOT_DIR), detail=False):
        name = sf.rsplit("/", 1)[-1]
        if name.removesuffix(".json").isdigit() and Snapshot.from_json(wh.fs.cat_file(sf).decode()).format < FORMAT:
            wh.fs.rm(sf)
    return removed
