"""Analysts' SQL cannot change the warehouse; the ``newsetl.duckdb`` file cannot be altered into lying.

Each refused statement once worked: ``COPY ... TO`` a live Parquet file emptied ``articles`` for good,
``ATTACH`` + ``DROP VIEW`` broke the file BI tools open, ``COPY ... TO '/any/path'`` wrote anywhere.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import subprocess
from pathlib import Path
from typing import Any

import duckdb
import pytest

from newsetl import sqlguard
from newsetl.cli import main
from newsetl.store import Warehouse
from tests.reliability import _support as S


def _digest(root: Path) -> dict[str, str]:
    """Every file of the warehouse's tables, marts and state with its content hash."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for top in ("tables", "marts", "_state") for p in sorted((root / top).rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def wh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("guard")
    src = root / "src"
    shutil.copytree(S.SAMPLE_DIR, src)
    cfg = root / "fast.yaml"
    cfg.write_text(S.FAST_CONFIG)
    assert main(["run", str(src), "--warehouse", str(root / "wh"), "--no-prefect", "--config", str(cfg)]) == 0
    return root / "wh"


def _sql(wh: Path, query: str, *fmt: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(S.NEWSETL), "sql", "--warehouse", str(wh), *fmt, query], capture_output=True,
                          text=True, timeout=300)


def test_copy_onto_a_live_parquet_file_is_refused_and_changes_nothing(wh: Path, tmp_path: Path) -> None:
    """The real executable: exit 1, one line naming what is allowed, not one byte of the warehouse changed."""
    before = _digest(wh)
    live = next(p for p in before if p.startswith("tables/articles/"))
    proc = _sql(wh, f"copy (select * from articles limit 0) to '{wh / live}' (format parquet)")
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("newsetl sql: error: COPY statements are refused (copy): newsetl sql runs "
                                  "read-only queries: SELECT")
    assert _digest(wh) == before
    assert _sql(wh, "select count(*) from articles", "-f", "csv").stdout == "count_star()\n5\n"


def test_attach_the_bi_file_and_drop_a_view_is_refused(wh: Path) -> None:
    proc = _sql(wh, f"attach '{wh / 'newsetl.duckdb'}' as bi; drop view bi.articles")
    assert (proc.returncode, proc.stderr.split(":")[:3]) == (1, ["newsetl sql", " error", " ATTACH statements are "
                                                                                         "refused (attach)"])
    con = duckdb.connect(str(wh / "newsetl.duckdb"), read_only=True)
    assert con.sql("select count(*) from articles").fetchall() == [(5,)]
    con.close()


REFUSED = [
    ("copy (select 1) to '{out}'", "COPY"),
    ("copy articles to '{out}'", "COPY"),
    ("export database '{out}'", "EXPORT"),
    ("select 1; copy (select 1) to '{out}'", "COPY"),  # a write hidden after a read
    ("explain analyze copy (select 1) to '{out}'", "EXPLAIN"),
    ("install httpfs", "INSTALL"),
    ("load httpfs", "LOAD"),
    ("set threads = 1", "SET"),
    ("set enable_external_access = false", "SET"),
    ("reset lock_configuration", "RESET"),
    ("create table t as select 1", "CREATE"),
    ("create or replace view articles as select 1 as lie", "CREATE"),
    ("create macro lower(x) as 'lie'", "CREATE"),
    ("drop view articles", "DROP"),
    ("insert into articles select * from articles", "INSERT"),
    ("pragma enable_profiling", "PRAGMA"),
    ("import database '{out}'", "IMPORT"),
    ("call checkpoint()", "CALL"),
    ("checkpoint", "CHECKPOINT"),
    ("use system", "USE"),
    ("begin transaction", "BEGIN"),
    ("vacuum", "VACUUM"),
    ("select * from checkpoint()", "checkpoint()"),
    ("select * from query('copy (select 1) to ''{out}''')", "query()"),
    ("select * from \"Query_Table\"('articles')", "query_table()"),
    ("select enable_logging()", "enable_logging()"),
]


@pytest.mark.parametrize(("query", "what"), REFUSED, ids=[q for q, _ in REFUSED])
def test_statements_that_act_are_refused(wh: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                         query: str, what: str) -> None:
    out = tmp_path / "written"
    before = _digest(wh)
    assert main(["sql", "--warehouse", str(wh), query.format(out=out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"newsetl sql: error: {what}")
    assert err.rstrip("\n").endswith("to save a result use --format csv|json and a shell redirect")
    assert err.count("\n") == 1
    assert not out.exists() and _digest(wh) == before


ALLOWED = [
    ("select count(*) from articles", [(5,)]),
    ("with a as (select 1 as x) select x from a", [(1,)]),
    ("from (values (2)) as t(x)", [(2,)]),
    ("select count(*) > 0 from (describe articles)", [(True,)]),
    ("select count(*) > 0 from (show tables)", [(True,)]),
    ("select count(*) from (summarize select 1 as x)", [(1,)]),
    ("pivot (select 'a' as k, 1 as v) on k in ('a') using sum(v)", [(1,)]),
    ("select checkpoint from (select 7 as checkpoint)", [(7,)]),  # a column named like a refused function
    ("select 'copy (select 1) to ''x''' as s", [("copy (select 1) to 'x'",)]),
]


@pytest.mark.parametrize(("query", "rows"), ALLOWED, ids=[q for q, _ in ALLOWED])
def test_reads_are_allowed(wh: Path, query: str, rows: list[tuple[Any, ...]]) -> None:
    con = sqlguard.read_only_connection(Warehouse(wh))
    try:
        got = sqlguard.run_query(con, query)
    finally:
        con.close()
    assert got is not None and got[1] == rows


def test_other_files_can_be_read_and_joined(wh: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lookup = tmp_path / "desk.csv"
    lookup.write_text("language,desk\nen,English desk\n")
    q = (f"select * from (select d.desk, count(*) as n from articles as a join read_csv('{lookup}') as d "
         f"using (language) group by d.desk union all select 'csv replacement scan', count(*) from '{lookup}') "
         f"order by n desc")
    assert main(["sql", "-w", str(wh), "-f", "csv", q]) == 0
    assert capsys.readouterr().out.splitlines() == ["desk,n", "English desk,5", "csv replacement scan,1"]


def test_explain_of_a_select_is_allowed(wh: Path) -> None:
    con = sqlguard.read_only_connection(Warehouse(wh))
    try:
        got = sqlguard.run_query(con, "explain select count(*) from articles")
    finally:
        con.close()
    assert got is not None and got[0] == ["explain_key", "explain_value"]


def test_the_connection_cannot_change_its_settings(wh: Path) -> None:
    con = sqlguard.read_only_connection(Warehouse(wh))
    try:
        with pytest.raises(duckdb.InvalidInputException, match="the configuration has been locked"):
            con.execute("set enable_external_access = false")
        assert con.sql("select current_setting('autoinstall_known_extensions')").fetchall() == [(False,)]
    finally:
        con.close()


# ---------------------------------------------------------------------------------------------------
# newsetl.duckdb
# ---------------------------------------------------------------------------------------------------
def test_duckdb_file_is_read_only_and_fingerprinted(wh: Path) -> None:
    db = wh / "newsetl.duckdb"
    assert stat.S_IMODE(db.stat().st_mode) == 0o444
    recorded = json.loads((wh / sqlguard.FINGERPRINT_FILE).read_text())
    assert recorded["snapshot"] == Warehouse(wh).snapshot().id
    assert sqlguard.duckdb_file_ok(Warehouse(wh))
    assert sqlguard.duckdb_file_problems(db, sqlguard.expected_views()) == []


def test_a_reader_cannot_open_the_duckdb_file_for_writing(wh: Path) -> None:
    """Another user (or the owner without root): DuckDB refuses a read-write open; read-only works."""
    import tempfile

    shared = Path(tempfile.mkdtemp(prefix="newsetl-bi-"))  # pytest's folders are private to their owner
    try:
        os.chmod(shared, 0o755)
        w = S.copy_warehouse(wh, shared / "wh")
        sqlguard.publish_duckdb_file(Warehouse(w))  # views over the copy's files
        for d in [w, *(p for p in w.rglob("*") if p.is_dir())]:
            os.chmod(d, 0o755)
        db = w / "newsetl.duckdb"
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child drops root (when it has it) and reports what happened
            os.close(read)
            try:
                if os.getuid() == 0:
                    os.setgid(65534)
                    os.setuid(65534)
                try:
                    duckdb.connect(str(db)).execute("create or replace view articles as select 'lie' as title")
                    out = "wrote"
                except duckdb.IOException as exc:
                    out = "refused: " + str(exc).split(": ", 1)[-1]
                ro = duckdb.connect(str(db), read_only=True)
                out += f"; read-only: {ro.sql('select count(*) from articles').fetchall()}"
            except BaseException as exc:
                out = f"{type(exc).__name__}: {exc}"
            os.write(write, out.encode())
            os._exit(0)
        os.close(write)
        os.waitpid(pid, 0)
        with os.fdopen(read) as fh:
            got = fh.read()
        assert got == f'refused: Cannot open file "{db}": Permission denied; read-only: [(5,)]'
    finally:
        shutil.rmtree(shared, ignore_errors=True)


def _tamper(db: Path, sql: str) -> None:
    os.chmod(db, 0o644)  # the owner (or root) can always do this
    con = duckdb.connect(str(db))
    con.execute(sql)
    con.close()


@pytest.mark.parametrize("sql", [
    "create or replace view articles as select 'lie' as title",
    "create table notes as select 1 as x",
    "comment on view articles is 'lies'",
], ids=["replace-view", "add-table", "comment"])
def test_an_altered_duckdb_file_is_rebuilt_by_the_next_run(tmp_path: Path, wh: Path, sql: str) -> None:
    """Even a run with nothing new to load rebuilds a file that was altered since it was published."""
    w = S.copy_warehouse(wh, tmp_path / "wh")
    db = w / "newsetl.duckdb"
    assert sqlguard.duckdb_file_ok(Warehouse(w))
    _tamper(db, sql)
    assert not sqlguard.duckdb_file_ok(Warehouse(w))
    snap = Warehouse(w).snapshot().id
    argv = ["run", str(wh.parent / "src"), "--warehouse", str(w), "--no-prefect", "--config",
            str(wh.parent / "fast.yaml"), "--json"]
    assert main(argv) == 0
    assert Warehouse(w).snapshot().id == snap  # nothing was loaded
    assert sqlguard.duckdb_file_ok(Warehouse(w))
    assert stat.S_IMODE(db.stat().st_mode) == 0o444
    con = duckdb.connect(str(db), read_only=True)
    assert con.sql("select count(*) from duckdb_tables()").fetchall() == [(0,)]
    assert con.sql("select count(*), count(*) filter (title = 'lie') from articles").fetchall() == [(5, 0)]
    assert con.sql("select comment from duckdb_views() where view_name = 'articles'").fetchall() == [(None,)]
    con.close()


def test_a_planted_write_ahead_log_is_removed(tmp_path: Path, wh: Path) -> None:
    w = S.copy_warehouse(wh, tmp_path / "wh")
    (w / "newsetl.duckdb.wal").write_bytes(b"not a real log")
    assert not sqlguard.duckdb_file_ok(Warehouse(w))
    assert sqlguard.publish_duckdb_file(Warehouse(w)) == w / "newsetl.duckdb"
    assert not (w / "newsetl.duckdb.wal").exists() and sqlguard.duckdb_file_ok(Warehouse(w))


def test_publish_refuses_a_file_that_fails_its_check(tmp_path: Path, wh: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from newsetl.errors import WarehouseError

    w = S.copy_warehouse(wh, tmp_path / "wh")
    before = (w / "newsetl.duckdb").read_bytes()
    monkeypatch.setattr(sqlguard, "expected_views", lambda: ["articles", "a_view_nobody_made"])
    with pytest.raises(WarehouseError, match=r"the rebuilt file fails its check .*missing: a_view_nobody_made"):
        sqlguard.publish_duckdb_file(Warehouse(w))
    assert (w / "newsetl.duckdb").read_bytes() == before
    assert not (w / ".newsetl.duckdb.tmp").exists()


def test_expected_views_are_the_views_open_warehouse_creates(wh: Path) -> None:
    con = sqlguard.read_only_connection(Warehouse(wh))
    try:
        names = sorted(r[0] for r in con.sql("select view_name from duckdb_views() where not internal").fetchall())
    finally:
        con.close()
    assert names == sqlguard.expected_views()
