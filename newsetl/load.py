"""Commit a run's staged tables into the warehouse as one new snapshot.

Staged files are complete Parquet files in a local staging folder, cast to ``schemas/`` (partitioned
tables carry the ``pub_month`` column). ``commit`` then:

1. removes the earlier version of every reprocessed source (rows keyed by source_uri, or by the
   ``<source_uri>#`` prefix of article_id), rewriting only the files that hold such rows;
2. merges the staged files of each table into a few new files (hive-partitioned by ``pub_month``);
3. materialises the marts over the resulting file set and lets the caller check them;
4. publishes the new snapshot (the atomic commit point) and removes files no snapshot needs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from newsetl import sql as wsql
from newsetl.store import Snapshot, Warehouse, remove_tree
from schemas import PARTITION_COLUMN, TABLES


@dataclass
class StagedRun:
    """What a run wants to change: staged files per table and the sources whose old rows go."""

    run_id: str
    staging: Path
    replace_sources: set[str] = field(default_factory=set)
    replace_tables: set[str] = field(default_factory=set)  # tables rebuilt whole (e.g. a re-enrichment)

    def table_dir(self, table: str) -> Path:
        return self.staging / "final" / table

    def staged_files(self, table: str) -> list[str]:
        d = self.table_dir(table)
        return sorted(str(p) for p in d.glob("*.parquet")) if d.exists() else []


MartCheck = Callable[[duckdb.DuckDBPyConnection], None]


def _key_expr(table: str) -> str | None:
    """SQL for the source a row came from (None: the table is not about sources, e.g. runs)."""
    names = TABLES[table].schema.names
    if "source_uri" in names:
        return "source_uri"
    if "article_id" in names:
        return r"regexp_replace(article_id, '#[0-9]+$', '')"
    return None


def _q(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _remove_sources(
    con: duckdb.DuckDBPyConnection, wh: Warehouse, snap: Snapshot, run_id: str, out_dir: Path
) -> tuple[dict[str, list[str]], int]:
    """Rewrite the files holding rows of the replaced sources; returns new file lists, articles removed."""
    tables = {k: list(v) for k, v in snap.tables.items()}
    removed_articles = 0
    n = 0
    for name in TABLES:
        rel_files = tables.get(name, [])
        key = _key_expr(name)
        if not rel_files or key is None:
            continue
        urls = [wh.url(f) for f in rel_files]
        flist = "[" + ", ".join(_q(u) for u in urls) + "]"
        hit = con.sql(
            f"select filename, count(*) from read_parquet({flist}, filename = true, union_by_name = true) "
            f"where {key} in (select uri from replaced) group by filename"
        ).fetchall()
        if not hit:
            continue
        if name == "articles":
            removed_articles = sum(int(c) for _, c in hit)
        by_url = dict(zip(urls, rel_files, strict=True))
        for url, _count in hit:
            rel = by_url[url]
            n += 1
            local = out_dir / f"rewrite-{n}.parquet"
            con.execute(
                f"copy (select * from read_parquet({_q(url)}) where {key} not in (select uri from replaced)) "
                f"to {_q(str(local))} (format parquet, compression zstd)"
            )
            left = con.sql(f"select count(*) from read_parquet({_q(str(local))})").fetchall()[0]
            tables[name].remove(rel)
            if left[0]:
                new_rel = str(Path(rel).parent / f"{run_id}-r{n}.parquet")
                wh._put(local, new_rel)
                tables[name].append(new_rel)
            else:
                local.unlink()
    return tables, removed_articles


def _append_staged(
    con: duckdb.DuckDBPyConnection, wh: Warehouse, staged: StagedRun, tables: dict[str, list[str]], out_dir: Path
) -> dict[str, int]:
    """Merge each table's staged files into new files of the warehouse; returns rows per table."""
    counts: dict[str, int] = {}
    for name, spec in TABLES.items():
        files = staged.staged_files(name)
        if not files:
            continue
        flist = "[" + ", ".join(_q(f) for f in files) + "]"
        rows = con.sql(f"select count(*) from read_parquet({flist}, union_by_name = true)").fetchall()[0]
        counts[name] = int(rows[0])
        if not counts[name]:
            continue
        target = out_dir / name
        remove_tree(target)
        if spec.partitioned:
            con.execute(
                f"copy (select * from read_parquet({flist}, union_by_name = true)) to {_q(str(target))} "
                f"(format parquet, compression zstd, partition_by ({PARTITION_COLUMN}), "
                f"filename_pattern '{staged.run_id}-{{i}}', row_group_size 64000)"
            )
        else:
            target.mkdir(parents=True, exist_ok=True)
            con.execute(
                f"copy (select * from read_parquet({flist}, union_by_name = true)) to "
                f"{_q(str(target / (staged.run_id + '-0.parquet')))} (format parquet, compression zstd, "
                f"row_group_size 64000)"
            )
        for p in sorted(target.rglob("*.parquet")):
            rel = f"tables/{name}/{p.relative_to(target).as_posix()}"
            wh._put(p, rel)
            tables.setdefault(name, []).append(rel)
    return counts


def _materialise_marts(
    con: duckdb.DuckDBPyConnection, wh: Warehouse, tables: dict[str, list[str]], run_id: str, out_dir: Path
) -> None:
    wsql.create_views(con, {k: [wh.url(f) for f in v] for k, v in tables.items()})
    for name in wsql.mart_names():
        local = out_dir / f"mart-{name}.parquet"
        con.execute(f"copy (select * from {name}) to {_q(str(local))} (format parquet, compression zstd)")
        rel = f"marts/{name}/{run_id}.parquet"
        wh._put(local, rel)
        tables[f"{wsql.MART_PREFIX}{name}"] = [rel]


@dataclass
class CommitResult:
    snapshot: Snapshot
    rows: dict[str, int]
    superseded_articles: int
    files_removed: int


def commit(wh: Warehouse, staged: StagedRun, check: MartCheck | None = None) -> CommitResult:
    """Apply ``staged`` as one new snapshot. Caller holds ``wh.lock``. Raises before publishing on failure."""
    snap = wh.snapshot()
    out_dir = staged.staging / "commit"
    remove_tree(out_dir)
    out_dir.mkdir(parents=True)
    con = wsql.connect(fs=wh.fs if wh.remote else None, memory_limit=wsql.pipeline_memory_limit())
    try:
        con.execute("create temp table replaced (uri varchar)")
        if staged.replace_sources:
            con.executemany("insert into replaced values (?)", [[u] for u in sorted(staged.replace_sources)])
            tables, superseded = _remove_sources(con, wh, snap, staged.run_id, out_dir)
        else:
            tables, superseded = {k: list(v) for k, v in snap.tables.items()}, 0
        for name in staged.replace_tables:
            tables[name] = []
        rows = _append_staged(con, wh, staged, tables, out_dir)
        _materialise_marts(con, wh, tables, staged.run_id, out_dir)
        if check is not None:
            # the checks read the materialised marts (what BI tools will see), not the views again
            files, marts = wsql.split_snapshot(wh, tables)
            wsql.create_views(con, files, marts)
            check(con)
    finally:
        con.close()
    new = Snapshot(
        id=str(int(snap.id) + 1),
        created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        run_id=staged.run_id,
        tables={k: sorted(v) for k, v in tables.items()},
    )
    wh.publish(new)
    try:
        removed = wh.garbage_collect()
    except OSError:  # committed already: the next commit collects what is left; do not fail the run
        removed = 0
    remove_tree(out_dir)
    return CommitResult(new, rows, superseded, removed)
