"""Commits that load nothing: re-publish the marts (``newsetl-rebuild``) and ``newsetl maintain`` (compact
every table, publish the compacted versions as a snapshot, vacuum past the retention)."""

from __future__ import annotations

from newsetl.load import CommitResult, StagedRun, commit
from newsetl.run.common import work_root
from newsetl.run.gate import mart_gate
from newsetl.run.publish import publish_duckdb_file
from newsetl.settings import Settings
from newsetl.store import Warehouse, new_run_id, remove_tree


def republish(wh: Warehouse, run_id: str, *, compact_all: bool = False) -> CommitResult:
    """Materialise and check the marts over the live tables and publish them as a new snapshot (caller
    holds the lock); with ``compact_all`` every table's small files are merged first."""
    staged = StagedRun(run_id, work_root(wh) / f"rebuild-{run_id}")
    remove_tree(staged.staging)
    staged.staging.mkdir(parents=True)
    try:
        return commit(wh, staged, check=mart_gate, compact_all=compact_all)
    finally:
        remove_tree(staged.staging)


def maintain(settings: Settings, wait_seconds: float = 0.0) -> str:
    """``newsetl maintain``: compaction of every table, a new snapshot, vacuum; returns a summary."""
    wh = Warehouse.of(settings)
    if not wh.exists():
        return f"no warehouse at {wh.uri}: nothing to maintain"
    rid = "maintain-" + new_run_id()
    with wh.lock(rid, wait_seconds):
        before = {k: len(v) for k, v in wh.snapshot().tables.items()}
        res = republish(wh, rid, compact_all=True)
        publish_duckdb_file(wh)
    after = {k: len(v) for k, v in res.snapshot.tables.items()}
    n0, n1 = sum(before.get(k, 0) for k in after), sum(after.values())
    return (f"snapshot {res.snapshot.id}: {n0} -> {n1} data files after compaction; vacuum removed "
            f"{res.files_removed} files replaced more than {settings.storage.retention_hours:g} h ago")
