"""``newsetl migrate``: convert a warehouse of the Parquet-snapshot format (newsetl before Delta Lake)
into Delta tables, once.

Under the writer lock: every table of the live snapshot is rewritten as a Delta table in its own folder
(``tables/<name>``, ``pub_month`` partitions), a snapshot pinning those versions is published, the marts
are materialised and checked as in any commit, and then the old-format files and snapshot files are
removed (readers that opened the warehouse before the migration must open it again). Until it has run,
queries keep working on the old format and writers stop with a message naming this command.
"""

from __future__ import annotations

import logging

from newsetl import delta
from newsetl import sql as wsql
from newsetl.errors import WarehouseError
from newsetl.run.maintain import republish
from newsetl.run.publish import publish_duckdb_file
from newsetl.settings import Settings
from newsetl.store import FORMAT, MART_PREFIX, SNAPSHOT_DIR, Snapshot, Warehouse, new_run_id
from schemas import TABLES

log = logging.getLogger("newsetl.migrate")


REENRICHED = ("article_sectors", "article_entities")  # rebuilt from the articles when their columns changed


def _convert_tables(wh: Warehouse, snap: Snapshot, run_id: str) -> tuple[dict[str, int], list[str]]:
    """Each table of ``snap`` rewritten as a Delta table; returns rows per table and the tables to re-enrich
    (written by an older schema that lacks a required column only enrichment can fill)."""
    con = wsql.connect(fs=wh.fs if wh.remote else None, memory_limit=wsql.pipeline_memory_limit())
    rows: dict[str, int] = {}
    redo: list[str] = []
    try:
        for name in TABLES:
            schema = delta.table_schema(name)
            files = wh.files(name, snap)
            have = set(wsql.file_columns(con, files))
            lacking = [f.name for f in TABLES[name].schema if f.name not in have and not f.nullable]
            if files and lacking:
                if name not in REENRICHED:
                    raise WarehouseError(f"table {name} of {wh.uri} lacks the required columns {lacking}; it "
                                         f"cannot be converted: reload its sources into a new warehouse")
                log.info("migrate: %s lacks %s: rebuilt by a re-enrichment after the conversion", name, lacking)
                redo.append(name)
                files = []
            if not files:
                delta.create(wh.entry_uri(name), schema, delta.partition_by(name), wh.storage.retention_hours)
                rows[name] = 0
                continue
            cols = ", ".join(f'"{c}"' for c in schema.names)
            rel = wsql.source_relation(name, files)
            data = delta.cast_reader(con.sql(f"select {cols} from {rel}").to_arrow_reader(32_000), schema)
            delta.write(wh.entry_uri(name), data, mode="overwrite", parts=delta.partition_by(name), run_id=run_id,
                        schema_mode="overwrite")
            rows[name] = int(con.sql(f"select count(*) from {rel}").fetchall()[0][0])
            log.info("migrate: %s -> Delta table (%d rows)", name, rows[name])
    finally:
        con.close()
    return rows, redo


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
        rows, redo = _convert_tables(wh, old, rid)
        wh.publish(wh.pin(list(TABLES), rid, str(int(old.id) + 1)))
        res = republish(wh, rid)  # marts as Delta tables, checked like any commit
        removed = _remove_old_format(wh, res.snapshot)
        publish_duckdb_file(wh)
    note = ""
    if redo:  # after the lock is released (re-enrichment takes it)
        from newsetl.run.reenrich import reenrich

        counts = reenrich(settings, wait_seconds=max(wait_seconds, 60.0))
        note = (f"; {', '.join(redo)} rebuilt from the {counts['articles']} articles by a re-enrichment "
                f"(their stored columns predate the current schema)")
    log.info("migrate: warehouse %s converted to Delta Lake (snapshot %s)", wh.uri, res.snapshot.id)
    return (f"converted warehouse {wh.uri} to Delta Lake tables: snapshot {old.id} -> {res.snapshot.id}, "
            f"{sum(rows.values())} rows in {len(rows)} tables, {len(wsql.mart_names())} marts; "
            f"{removed} old-format files removed{note}")


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
