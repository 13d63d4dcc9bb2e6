"""The warehouse on disk (or any fsspec filesystem): versioned snapshots of Parquet files.

Layout under the warehouse root::

    tables/<table>/pub_month=YYYY-MM/<run>-<n>.parquet   partitioned tables (articles, article_sectors, ...)
    tables/<table>/<run>-<n>.parquet                      other tables
    marts/<mart>/<run>.parquet                            materialised marts for BI tools
    _state/snapshots/<id>.json                            which files make up each table at version <id>
    _state/CURRENT                                        the id of the live snapshot (swapped atomically)
    _lock                                                 held by the run that writes

A run stages every new file outside the visible tree, moves complete files into place (a rename, so no
partial file is ever visible), writes a new snapshot listing exactly the live files, and only then swaps
``CURRENT``. A crash at any point leaves the previous snapshot readable and complete; the next run
removes the files no snapshot references. Readers (``newsetl sql``, the ``.duckdb`` file) read the file
lists of the live snapshot, never a glob.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import fsspec
import pyarrow as pa
import pyarrow.parquet as pq

from newsetl.errors import WarehouseError, WarehouseLockedError
from schemas import PARTITION_COLUMN, TABLES

STATE_DIR = "_state"
SNAPSHOT_DIR = f"{STATE_DIR}/snapshots"
KEEP_SNAPSHOTS = 2
"""Snapshots whose files garbage collection keeps: the live one and the one before (its readers)."""
CURRENT = f"{STATE_DIR}/CURRENT"
LOCK = "_lock"
PARQUET_OPTS: dict[str, Any] = {"compression": "zstd", "row_group_size": 64_000}


# File descriptors of writer locks this process holds. A forked child (a worker of the CPU pool) gets a
# copy of each, and an flock lives as long as any copy: close them in every child, so a killed run's
# orphaned workers can never keep the warehouse locked.
_HELD_LOCK_FDS: set[int] = set()


def _close_inherited_locks() -> None:
    for fd in list(_HELD_LOCK_FDS):
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD_LOCK_FDS.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_inherited_locks)


def _is_remote(uri: str) -> bool:
    return "://" in uri and not uri.startswith("file://")


@dataclass
class Snapshot:
    """One consistent version of the warehouse: table name -> files (relative to the root)."""

    id: str
    created_at: str
    run_id: str | None
    tables: dict[str, list[str]] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(
            {"id": self.id, "created_at": self.created_at, "run_id": self.run_id, "tables": self.tables},
            indent=1,
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> Snapshot:
        d = json.loads(text)
        return cls(id=d["id"], created_at=d["created_at"], run_id=d.get("run_id"), tables=d["tables"])

    @classmethod
    def empty(cls) -> Snapshot:
        return cls(id="0", created_at="", run_id=None, tables={})


class Warehouse:
    """Access to one warehouse root; the only code that writes it."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        root_s = str(root)
        if _is_remote(root_s):
            self.fs, path = fsspec.core.url_to_fs(root_s)
            self.root = path.rstrip("/")
            self.protocol = root_s.split("://", 1)[0]
            self.remote = True
        else:
            if root_s.startswith("file://"):
                root_s = root_s[len("file://") :]
            self.fs = fsspec.filesystem("file")
            self.root = str(Path(root_s).resolve())
            self.protocol = "file"
            self.remote = False
        self.uri = root_s if self.remote else self.root

    # -- paths ---------------------------------------------------------------------------------------
    def path(self, rel: str) -> str:
        return f"{self.root}/{rel}"

    def url(self, rel: str) -> str:
        """A URI DuckDB and BI tools can read (absolute path locally)."""
        return f"{self.protocol}://{self.root}/{rel}" if self.remote else f"{self.root}/{rel}"

    def local_dir(self, name: str) -> Path:
        """A local working directory for this warehouse (inside it when local)."""
        if self.remote:
            base = Path(tempfile.gettempdir()) / "newsetl" / self.root.replace("/", "_")
        else:
            base = Path(self.root)
        d = base / name
        d.mkdir(parents=True, exist_ok=True)
        return d

    def exists(self) -> bool:
        return self._current_id() is not None

    def _current_id(self) -> str | None:
        """The id in CURRENT, read directly (no existence check: object-store listings may be cached)."""
        try:
            return self.fs.cat_file(self.path(CURRENT)).decode().strip() or None
        except FileNotFoundError:
            return None

    # -- snapshots -----------------------------------------------------------------------------------
    def snapshot(self) -> Snapshot:
        """The live snapshot (an empty one before the first run)."""
        sid = self._current_id()
        if sid is None:
            return Snapshot.empty()
        try:
            return Snapshot.from_json(self.fs.cat_file(self.path(f"{SNAPSHOT_DIR}/{sid}.json")).decode())
        except FileNotFoundError as exc:
            raise WarehouseError(
                f"warehouse {self.uri}: CURRENT names snapshot {sid}, which is missing; "
                f"restore {SNAPSHOT_DIR}/{sid}.json or point CURRENT at an existing snapshot"
            ) from exc

    def files(self, table: str, snap: Snapshot | None = None) -> list[str]:
        snap = snap or self.snapshot()
        return [self.url(f) for f in snap.tables.get(table, [])]

    def read(self, table: str, columns: list[str]) -> pa.Table | None:
        """The given columns of a table's live rows (None while the table has no file)."""
        files = self.files(table)
        if not files:
            return None
        return pq.ParquetDataset(files, filesystem=self.fs if self.remote else None).read(columns=columns)

    # -- locking -------------------------------------------------------------------------------------
    @contextlib.contextmanager
    def lock(self, run_id: str, wait_seconds: float = 0.0) -> Iterator[None]:
        """Hold the writer lock; a second writer waits up to ``wait_seconds`` then stops with a message."""
        if self.remote:
            yield from self._remote_lock(run_id, wait_seconds)
            return
        import fcntl

        Path(self.root).mkdir(parents=True, exist_ok=True)
        fh = open(self.path(LOCK), "a+")  # noqa: SIM115 - held for the whole block
        deadline = time.monotonic() + wait_seconds
        try:
            while True:
                try:
                    fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        fh.seek(0)
                        holder = fh.read().strip() or "another run"
                        raise WarehouseLockedError(
                            f"warehouse {self.uri} is being written by {holder}; wait for it to finish "
                            f"or pass --wait SECONDS to queue behind it"
                        ) from None
                    time.sleep(0.2)
            fh.seek(0)
            fh.truncate()
            fh.write(f"run {run_id} (pid {os.getpid()})\n")
            fh.flush()
            _HELD_LOCK_FDS.add(fh.fileno())
            yield
        finally:
            _HELD_LOCK_FDS.discard(fh.fileno())
            with contextlib.suppress(OSError):
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
            fh.close()

    def _remote_lock(self, run_id: str, wait_seconds: float) -> Iterator[None]:
        """Writer lock on an object store: the ``_lock`` object, created only if absent.

        S3 (and stores honouring ``If-None-Match: *``) make the create atomic (``pipe_file(mode="create")``
        raises ``FileExistsError`` for the loser); other fsspec filesystems fall back to their own
        create mode. A lock older than ``stale_after`` is taken to belong to a dead run and removed.
        """
        lock = self.path(LOCK)
        deadline = time.monotonic() + wait_seconds
        stale_after = 6 * 3600
        owner = f"run {run_id} (pid {os.getpid()}, {uuid.uuid4().hex[:8]})\n".encode()
        while True:
            try:
                self.fs.pipe_file(lock, owner, mode="create")
                break
            except FileExistsError:
                pass
            try:
                self.fs.invalidate_cache(lock)
                info = self.fs.info(lock)
                holder = self.fs.cat_file(lock).decode().strip()
            except FileNotFoundError:
                continue  # released meanwhile: try again at once
            mtime = info.get("LastModified") or info.get("mtime") or info.get("created")
            if isinstance(mtime, int | float):
                mtime = dt.datetime.fromtimestamp(mtime, dt.UTC)
            if isinstance(mtime, dt.datetime):
                if mtime.tzinfo is None:
                    mtime = mtime.replace(tzinfo=dt.UTC)
                if (dt.datetime.now(dt.UTC) - mtime).total_seconds() > stale_after:
                    with contextlib.suppress(FileNotFoundError):
                        self.fs.rm(lock)
                    continue
            if time.monotonic() >= deadline:
                raise WarehouseLockedError(
                    f"warehouse {self.uri} is being written by {holder}; wait for it to finish (--wait "
                    f"SECONDS), or remove {self.protocol}://{lock} if that run is dead"
                )
            time.sleep(0.5)
        try:
            yield
        finally:
            with contextlib.suppress(FileNotFoundError):
                self.fs.rm(lock)

    # -- writing -------------------------------------------------------------------------------------
    def _put(self, local: Path, rel: str) -> None:
        """Move a complete local file to ``rel`` in one step (rename locally, single PUT remotely)."""
        dest = self.path(rel)
        if self.remote:
            self.fs.put_file(str(local), dest)
            local.unlink()
        else:
            Path(dest).parent.mkdir(parents=True, exist_ok=True)
            os.replace(local, dest)

    def _write_text_atomic(self, rel: str, text: str) -> None:
        if self.remote:
            self.fs.pipe_file(self.path(rel), text.encode())
            return
        dest = Path(self.path(rel))
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(f".{dest.name}.{uuid.uuid4().hex}.tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, dest)

    def publish(self, snap: Snapshot) -> None:
        """Write the snapshot file, then swap CURRENT to it (the commit point)."""
        self._write_text_atomic(f"{SNAPSHOT_DIR}/{snap.id}.json", snap.to_json())
        self._write_text_atomic(CURRENT, snap.id + "\n")

    def garbage_collect(self, keep_snapshots: int = KEEP_SNAPSHOTS) -> int:
        """Remove table files no kept snapshot references (left by a crashed or superseded run).

        The live snapshot and the ``keep_snapshots - 1`` before it keep their files, so a reader that
        opened the previous snapshot just before a commit (``newsetl sql``, a BI tool on
        ``newsetl.duckdb``, the report) still finds every file it listed; they go at the next commit.
        """
        snaps_dir = self.path(SNAPSHOT_DIR)
        if self.remote:
            self.fs.invalidate_cache(self.root)  # list what is there now, not what a cache remembers
        if not self.fs.exists(snaps_dir):
            return 0
        current = int(self.snapshot().id)
        snap_files = sorted(self.fs.ls(snaps_dir, detail=False), key=lambda p: int(Path(p).stem))
        # keep the live snapshot (and the ones just before it); one newer than CURRENT was written by a
        # run that died before its commit point: it never existed for readers
        published = [p for p in snap_files if int(Path(p).stem) <= current]
        keep = published[-keep_snapshots:]
        referenced: set[str] = set()
        for sf in keep:
            s = Snapshot.from_json(self.fs.cat_file(sf).decode())
            for files in s.tables.values():
                referenced.update(files)
        removed = 0
        for sf in snap_files:
            if sf not in keep:
                with contextlib.suppress(FileNotFoundError):
                    self.fs.rm(sf)
        for top in ("tables", "marts"):
            base = self.path(top)
            if not self.fs.exists(base):
                continue
            for p in self.fs.find(base):
                rel = p[len(self.root) + 1 :] if p.startswith(self.root) else p
                if rel not in referenced:
                    with contextlib.suppress(FileNotFoundError):
                        self.fs.rm(p)
                        removed += 1
        return removed


def write_parquet(table: pa.Table, path: Path) -> None:
    """Write one Parquet file completely (tmp + rename) so no reader sees a partial file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, tmp, **PARQUET_OPTS)
    os.replace(tmp, path)


def cast_to_schema(table: pa.Table, name: str) -> pa.Table:
    """Select and cast ``table`` to the schema of ``name`` (plus the partition column when partitioned)."""
    spec = TABLES[name]
    cols = []
    fields = list(spec.schema)
    for f in fields:
        if f.name in table.column_names:
            cols.append(table[f.name].cast(f.type))
        elif f.nullable:
            cols.append(pa.nulls(table.num_rows, f.type))
        else:
            raise WarehouseError(f"table {name}: column {f.name} is missing and not nullable")
    schema = spec.schema
    if spec.partitioned:
        cols.append(table[PARTITION_COLUMN].cast(pa.string()))
        schema = schema.append(pa.field(PARTITION_COLUMN, pa.string(), nullable=False))
    return pa.Table.from_arrays(cols, schema=schema)


def new_run_id() -> str:
    now = dt.datetime.now(dt.UTC)
    return now.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]


def remove_tree(p: Path) -> None:
    shutil.rmtree(p, ignore_errors=True)
