"""DuckDB over the warehouse: staging views, marts and data tests from the SQL files in ``warehouse/sql``.

``{{ source('table') }}`` in a staging file becomes a ``read_parquet`` over the data files of the Delta
version the live snapshot pins for that table (or a typed empty relation, derived from ``schemas/``, when
the table has no file yet), with the columns cast back to their ``schemas/`` types where Delta stores a
wider one (unsigned integers). No DuckDB extension is needed. Lineage views (``warehouse/sql/lineage``)
select only from staging views: one per counting mart (the articles each cell counts) plus the
article-level detail ``newsetl explain`` joins to them. Marts select from staging and lineage views; the
materialised marts are read from their own Delta tables' files. Data tests are queries that return
failing rows.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa

from newsetl import runtime
from newsetl.delta import storage_type
from newsetl.store import MART_PREFIX
from schemas import PARTITION_COLUMN, TABLES

if TYPE_CHECKING:
    from newsetl.store import Snapshot, Warehouse

__all__ = ["MART_PREFIX", "connect", "create_views", "open_warehouse", "run_data_tests", "split_snapshot"]
SQL_DIR = Path(__file__).resolve().parents[1] / "warehouse" / "sql"
_SOURCE_RE = re.compile(r"\{\{\s*source\('([a-z_]+)'\)\s*\}\}")


def pipeline_memory_limit() -> str:
    """DuckDB's memory cap for the pipeline's commit: ``$NEWSETL_DUCKDB_MEMORY_LIMIT`` or 1GB.

    DuckDB's own default is 80% of the machine; the marts and data tests of a commit then grow with the
    warehouse (to ~3.3 GB at a million articles, measured). Capped, DuckDB spills to ``temp_directory``
    (under the system temp folder), so a run's memory stays flat as the warehouse grows. Interactive
    connections (``newsetl sql``, the report) keep DuckDB's default unless the variable is set.
    """
    return os.environ.get("NEWSETL_DUCKDB_MEMORY_LIMIT", "1GB")


def connect(threads: int | None = None, fs: object | None = None,
            memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection tuned for many Parquet files (insertion order off: 94 s -> 2 s measured).

    ``memory_limit`` (else ``$NEWSETL_DUCKDB_MEMORY_LIMIT`` when set) caps DuckDB and makes it spill.
    """
    config: dict[str, str | bool | int | float | list[str]] = {"preserve_insertion_order": False}
    limit = memory_limit or os.environ.get("NEWSETL_DUCKDB_MEMORY_LIMIT")
    if limit:
        config["memory_limit"] = limit
        config["temp_directory"] = os.path.join(tempfile.gettempdir(), f"newsetl-duckdb-{os.getpid()}")
    runtime.started("duckdb")
    con = duckdb.connect(config=config)
    if threads:
        con.execute(f"set threads = {int(threads)}")
    if fs is not None:
        con.register_filesystem(fs)
    return con


def duckdb_type(t: pa.DataType) -> str:
    """The DuckDB type of a pyarrow type (for typed empty relations)."""
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return "varchar"
    if pa.types.is_boolean(t):
        return "boolean"
    if pa.types.is_int32(t):
        return "integer"
    if pa.types.is_int64(t):
        return "bigint"
    if pa.types.is_uint32(t):
        return "uinteger"
    if pa.types.is_floating(t):
        return "double"
    if pa.types.is_date32(t):
        return "date"
    if pa.types.is_timestamp(t):
        return "timestamptz" if t.tz else "timestamp"
    if pa.types.is_list(t):
        return duckdb_type(t.value_type) + "[]"
    raise TypeError(f"no DuckDB type for {t}")


def _sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def read_relation(table: str, files: list[str]) -> str:
    """SQL reading ``files`` of ``table`` as stored (hive ``pub_month`` from the path when partitioned)."""
    flist = "[" + ", ".join(_sql_str(f) for f in files) + "]"
    if TABLES[table].partitioned:
        return (
            f"read_parquet({flist}, hive_partitioning = true, "
            f"hive_types = {{'{PARTITION_COLUMN}': varchar}}, union_by_name = true)"
        )
    return f"read_parquet({flist}, union_by_name = true)"


def typed(table: str, relation: str) -> str:
    """``relation`` with the columns Delta stores wider cast back to their ``schemas/`` types."""
    casts = [f"cast({f.name} as {duckdb_type(f.type)}) as {f.name}" for f in TABLES[table].schema
             if storage_type(f.type) != f.type]
    if not casts:
        return relation
    return f"(select * replace ({', '.join(casts)}) from {relation})"


def empty_relation(table: str) -> str:
    """A typed relation with every column of ``table`` (``schemas/``) and no row."""
    spec = TABLES[table]
    cols = [f"null::{duckdb_type(f.type)} as {f.name}" for f in spec.schema]
    if spec.partitioned:
        cols.append(f"null::varchar as {PARTITION_COLUMN}")
    return f"(select {', '.join(cols)} where false)"


def with_every_column(table: str, relation: str) -> str:
    """``relation`` with every column of ``table``'s current schema: a column its files do not have (they
    were written before the column was added, e.g. article_sectors' ``tagged``, ``rank``, ``is_primary``)
    reads as NULL instead of failing the views. Filters and projections still reach the Parquet scan."""
    return f"(select * from {empty_relation(table)} union all by name select * from {relation})"


def source_relation(table: str, files: list[str]) -> str:
    """SQL for the rows of ``table`` in ``files``: every current column (NULL where a file lacks it), cast
    to its ``schemas/`` type (Delta stores unsigned integers wider)."""
    if not files:
        return empty_relation(table)
    return typed(table, with_every_column(table, read_relation(table, files)))


def file_columns(con: duckdb.DuckDBPyConnection, files: list[str]) -> list[str]:
    """The column names the Parquet ``files`` hold (their footers; for snapshots that do not record them)."""
    if not files:
        return []
    flist = "[" + ", ".join(_sql_str(f) for f in files) + "]"
    rows = con.sql(f"select distinct name from parquet_schema({flist}) where num_children is null or "
                   f"num_children = 0 or name <> 'schema'").fetchall()
    return [r[0] for r in rows]


def render(sql: str, files: Mapping[str, list[str]], relations: Mapping[str, str] | None = None) -> str:
    def one(m: re.Match[str]) -> str:
        name = m.group(1)
        if relations and name in relations:
            return relations[name]
        return source_relation(name, list(files.get(name, [])))

    return _SOURCE_RE.sub(one, sql)


def staging_files() -> list[Path]:
    return sorted((SQL_DIR / "staging").glob("*.sql"))


def lineage_files() -> list[Path]:
    return sorted((SQL_DIR / "lineage").glob("*.sql"))


def mart_files() -> list[Path]:
    return sorted((SQL_DIR / "marts").glob("*.sql"))


def test_files() -> list[Path]:
    return sorted((SQL_DIR / "tests").glob("*.sql"))


def mart_names() -> list[str]:
    return [p.stem for p in mart_files()]


def create_views(
    con: duckdb.DuckDBPyConnection,
    files: Mapping[str, list[str]],
    mart_parquet: Mapping[str, list[str]] | None = None,
    relations: Mapping[str, str] | None = None,
) -> None:
    """Create the staging views, the lineage views, then the marts (as views over materialised Parquet when
    given). ``relations`` replaces the source of some tables by any SQL relation (the commit's next state)."""
    for p in staging_files():
        con.execute(f"create or replace view {p.stem} as\n{render(p.read_text(), files, relations)}")
    for p in lineage_files():
        con.execute(f"create or replace view {p.stem} as\n{p.read_text()}")
    create_mart_views(con, mart_parquet)


def create_mart_views(con: duckdb.DuckDBPyConnection, mart_parquet: Mapping[str, list[str]] | None = None) -> None:
    """(Re)create the mart views only: over their materialised Parquet when given, else their SQL. The
    staging and lineage views stay (DuckDB binds a view when it is queried, so they read the new marts)."""
    for p in mart_files():
        mart = (mart_parquet or {}).get(p.stem)
        if mart:
            flist = "[" + ", ".join(_sql_str(f) for f in mart) + "]"
            con.execute(f"create or replace view {p.stem} as select * from read_parquet({flist}, union_by_name = true)")
        else:
            con.execute(f"create or replace view {p.stem} as\n{p.read_text()}")


@dataclass
class DataTestResult:
    name: str
    failing_rows: int
    sample: list[tuple[object, ...]]
    columns: list[str] = field(default_factory=list)

    def describe(self, limit: int = 3) -> str:
        """The failing rows by name, ``test: N failing rows: (col=value, ...); ...`` (one line)."""
        shown = "; ".join("(" + ", ".join(f"{c}={v!r}" for c, v in zip(self.columns, r, strict=False)) + ")"
                          for r in self.sample[:limit])
        more = f"; and {self.failing_rows - limit} more" if self.failing_rows > limit else ""
        return f"{self.name}: {self.failing_rows} failing row{'s' if self.failing_rows != 1 else ''}: {shown}{more}"


def run_data_tests(con: duckdb.DuckDBPyConnection) -> list[DataTestResult]:
    """Run every query in warehouse/sql/tests; each returns the rows that break its rule."""
    out = []
    for p in test_files():
        rel = con.sql(p.read_text())
        rows = rel.fetchall()
        out.append(DataTestResult(p.stem, len(rows), rows[:5], list(rel.columns)))
    return out


def split_snapshot(wh: Warehouse, tables: Mapping[str, list[str]]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """A snapshot's entries as readable URLs: (table -> files, mart -> its materialised files)."""
    files = {k: [wh.url(f) for f in v] for k, v in tables.items() if not k.startswith(MART_PREFIX)}
    marts = {k[len(MART_PREFIX):]: [wh.url(f) for f in v] for k, v in tables.items()
             if k.startswith(MART_PREFIX) and v}
    return files, marts


def snapshot_views(con: duckdb.DuckDBPyConnection, wh: Warehouse, snap: Snapshot) -> None:
    """Create the views of ``snap`` on ``con``: tables over their pinned files, marts over their
    materialised files."""
    create_views(con, *split_snapshot(wh, snap.tables))


def open_warehouse(wh: Warehouse, con: duckdb.DuckDBPyConnection | None = None) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection holding the views of the live snapshot (marts read from their Parquet)."""
    con = con or connect(fs=wh.fs if wh.remote else None)
    snapshot_views(con, wh, wh.snapshot())
    return con
