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
    use, Delta versions past the pinned ones and files no Delta version references (a commit that died),
    and a ``newsetl.duckdb`` that is not the live snapshot's (missing, older, or altered by a reader)."""
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
    from newsetl import sqlguard

    if not sqlguard.duckdb_file_ok(wh):  # missing, older than the live snapshot, or altered by a reader
        publish_duckdb_file(wh)
