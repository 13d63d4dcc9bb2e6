"""Recovery: tidy what a crashed run left before the next one commits (the caller holds the lock)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from pathlib import Path

from newsetl.run.common import work_root
from newsetl.run.publish import publish_duckdb_file
from newsetl.store import Warehouse, remove_tree


def recover(wh: Warehouse, keep_run: str | None = None, keep_dirs: Iterable[str] = ()) -> None:
    """Tidy what a crashed run left (caller holds the lock): staging and batch folders this run does not
    use, files no snapshot references, and a ``newsetl.duckdb`` older than the live snapshot."""
    if not wh.exists():
        return
    root = work_root(wh)
    keep = {Path(d).name for d in keep_dirs}
    for d in root.glob("run-*"):
        if keep_run is None or d.name != f"run-{keep_run}":
            remove_tree(d)
    for d in root.glob("batch-*"):
        if d.name not in keep:
            remove_tree(d)
    for d in root.glob("enrich-*"):
        remove_tree(d)
    with contextlib.suppress(OSError):  # leftovers are harmless; the next commit collects them again
        wh.garbage_collect()
    if not wh.remote:
        db = Path(wh.root) / "newsetl.duckdb"
        current = Path(wh.path("_state/CURRENT"))
        if not db.exists() or db.stat().st_mtime < current.stat().st_mtime:
            publish_duckdb_file(wh)


