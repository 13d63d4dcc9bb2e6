"""Helpers of the reliability suite: corpora, full view dumps, snapshot integrity, child-process targets.

Child targets live here (an importable module) so ``multiprocessing`` forkserver children can run them.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import sysconfig
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from newsetl import delta
from newsetl import sql as wsql
from newsetl.store import CURRENT, KEEP_SNAPSHOTS, MART_PREFIX, SNAPSHOT_DIR, Snapshot, Warehouse

REPO = Path(__file__).resolve().parents[2]
SAMPLE_DIR = REPO / "data" / "sample"

def _executable(name: str) -> Path:
    """A console script of the environment running the tests (wherever its venv lives), else on PATH."""
    p = Path(sysconfig.get_path("scripts")) / name
    if p.exists():
        return p
    found = shutil.which(name)
    assert found, f"no {name} executable: install newsetl into the environment that runs pytest"
    return Path(found)


NEWSETL = _executable("newsetl")

# columns whose values differ between two runs that loaded the same data
VOLATILE = frozenset({"run_id", "ingested_at", "quarantined_at", "started_at", "finished_at", "stage_seconds"})

# a config that keeps runs short: no GX Data Docs pages (they are built after the commit point), and one
# worker: with the default two, a small folder is cut into per-worker batches, and a batch whose files are
# all bad aborts the run (see test_two_workers_split_a_small_mixed_folder)
FAST_CONFIG = "workers: 1\nvalidate_data_docs: false\n"


# ---------------------------------------------------------------------------------------------------
# corpora
# ---------------------------------------------------------------------------------------------------
def sample_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(SAMPLE_DIR.glob("*.txt"))]


def write_articles(d: Path, start: int, n: int, tag: str = "v1", chars: int = 1200) -> list[Path]:
    """``n`` small articles: the head of a sample article plus a note that makes each one distinct."""
    d.mkdir(parents=True, exist_ok=True)
    texts = sample_texts()
    out = []
    for i in range(start, start + n):
        t = texts[i % len(texts)][:chars]
        p = d / f"art_{i:04d}.txt"
        p.write_text(f"{t}\n\nEditor's note ({tag}) {i}: item {i}, desk {i * 7919 % 1000}.\n", encoding="utf-8")
        out.append(p)
    return out


def set_mtime(paths: list[Path], when: float) -> None:
    for p in paths:
        os.utime(p, (when, when))


# ---------------------------------------------------------------------------------------------------
# reading a warehouse
# ---------------------------------------------------------------------------------------------------
def connect(wh_path: Path | str, snap: Snapshot | None = None) -> Any:
    wh = Warehouse(wh_path)
    snap = snap or wh.snapshot()
    con = wsql.connect()
    wsql.snapshot_views(con, wh, snap)
    return con


def view_names(con: Any) -> list[str]:
    return [r[0] for r in con.sql("select distinct table_name from information_schema.columns order by 1").fetchall()]


def dump(wh_path: Path | str) -> dict[str, list[str]]:
    """Every view of the live snapshot as sorted row reprs, without the volatile columns."""
    con = connect(wh_path)
    out: dict[str, list[str]] = {}
    try:
        for v in view_names(con):
            cols = [r[0] for r in con.sql(
                f"select column_name from information_schema.columns where table_name = '{v}' "
                f"order by ordinal_position").fetchall()]
            keep = ", ".join(f'"{c}"' for c in cols if c not in VOLATILE)
            out[v] = sorted(map(repr, con.sql(f"select {keep} from {v}").fetchall()))
    finally:
        con.close()
    return out


def dump_diff(a: dict[str, list[str]], b: dict[str, list[str]], limit: int = 5) -> dict[str, Any]:
    """Readable difference of two dumps (empty when equal)."""
    diff: dict[str, Any] = {}
    for v in sorted(set(a) | set(b)):
        ra, rb = a.get(v, []), b.get(v, [])
        if ra != rb:
            sa, sb = set(ra), set(rb)
            diff[v] = {"rows": (len(ra), len(rb)), "only_a": sorted(sa - sb)[:limit], "only_b": sorted(sb - sa)[:limit]}
    return diff


def check_integrity(wh_path: Path | str) -> Snapshot:
    """What a reader sees is one complete snapshot: CURRENT names an existing snapshot, every file it lists
    exists, is a complete Parquet file (footer + all rows readable), lies under tables/ or marts/ and is not
    a temporary name, and is exactly the file list of the Delta version the snapshot pins; the SQL data
    tests pass on it."""
    wh = Warehouse(wh_path)
    root = Path(wh.root)
    snap = wh.snapshot()
    if snap.id == "0":
        return snap
    assert (root / SNAPSHOT_DIR / f"{snap.id}.json").is_file()
    for table, files in snap.tables.items():
        for rel in files:
            assert rel.startswith(("tables/", "marts/")), (table, rel)
            assert not Path(rel).name.startswith(".") and not rel.endswith(".tmp"), (table, rel)
            p = root / rel
            assert p.is_file(), f"snapshot {snap.id} lists {rel}, which is missing"
            md = pq.read_metadata(p)
            assert pq.read_table(p).num_rows == md.num_rows
        pinned = wh.delta_table(table, snap.versions[table])
        assert pinned is not None, (table, snap.versions[table])
        assert sorted(wh.rel(u) for u in pinned.file_uris()) == sorted(files), table
    con = connect(wh_path, snap)
    try:
        failing = {r.name: r.sample for r in wsql.run_data_tests(con) if r.failing_rows}
    finally:
        con.close()
    assert failing == {}, failing
    return snap


def current_id(wh_path: Path | str) -> str | None:
    p = Path(wh_path) / CURRENT
    try:
        return p.read_text().strip() or None
    except FileNotFoundError:
        return None


def orphan_table_files(wh_path: Path | str) -> list[str]:
    """Data files under tables/ and marts/ that no version in their Delta log references (written by a
    run that died before its Delta commit), and files outside any Delta table. Files of older versions
    are not orphans: they stay for time travel until vacuum's retention has passed."""
    wh = Warehouse(wh_path)
    root = Path(wh.root)
    out: list[str] = []
    for top, prefix in (("tables", ""), ("marts", MART_PREFIX)):
        if not (root / top).exists():
            continue
        for d in sorted((root / top).iterdir()):
            if not (d / "_delta_log").is_dir():
                out += [p.relative_to(root).as_posix() for p in d.rglob("*") if p.is_file()]
                continue
            out += [f"{top}/{d.name}/{f}" for f in delta.untracked_files(wh.entry_uri(prefix + d.name), delete=False)]
    return sorted(out)


def unpinned_files(wh_path: Path | str, keep: int = KEEP_SNAPSHOTS) -> list[str]:
    """Data files on disk that neither the live snapshot nor the ``keep - 1`` published before it pin
    (what vacuum removes once the retention has passed)."""
    wh = Warehouse(wh_path)
    root = Path(wh.root)
    current = int(wh.snapshot().id)
    published = sorted(int(sf.stem) for sf in (root / SNAPSHOT_DIR).glob("*.json")
                       if sf.stem.isdigit() and int(sf.stem) <= current)
    live: set[str] = set()
    for sid in published[-keep:]:
        sf = root / SNAPSHOT_DIR / f"{sid}.json"
        live |= {f for v in Snapshot.from_json(sf.read_text()).tables.values() for f in v}
    on_disk = {p.relative_to(root).as_posix() for top in ("tables", "marts") if (root / top).exists()
               for p in (root / top).rglob("*.parquet") if "_delta_log" not in p.parts}
    return sorted(on_disk - live)


def copy_warehouse(src: Path, dst: Path) -> Path:
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(src, dst, symlinks=True)
    return dst


@contextlib.contextmanager
def chdir(p: Path) -> Iterator[None]:
    old = os.getcwd()
    os.chdir(p)
    try:
        yield
    finally:
        os.chdir(old)


# ---------------------------------------------------------------------------------------------------
# child-process targets (run in a forkserver child with newsetl already imported)
# ---------------------------------------------------------------------------------------------------
PRELOAD = ["newsetl.cli", "newsetl.run", "newsetl.load", "newsetl.store", "newsetl.validate",
           "newsetl.extract.article", "newsetl.dedup", "newsetl.enrich.entities", "newsetl.enrich.sectors",
           "newsetl.ingest", "tests.reliability._support"]


def child_cli(argv: list[str], crash: str | None = None, crash_arg: int = 0) -> None:
    """Run ``newsetl`` with ``argv`` in this (child) process; optionally crash inside the commit.

    crash:
      ``exit_after_snapshot_file``  publish writes the snapshot file, then the process dies (os._exit)
                                    before CURRENT is swapped;
      ``raise_in_publish``          publish raises OSError (disk full) before writing anything;
      ``exit_on_put``               the process dies just before the ``crash_arg``-th Delta commit of
                                    the newsetl commit (``Warehouse._delta_op``, 1-based);
      ``exit_after_publish``        the process dies right after CURRENT is swapped (before garbage
                                    collection and the .duckdb file);
      ``exit_after_gc``             the process dies after garbage collection, before the .duckdb file
                                    is rewritten.
    """
    from newsetl import cli
    from newsetl.store import Warehouse

    if crash == "exit_after_snapshot_file":
        def publish(self: Warehouse, snap: Snapshot) -> None:
            self._write_text_atomic(f"{SNAPSHOT_DIR}/{snap.id}.json", snap.to_json())
            os._exit(70)

        Warehouse.publish = publish  # type: ignore[method-assign]
    elif crash == "raise_in_publish":
        def publish_fail(self: Warehouse, snap: Snapshot) -> None:
            raise OSError(28, "No space left on device (simulated)")

        Warehouse.publish = publish_fail  # type: ignore[method-assign]
    elif crash == "exit_on_put":
        real_op = Warehouse._delta_op
        calls = [0]

        def op(self: Warehouse, entry: str, fn: Any) -> Any:
            calls[0] += 1
            if calls[0] == crash_arg:
                os._exit(71)
            return real_op(self, entry, fn)

        Warehouse._delta_op = op  # type: ignore[method-assign]
    elif crash == "exit_after_publish":
        real_publish = Warehouse.publish

        def publish_then_die(self: Warehouse, snap: Snapshot) -> None:
            real_publish(self, snap)
            os._exit(72)

        Warehouse.publish = publish_then_die  # type: ignore[method-assign]
    elif crash == "exit_after_gc":
        real_gc = Warehouse.garbage_collect
        real_publish_ = Warehouse.publish
        published = [False]

        def publish_and_note(self: Warehouse, snap: Snapshot) -> None:
            real_publish_(self, snap)
            published[0] = True

        def gc_then_die(self: Warehouse, keep_snapshots: int = 1) -> int:
            n = real_gc(self, keep_snapshots)
            if published[0]:  # the collection that follows the commit (not the recovery one before it)
                os._exit(73)
            return n

        Warehouse.publish = publish_and_note  # type: ignore[method-assign]
        Warehouse.garbage_collect = gc_then_die  # type: ignore[method-assign]
    sys.stdout.flush()
    code = cli.main(argv)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def child_count_puts(argv: list[str], out_file: str) -> None:
    """Run ``newsetl`` and write how many Delta commits the commit made (to pick crash points)."""
    from newsetl import cli
    from newsetl.store import Warehouse

    real_op = Warehouse._delta_op
    calls = [0]

    def op(self: Warehouse, entry: str, fn: Any) -> Any:
        calls[0] += 1
        return real_op(self, entry, fn)

    Warehouse._delta_op = op  # type: ignore[method-assign]
    code = cli.main(argv)
    Path(out_file).write_text(str(calls[0]))
    os._exit(code)
