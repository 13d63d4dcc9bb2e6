"""Analysts' SQL and BI tools can read the warehouse, never change it.

``newsetl sql`` runs DuckDB over the live snapshot's files. DuckDB can write files (``COPY ... TO`` onto a
live Parquet file of the warehouse), attach databases, install extensions and change its settings, so a
query is checked before it runs:

* DuckDB's own parser splits it into statements (``duckdb.extract_statements``); each must be a
  ``SELECT`` (which covers ``WITH``, ``FROM``-first, ``VALUES``, ``DESCRIBE``, ``SHOW``, ``SUMMARIZE``,
  ``PIVOT ... IN (...)``) or an ``EXPLAIN`` of one. ``COPY``, ``EXPORT``, ``ATTACH``, ``INSTALL``/``LOAD``,
  ``SET``, ``CREATE``, ``INSERT``, ``PRAGMA``, ``CALL`` ... are refused with the list of what is allowed;
* DuckDB's tokenizer finds calls of the few table functions that act instead of read (``checkpoint``,
  ``query`` running a SQL string that cannot be checked, logging and profiling switches ...);
* the connection cannot install extensions (``autoinstall_known_extensions`` off) and its configuration
  is locked (``lock_configuration``) once the views exist, so nothing in a query can turn a guard off.

Reading other files (``read_csv``, ``read_parquet``, ``read_json``, ``glob``, ``from 'file.csv'``) to join
with the warehouse stays allowed.

The ``newsetl.duckdb`` file BI tools open holds only views over the live snapshot. It is rebuilt from
scratch, checked (exactly the expected views, each one readable, no write-ahead log beside it) and made
read-only (mode 0444) before it atomically replaces the previous one; its fingerprint is kept beside it
(``.newsetl.duckdb.json``) so that the next run sees a file altered since (a view replaced, an object or a
WAL added) and rebuilds it (:func:`duckdb_file_ok`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from newsetl import runtime
from newsetl.errors import NewsetlError, WarehouseError

if TYPE_CHECKING:
    from newsetl.store import Warehouse

ALLOWED = ("newsetl sql runs read-only queries: SELECT (with WITH, FROM-first, VALUES, DESCRIBE, SHOW, SUMMARIZE, "
           "PIVOT with an explicit IN list) and EXPLAIN of one; other files can be read to join with them (read_csv, "
           "read_parquet, read_json, glob); to save a result use --format csv|json and a shell redirect")

# table functions that act rather than read, and SQL-string runners whose inner statement cannot be checked
_REFUSED_FUNCTIONS = frozenset({
    "checkpoint", "force_checkpoint", "query", "query_table", "json_execute_serialized_sql", "copy_database",
    "import_database", "truncate_duckdb_logs", "add_parquet_key", "write_log", "create_external_resource",
    "register_external_resource", "register_external_resource_type", "destroy_external_resource",
    "deregister_external_resource",
})
_REFUSED_PREFIXES = ("enable_", "disable_")  # enable_logging(), disable_optimizer(), enable_profiling() ...
_NAME = re.compile(r'"((?:[^"]|"")*)"|[A-Za-z_][A-Za-z0-9_$]*')
_EXPLAIN = re.compile(r"^\s*explain\s+(?:analy[sz]e\s+)?", re.I)

DUCKDB_FILE = "newsetl.duckdb"
FINGERPRINT_FILE = ".newsetl.duckdb.json"
READ_ONLY_MODE = 0o444


class QueryRefused(NewsetlError):
    """The query would change something (a file, the settings, the catalog): ``newsetl sql`` only reads."""


# ---------------------------------------------------------------------------------------------------
# newsetl sql
# ---------------------------------------------------------------------------------------------------
def _one_line(exc: BaseException) -> str:
    """DuckDB's message without its caret diagram: the lines before ``LINE n:``, joined."""
    kept: list[str] = []
    for line in str(exc).splitlines():
        if line.startswith("LINE ") or (kept and not line.strip()):
            break
        if line.strip():
            kept.append(line.strip())
    return " ".join(kept) or type(exc).__name__


def _refused_calls(sql: str) -> list[str]:
    """Names of refused functions called in ``sql``: a name (identifier or keyword, as DuckDB's tokenizer
    sees it, so never inside a string or comment) whose next token is ``(``."""
    tokens = [t for t in duckdb.tokenize(sql) if t[1] != duckdb.token_type.comment]
    out: list[str] = []
    for (start, kind), (nxt, _) in zip(tokens, [*tokens[1:], (len(sql), None)], strict=True):
        if kind not in (duckdb.token_type.identifier, duckdb.token_type.keyword) or sql[nxt:nxt + 1] != "(":
            continue
        m = _NAME.match(sql, start)
        name = (m.group(1) if m and m.group(1) is not None else m.group(0) if m else "").lower()
        if name in _REFUSED_FUNCTIONS or name.startswith(_REFUSED_PREFIXES):
            out.append(name)
    return out


def check_query(sql: str) -> list[str]:
    """The statements of ``sql`` when every one only reads; else raise :class:`QueryRefused` (or
    ``NewsetlError`` when it does not parse) naming what is allowed."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise NewsetlError(f"query does not parse: {_one_line(exc)}") from exc
    if not statements:
        raise NewsetlError(f"the query is empty; {ALLOWED}")
    out: list[str] = []
    for st in statements:
        text = st.query.strip().rstrip(";")
        kind = st.type
        if kind == duckdb.StatementType.EXPLAIN:
            inner = duckdb.extract_statements(_EXPLAIN.sub("", text, count=1))
            if len(inner) == 1 and inner[0].type == duckdb.StatementType.SELECT:
                kind = duckdb.StatementType.SELECT
        if kind != duckdb.StatementType.SELECT:
            verb = text.split(None, 1)[0].upper() if text else kind.name
            raise QueryRefused(f"{verb} statements are refused ({kind.name.lower()}): {ALLOWED}")
        refused = _refused_calls(text)
        if refused:
            raise QueryRefused(f"{refused[0]}() is refused (it acts instead of reading): {ALLOWED}")
        out.append(text)
    return out


def lock_down(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """No extension installs, and no setting can change from here on (``lock_configuration``)."""
    con.execute("set autoinstall_known_extensions = false")
    con.execute("set allow_community_extensions = false")
    con.execute("set lock_configuration = true")
    return con


def read_only_connection(wh: Warehouse) -> duckdb.DuckDBPyConnection:
    """The views of the live snapshot on a connection that cannot install extensions or change settings."""
    from newsetl import sql as wsql

    return lock_down(wsql.open_warehouse(wh))


def run_query(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[list[str], list[tuple[Any, ...]]] | None:
    """Check ``sql`` and run it; (columns, rows) of its last statement (None when it returns no rows).

    Every DuckDB error (a bad cast, a missing column, a file that cannot be read) becomes one line."""
    statements = check_query(sql)
    try:
        rel = None
        for text in statements:
            rel = con.sql(text)
        if rel is None:
            return None
        return list(rel.columns), rel.fetchall()
    except duckdb.Error as exc:
        from newsetl.store import damaged_file_error

        damaged = damaged_file_error(exc)  # a warehouse file, not the query: name it and the repair
        if damaged is not None:
            raise damaged from exc
        raise NewsetlError(f"query failed: {_one_line(exc)} (run `newsetl tables` to list the views and their "
                           f"columns)") from exc


# ---------------------------------------------------------------------------------------------------
# the .duckdb file for BI tools
# ---------------------------------------------------------------------------------------------------
def expected_views() -> list[str]:
    """The views ``open_warehouse`` creates: one per SQL file of ``warehouse/sql`` (staging, lineage, marts),
    the data tests aside."""
    from newsetl import sql as wsql

    return sorted(p.stem for p in wsql.SQL_DIR.glob("*/*.sql") if p.parent.name != "tests")


def catalog(con: duckdb.DuckDBPyConnection, database: str) -> list[tuple[Any, ...]]:
    """Every user object of ``database``: views with their SQL and comment, tables, macros, sequences,
    types, indexes and schemas (a BI reader could add any of them to shadow or contradict the views)."""
    q = """
        select 'view', schema_name, view_name, sql, coalesce(comment, '') from duckdb_views()
            where database_name = $db and not internal
        union all select 'table', schema_name, table_name, sql, '' from duckdb_tables() where database_name = $db
        union all select 'function', schema_name, function_name, coalesce(macro_definition, ''), function_type
            from duckdb_functions() where database_name = $db and not internal
        union all select 'sequence', schema_name, sequence_name, '', '' from duckdb_sequences()
            where database_name = $db
        union all select 'type', schema_name, type_name, logical_type, '' from duckdb_types()
            where database_name = $db and not internal
        union all select 'index', schema_name, index_name, coalesce(sql, ''), '' from duckdb_indexes()
            where database_name = $db
        union all select 'schema', schema_name, schema_name, '', '' from duckdb_schemas()
            where database_name = $db and not internal
        order by all"""
    return [tuple(r) for r in con.execute(q, {"db": database}).fetchall()]


def _file_catalog(path: Path) -> list[tuple[Any, ...]]:
    runtime.started("duckdb")
    con = duckdb.connect(str(path), read_only=True)
    try:
        db = con.sql("select current_database()").fetchall()[0][0]
        return catalog(con, db)
    finally:
        con.close()


def _fingerprint(objects: Sequence[tuple[Any, ...]]) -> str:
    return hashlib.sha256(json.dumps([list(map(str, o)) for o in objects]).encode()).hexdigest()


def duckdb_file_problems(path: Path, views: Sequence[str]) -> list[str]:
    """What is wrong with the .duckdb file at ``path`` that should hold exactly ``views`` (empty: fine)."""
    problems: list[str] = []
    wal = path.with_name(path.name + ".wal")
    if wal.exists():
        problems.append(f"a write-ahead log {wal.name} lies beside it (it would change what readers see)")
    try:
        objects = _file_catalog(path)
    except duckdb.Error as exc:
        return [*problems, f"it cannot be opened: {_one_line(exc)}"]
    names = sorted(o[2] for o in objects if o[0] == "view")
    others = [f"{o[0]} {o[2]}" for o in objects if o[0] != "view"]
    if names != sorted(views):
        missing, extra = sorted(set(views) - set(names)), sorted(set(names) - set(views))
        problems.append(f"views differ (missing: {', '.join(missing) or '-'}; extra: {', '.join(extra) or '-'})")
    if others:
        problems.append(f"it holds objects besides the views: {', '.join(others[:10])}")
    if not problems:
        runtime.started("duckdb")
        con = duckdb.connect(str(path), read_only=True)
        try:
            for v in views:
                try:
                    con.sql(f'select * from "{v}" limit 0').fetchall()
                except duckdb.Error as exc:
                    problems.append(f"view {v} cannot be read: {_one_line(exc)}")
        finally:
            con.close()
    return problems


def _fingerprint_path(wh: Warehouse) -> Path:
    return Path(wh.root) / FINGERPRINT_FILE


def publish_duckdb_file(wh: Warehouse) -> Path | None:
    """Write ``<warehouse>/newsetl.duckdb`` (local warehouses only): the live snapshot's views, built from
    scratch, checked, made read-only, then swapped in atomically with its fingerprint beside it.

    Raises ``WarehouseError`` when the new file fails the check (the previous file stays in place)."""
    from newsetl import sql as wsql

    if wh.remote:
        return None
    target = Path(wh.root) / DUCKDB_FILE
    tmp = target.with_name(f".{DUCKDB_FILE}.tmp")
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        leftover.unlink(missing_ok=True)
    runtime.started("duckdb")
    con = duckdb.connect(str(tmp))
    try:
        wsql.open_warehouse(wh, con)
    finally:
        con.close()
    problems = duckdb_file_problems(tmp, expected_views())
    if problems:
        tmp.unlink(missing_ok=True)
        raise WarehouseError(f"{target}: the rebuilt file fails its check ({'; '.join(problems)}); the previous "
                             f"file is kept: report this as a bug")
    fingerprint = {"snapshot": wh.snapshot().id, "catalog_sha256": _fingerprint(_file_catalog(tmp))}
    os.chmod(tmp, READ_ONLY_MODE)
    target.with_name(target.name + ".wal").unlink(missing_ok=True)
    os.replace(tmp, target)
    fp = _fingerprint_path(wh)
    fp_tmp = fp.with_name(fp.name + ".tmp")
    fp_tmp.unlink(missing_ok=True)
    fp_tmp.write_text(json.dumps(fingerprint))
    os.replace(fp_tmp, fp)
    return target


def duckdb_file_ok(wh: Warehouse) -> bool:
    """Whether ``newsetl.duckdb`` is the one the last publish wrote for the live snapshot: present,
    read-only, no WAL beside it, and its catalog unchanged (else the caller publishes it again)."""
    if wh.remote:
        return True
    target = Path(wh.root) / DUCKDB_FILE
    try:
        recorded = json.loads(_fingerprint_path(wh).read_text())
        if recorded.get("snapshot") != wh.snapshot().id or target.stat().st_mode & 0o222:
            return False
        if target.with_name(target.name + ".wal").exists():
            return False
        return bool(recorded.get("catalog_sha256") == _fingerprint(_file_catalog(target)))
    except (OSError, ValueError, duckdb.Error):
        return False
