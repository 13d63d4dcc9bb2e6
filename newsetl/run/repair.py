"""``newsetl repair``: bring a damaged warehouse back to one consistent, readable snapshot.

Nothing a snapshot or a Delta log still references is deleted: damaged state and log files are moved
aside (``<name>.damaged-<stamp>``), damaged data files are dropped from their Delta table by a Delta
commit (vacuum removes them after the retention, like any replaced file). In order:

1. the state pointer (``Warehouse.repair_pointer``): snapshot files that cannot be read are moved aside;
   a missing or corrupt ``_state/CURRENT`` is pointed at the snapshot pinning the latest Delta versions
   (after undoing a commit that died), else those versions are pinned as a new snapshot;
2. Delta logs: a table whose log cannot be replayed (a damaged commit file or checkpoint, a gap), or whose
   pinned version does not list the snapshot's files, gets a new log holding exactly the snapshot's files
   (a mart's log is moved aside and the mart rebuilt);
3. data files: every file the snapshot pins is read whole. A damaged or missing file written by a
   compaction whose input files are still on disk is replaced by them (its rows come back unchanged).
   Otherwise it is dropped, and every source whose rows it may have held (the key range and run ids in
   its Delta statistics) loses its rows in every table and its manifest row, so the next ``newsetl run``
   over the sources reads them again; a damaged mart is rebuilt;
4. the ``newsetl.duckdb`` file, written again when it is missing, stale or altered.

Steps 2 and 3 end with one commit that rebuilds and checks the marts (the gate) and publishes a snapshot.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import replace
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from newsetl import delta
from newsetl.load import StagedRun, commit
from newsetl.run.common import work_root
from newsetl.run.gate import mart_gate
from newsetl.settings import Settings
from newsetl.store import MART_PREFIX, Snapshot, Warehouse, new_run_id, remove_tree
from schemas import TABLES

REENRICHED = frozenset({"article_sectors", "article_entities"})  # rows may carry an `newsetl enrich` run id
SOURCE_TABLES = ("manifest", "raw_documents", "quarantine")  # every source read has a row in one of them


def repair(settings: Settings, wait_seconds: float = 0.0) -> str:
    """Repair the warehouse ``settings`` names (under the writer lock); returns what was done."""
    from newsetl import sqlguard
    from newsetl.run.publish import publish_duckdb_file

    wh = Warehouse.of(settings)
    rid = "repair-" + new_run_id()
    notes: list[str] = []
    with wh.lock(rid, wait_seconds):
        pointer = wh.repair_pointer()
        notes += [pointer] if pointer else []
        if not wh.exists():
            return "\n".join(notes) or f"no warehouse at {wh.uri}: nothing to repair"
        snap = wh.snapshot()
        wh.require_current_format(snap)
        base, log_notes = _repair_logs(wh, snap, rid)
        notes += log_notes
        data_notes, forget = _repair_data(wh, base, rid)
        notes += data_notes
        if log_notes or data_notes:
            staged = StagedRun(rid, work_root(wh) / f"repair-{rid}", replace_sources=forget)
            remove_tree(staged.staging)
            staged.staging.mkdir(parents=True)
            try:
                res = commit(wh, staged, check=mart_gate, base=wh.pin(list(base.versions), rid, base.id))
            finally:
                remove_tree(staged.staging)
            notes.append(f"published snapshot {res.snapshot.id}: the marts rebuilt and checked"
                         + (f"; {len(forget)} source(s) forgotten (their rows and manifest rows removed), so the "
                            f"next `newsetl run` over them reads them again" if forget else ""))
            missing = sorted(u for u in forget if not _exists(u))
            if missing:
                notes.append(f"{len(missing)} of them are no longer at their path (e.g. {missing[0]}): restore "
                             f"those files and run again, or their rows stay gone")
        if not sqlguard.duckdb_file_ok(wh):
            publish_duckdb_file(wh)
            notes.append(f"wrote {wh.url('newsetl.duckdb')} for snapshot {wh.snapshot().id} again")
    if not notes:
        return (f"warehouse {wh.uri}: snapshot {snap.id}, every Delta log and every pinned file read whole: "
                f"nothing to repair")
    return "\n".join(notes)


def _exists(uri: str) -> bool:
    import fsspec

    try:
        fs, path = fsspec.core.url_to_fs(uri)
        return bool(fs.exists(path))
    except (OSError, ValueError):
        return False


# ------------------------------------------------------------------------------------------ Delta logs
def _log_problem(wh: Warehouse, entry: str, snap: Snapshot) -> str | None:
    uri = wh.entry_uri(entry)
    try:
        latest = delta.open_table(uri)
        pinned = delta.open_table(uri, snap.versions[entry])
    except Exception as exc:  # delta-rs: DeltaError, OSError, ... on a log it cannot replay
        return wh.damaged_log(entry) or f"{wh.entry_rel(entry)}/_delta_log cannot be replayed ({exc})"
    if latest is None or pinned is None:
        return f"{wh.entry_rel(entry)}/_delta_log is missing"
    if sorted(wh.rel(u) for u in pinned.file_uris()) != sorted(snap.tables.get(entry, [])):
        return f"its version {snap.versions[entry]} does not list the files snapshot {snap.id} pins"
    return None


def _rebuild_log(wh: Warehouse, entry: str, files: list[str]) -> None:
    """A new Delta log for table ``entry`` whose version 0 holds exactly ``files`` (root-relative)."""
    from deltalake import Schema
    from deltalake.transaction import AddAction, create_table_with_add_actions

    prefix = wh.entry_rel(entry) + "/"
    adds = []
    for rel in files:
        info = wh.fs.info(wh.path(rel))
        mtime = info.get("mtime") or info.get("LastModified") or time.time()
        if isinstance(mtime, dt.datetime):
            mtime = mtime.timestamp()
        with wh.fs.open(wh.path(rel), "rb") as fh:
            n = pq.read_metadata(fh).num_rows
        inner = rel[len(prefix):]
        parts = dict(seg.split("=", 1) for seg in inner.split("/")[:-1] if "=" in seg)
        adds.append(AddAction(path=inner, size=int(info["size"]), partition_values=parts,
                              modification_time=int(float(mtime) * 1000), data_change=True,
                              stats=json.dumps({"numRecords": n})))
    hours = max(1, round(wh.storage.retention_hours))
    create_table_with_add_actions(
        wh.entry_uri(entry), Schema.from_arrow(delta.table_schema(entry)), adds, mode="error",
        partition_by=delta.partition_by(entry), storage_options=delta.storage_options(wh.entry_uri(entry)),
        configuration={"delta.deletedFileRetentionDuration": f"interval {hours} hours",
                       "delta.logRetentionDuration": f"interval {max(30 * 24, 2 * hours)} hours"})


def _repair_logs(wh: Warehouse, snap: Snapshot, rid: str) -> tuple[Snapshot, list[str]]:
    """Rebuild the Delta log of every pinned table whose log is damaged; returns the state to build on."""
    problems = {e: p for e in snap.versions if (p := _log_problem(wh, e, snap))}
    if not problems:
        return snap, []
    wh.begin_write(rid)
    versions, tables = dict(snap.versions), {k: list(v) for k, v in snap.tables.items()}
    notes = []
    for entry, problem in problems.items():
        log_rel = f"{wh.entry_rel(entry)}/_delta_log"
        aside = wh.move_aside(log_rel) if wh.fs.exists(wh.path(log_rel)) else None
        kept = f" (the damaged log is kept as {aside})" if aside else ""
        if entry.startswith(MART_PREFIX):  # rebuilt by the commit that ends the repair
            versions.pop(entry)
            tables.pop(entry, None)
            notes.append(f"the Delta log of {entry} was damaged: {problem}; the mart is rebuilt{kept}")
            continue
        _rebuild_log(wh, entry, snap.tables.get(entry, []))
        versions[entry] = 0
        notes.append(f"the Delta log of {entry} was damaged: {problem}; rebuilt it from snapshot {snap.id}'s "
                     f"{len(snap.tables.get(entry, []))} file(s) as version 0{kept}")
    base = replace(snap, versions=versions, tables=tables)
    wh.roll_back_unpublished(base)  # a commit that died: the other tables back to their pinned versions
    return base, notes


# ------------------------------------------------------------------------------------------ data files
def _read_whole(wh: Warehouse, rel: str) -> str | None:
    """Why the data file cannot be read whole (None: it can)."""
    try:
        with wh.fs.open(wh.path(rel), "rb") as fh:
            for _ in pq.ParquetFile(fh).iter_batches(batch_size=65_536):
                pass
    except FileNotFoundError:
        return "missing"
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError, ... on damaged bytes
        return f"{type(exc).__name__}: {' '.join(str(exc).split())[:160]}"
    return None


def _log_actions(wh: Warehouse, entry: str, version: int) -> list[dict[str, Any]] | None:
    rel = f"{wh.entry_rel(entry)}/_delta_log/{version:020d}.json"
    try:
        text = wh.fs.cat_file(wh.path(rel)).decode()
    except FileNotFoundError:
        return None
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _add_of(wh: Warehouse, entry: str, inner: str, upto: int) -> dict[str, Any] | None:
    """The ``add`` action that put ``inner`` (a path inside the table) in the log, at or before ``upto``."""
    for v in range(upto, -1, -1):
        for a in _log_actions(wh, entry, v) or []:
            if "add" in a and a["add"]["path"] == inner:
                return dict(a["add"], version=v)
    return None


def _from_history(wh: Warehouse, entry: str, rel: str, snap: Snapshot) -> str | None:
    """Put back the files a compaction merged into the damaged ``rel`` when they are all still on disk and
    whole (and every file that compaction wrote is still pinned): the rows come back unchanged."""
    from deltalake.transaction import AddAction, RemoveAction

    prefix = wh.entry_rel(entry) + "/"
    add = _add_of(wh, entry, rel[len(prefix):], snap.versions[entry])
    if add is None:
        return None
    actions = _log_actions(wh, entry, add["version"]) or []
    info: dict[str, Any] = next((a["commitInfo"] for a in actions if "commitInfo" in a), {})
    if info.get("operation") != "OPTIMIZE":
        return None
    added = [a["add"] for a in actions if "add" in a]
    removed = [a["remove"] for a in actions if "remove" in a]
    pinned = {f[len(prefix):] for f in snap.tables.get(entry, [])}
    if not removed or any(a["path"] not in pinned for a in added):
        return None
    if any(_read_whole(wh, prefix + r["path"]) for r in removed):
        return None
    now_ms = int(time.time() * 1000)
    txn: list[Any] = [RemoveAction(path=a["path"], data_change=False, deletion_timestamp=now_ms, size=a.get("size"),
                                   partition_values=a.get("partitionValues")) for a in added]
    for r in removed:
        orig = _add_of(wh, entry, r["path"], add["version"] - 1) or {}
        size = r.get("size") or orig.get("size") or int(wh.fs.info(wh.path(prefix + r["path"]))["size"])
        txn.append(AddAction(path=r["path"], size=int(size),
                             partition_values=r.get("partitionValues") or orig.get("partitionValues") or {},
                             modification_time=int(orig.get("modificationTime") or now_ms), data_change=False,
                             stats=orig.get("stats") or json.dumps({"numRecords": 0})))
    dt_ = delta.open_table(wh.entry_uri(entry))
    assert dt_ is not None
    dt_.create_write_transaction(txn, mode="append", schema=dt_.schema(), partition_by=delta.partition_by(entry))
    return (f"put back the {len(removed)} file(s) the compaction at Delta version {add['version']} merged into it "
            f"(still on disk): its rows are back unchanged")


def _drop_file(wh: Warehouse, entry: str, rel: str, snap: Snapshot) -> dict[str, Any]:
    """Remove ``rel`` from its Delta table; returns its statistics (rows, key and run id ranges)."""
    from deltalake.transaction import RemoveAction

    prefix = wh.entry_rel(entry) + "/"
    inner = rel[len(prefix):]
    pinned = delta.open_table(wh.entry_uri(entry), snap.versions[entry])
    stats: dict[str, Any] = {}
    if pinned is not None:
        acts = pa.table(pinned.get_add_actions(flatten=True))
        rows = [r for r in acts.to_pylist() if r["path"] == inner]
        stats = rows[0] if rows else {}
    dt_ = delta.open_table(wh.entry_uri(entry))
    assert dt_ is not None
    parts: dict[str, str | None] = {k: v for k, v in (seg.split("=", 1) for seg in inner.split("/")[:-1] if "=" in seg)}
    dt_.create_write_transaction(
        [RemoveAction(path=inner, data_change=True, deletion_timestamp=int(time.time() * 1000),
                      size=stats.get("size_bytes"), partition_values=parts)],
        mode="append", schema=dt_.schema(), partition_by=delta.partition_by(entry))
    return stats


def _in_range(value: str, lo: Any, hi: Any) -> bool:
    """``lo <= value <= hi`` where Delta may have cut ``hi`` to a prefix (a value starting with it counts)."""
    return (not isinstance(lo, str) or value >= lo) and (not isinstance(hi, str) or value <= hi or value.startswith(hi))


def _sources_of(wh: Warehouse, entry: str, stats: dict[str, Any], snap: Snapshot, skip: set[str]) -> set[str]:
    """The sources whose rows the dropped file of ``entry`` may have held: every source known to the
    manifest, raw_documents or quarantine (their readable files) whose key lies in the file's key range and
    that a run within the file's run-id range read. Without statistics: every source."""
    from newsetl import sql as wsql

    names = TABLES[entry].schema.names
    key = "source_uri" if "source_uri" in names else "article_id" if "article_id" in names else None
    if key is None:
        return set()
    con = wsql.connect()
    try:
        parts = [f"select source_uri, run_id from {wsql.read_relation(t, files)}" for t in SOURCE_TABLES
                 if (files := [wh.url(f) for f in snap.tables.get(t, []) if f not in skip])]
        if not parts:
            return set()
        known = con.sql(" union ".join(parts)).fetchall()
    finally:
        con.close()
    lo, hi = stats.get(f"min.{key}"), stats.get(f"max.{key}")
    run_lo, run_hi = stats.get("min.run_id"), stats.get("max.run_id")
    out = set()
    for src, run in known:
        if key == "source_uri":
            hit = _in_range(src, lo, hi)
        else:  # ids are `<source>#<n>`: all of a source's ids lie in [source + '#', source + '#:')
            hit = (not isinstance(hi, str) or src + "#" <= hi or hi.startswith(src + "#")) and (
                not isinstance(lo, str) or src + "#:" > lo)
        if hit and (entry in REENRICHED or _in_range(run or "", run_lo, run_hi)):
            out.add(src)
    return out


def _repair_data(wh: Warehouse, base: Snapshot, rid: str) -> tuple[list[str], set[str]]:
    """Read every pinned file whole; repair the damaged ones. Returns (what was done, sources to forget)."""
    damaged = {(e, f): why for e, files in base.tables.items() for f in files if (why := _read_whole(wh, f))}
    if not damaged:
        return [], set()
    wh.begin_write(rid)
    notes: list[str] = []
    forget: set[str] = set()
    skip = {f for _, f in damaged}
    for (entry, rel), why in sorted(damaged.items()):
        if entry.startswith(MART_PREFIX):
            notes.append(f"{rel} ({why}): a file of mart {entry[len(MART_PREFIX):]}, rebuilt from the tables")
            continue
        how = _from_history(wh, entry, rel, base)
        if how:
            notes.append(f"{rel} ({why}): {how}")
            continue
        stats = _drop_file(wh, entry, rel, base)
        sources = _sources_of(wh, entry, stats, base, skip)
        forget |= sources
        rows = stats.get("num_records")
        notes.append(f"{rel} ({why}): no earlier Delta version holds its {rows if rows is not None else 'unknown'} "
                     f"row(s); dropped it from {entry}"
                     + (f" and forgot the {len(sources)} source(s) it may hold rows of" if sources else
                        " (a table not keyed by source: those rows are gone)" if entry == "runs" else ""))
    return notes, forget
