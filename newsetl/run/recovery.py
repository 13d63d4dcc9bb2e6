"""Recovery: tidy what a crashed run left before the next one commits (the caller holds the lock)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from pathlib import Path

from newsetl.run.common import work_root
from newsetl.run.publish import duckdb_file_path, publish_duckdb_file
from newsetl.store import CURRENT, Warehouse, remove_tree


def recover(wh: Warehouse, keep_run: str | None = None, keep_dirs: Iterable[str] = ()) -> None:
    """Tidy what a crashed run left (caller holds the lock): staging and batch folders this run does not
    use, Delta versions past the pinned ones and files no Delta version references (a commit that died),
    and a ``newsetl.duckdb`` older than the live snapshot."""
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
    with contextlib.suppress(OSError):  # the commit repairs again if this fails
        wh.roll_back_unpublished(wh.snapshot())  # Delta versions and files of a commit that died
    if not wh.remote:
        db = duckdb_file_path(wh)
        current = Path(wh.path(CURRENT))
        if not db.exists() or db.stat().st_mtime < current.stat().st_mtime:
            publish_duckdb_file(wh)


