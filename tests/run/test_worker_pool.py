"""Batch workers never inherit DuckDB, delta-rs or other threads: a process that started none forks them
(cheap: they inherit the imported libraries), any other gets them from a fork server (issue 15: a forked
worker segfaulted in garbage collection after the parent had used DuckDB)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from newsetl import sql as wsql
from newsetl.run import run_pipeline
from newsetl.run.local import worker_pool
from newsetl.settings import load_settings
from tests.reliability import _support as S

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork and fork servers: Linux")

PROBE = """
import threading, time
from newsetl.run.local import worker_pool
{before}
pool = worker_pool(2)
print(pool._mp_context.get_start_method())
print(pool.submit(sum, [1, 2, 3]).result())
pool.shutdown()
"""


def _method(before: str) -> list[str]:
    p = subprocess.run([sys.executable, "-c", PROBE.format(before=before)], capture_output=True, text=True,
                       timeout=300, cwd=S.REPO)
    assert p.returncode == 0, p.stderr
    return p.stdout.split()


@pytest.mark.parametrize(("before", "method"), [
    ("", "fork"),
    ("from newsetl import sql; sql.connect().close()", "forkserver"),  # DuckDB started (threads, locks)
    ("from newsetl import delta; delta.open_table('/nonexistent/t')", "forkserver"),  # delta-rs' runtime
    ("threading.Thread(target=time.sleep, args=(30,), daemon=True).start()", "forkserver"),  # another thread
])
def test_the_start_method_follows_what_the_process_started(before: str, method: str) -> None:
    assert _method(before) == [method, "6"]


def test_a_two_worker_run_after_duckdb_is_open_in_this_process(tmp_path: Path) -> None:
    """The case that crashed: this process holds an open DuckDB connection when the pool starts."""
    con = wsql.connect()
    con.sql("select 42").fetchall()
    try:
        pool = worker_pool(2)
        assert pool._mp_context.get_start_method() == "forkserver"
        pool.shutdown()
        src = tmp_path / "src"
        S.write_articles(src, 0, 8)
        res = run_pipeline([str(src)], load_settings(None, warehouse=str(tmp_path / "wh"), workers=2,
                                                     validate_data_docs=False, batch_size=2))
        assert res.articles_loaded == 8
        assert con.sql("select 42").fetchall() == [(42,)]
    finally:
        con.close()
    S.check_integrity(tmp_path / "wh")


CLI_PROBE = """
import threading, time
from flows.pipeline import cpu_pool, start_cpu_pool
from newsetl import sql
start_cpu_pool(2)  # what `newsetl run` does before the flow starts
threading.Thread(target=time.sleep, args=(30,), daemon=True).start()  # Prefect's threads
sql.connect().close()  # and the commit's DuckDB
pool = cpu_pool(2)
print(pool._mp_context.get_start_method(), len(pool._processes))
print(pool.submit(sum, [1, 2, 3]).result())
print(cpu_pool(2) is pool)
"""


def test_the_cli_pool_is_forked_before_the_flow_starts_threads() -> None:
    """``newsetl run`` forks its workers before Prefect's threads exist; the pool the batch tasks get later
    is that one (no fork server importing the libraries a second time), however threaded the process is."""
    p = subprocess.run([sys.executable, "-c", CLI_PROBE], capture_output=True, text=True, timeout=300, cwd=S.REPO)
    assert p.returncode == 0, p.stderr
    assert p.stdout.split() == ["fork", "2", "6", "True"]
