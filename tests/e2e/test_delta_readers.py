"""Any Delta reader sees exactly newsetl's rows: after a sequence of runs (new input, a changed and an
added file, a re-run, ``newsetl enrich``, a marts rebuild, a run killed mid-commit and the run after it),
every table and mart read with ``deltalake`` (``DeltaTable.file_uris()`` + pyarrow, as Polars, Spark or
DuckDB's delta reader would resolve the log) equals its ``newsetl sql`` view row for row (the table
``article_sectors`` holds every scored sector: its whole view is ``article_sector_candidates``), and each
materialised mart equals its SQL computed live over the tables."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.dataset as pads
import pytest

from newsetl import sql as wsql
from newsetl.run import reenrich, run_pipeline
from newsetl.run.maintain import republish
from newsetl.settings import load_settings
from newsetl.store import MART_PREFIX, Warehouse
from schemas import TABLES
from tests.reliability import _support as S

pytestmark = pytest.mark.slow

KILL_MID_COMMIT = """
import os, sys
from newsetl import cli
from newsetl.store import Warehouse
real, calls = Warehouse._delta_op, [0]
def op(self, entry, fn):
    calls[0] += 1
    if calls[0] == int(sys.argv[1]):
        os._exit(71)  # dies between two tables' Delta commits
    return real(self, entry, fn)
Warehouse._delta_op = op
sys.exit(cli.main(sys.argv[2:]))
"""


def _canon(v: Any) -> Any:
    if isinstance(v, dt.datetime) and v.tzinfo is not None:
        return v.astimezone(dt.UTC)
    if isinstance(v, list):
        return [_canon(x) for x in v]
    if isinstance(v, float):
        return round(v, 9)
    return v


def _rows(t: pa.Table, cols: list[str]) -> list[str]:
    d = t.select(cols).to_pylist()
    return sorted(repr(tuple(_canon(r[c]) for c in cols)) for r in d)


def delta_read(wh: Warehouse, entry: str) -> pa.Table | None:
    """The latest version of a Delta table, read the way a Delta reader does: the log's file list,
    partition values from the (hive) paths."""
    dt_ = wh.delta_table(entry)
    assert dt_ is not None, entry
    uris = dt_.file_uris()
    if not uris:
        return None
    parts = dt_.metadata().partition_columns
    base = wh.entry_uri(entry)
    part = pads.partitioning(pa.schema([(c, pa.string()) for c in parts]), flavor="hive") if parts else None
    return pads.dataset(uris, format="parquet", partitioning=part, partition_base_dir=base).to_table()


def assert_every_reader_agrees(wh_dir: Path) -> dict[str, int]:
    wh = Warehouse(wh_dir)
    snap = S.check_integrity(wh_dir)
    con = S.connect(wh_dir)
    live = wsql.connect()
    wsql.create_views(live, wsql.split_snapshot(wh, snap.tables)[0])  # marts as SQL over the tables
    counts: dict[str, int] = {}
    entries = [*TABLES, *(MART_PREFIX + m for m in wsql.mart_names())]
    for entry in entries:
        # the view that shows a table whole (the article_sectors view shows only the tagged rows)
        view = {"article_sectors": "article_sector_candidates"}.get(entry, entry.removeprefix(MART_PREFIX))
        got = delta_read(wh, entry)
        cols = [r[0] for r in con.sql(f"select column_name from information_schema.columns where table_name = "
                                      f"'{view}' order by ordinal_position").fetchall()]
        shown = con.sql(f"select * from {view}").to_arrow_table()
        want = _rows(shown, cols)
        seen = [] if got is None else _rows(got, cols)
        assert seen == want, (entry, len(seen), len(want), sorted(set(seen) ^ set(want))[:3])
        if entry.startswith(MART_PREFIX):
            assert _rows(live.sql(f"select * from {view}").to_arrow_table(), cols) == want, entry
        counts[view] = len(want)
    return counts


def test_delta_readers_see_the_views_after_many_runs(tmp_path: Path) -> None:
    src = tmp_path / "src"
    S.write_articles(src, 0, 12)
    S.set_mtime(list(src.iterdir()), 1_600_000_000)
    (src / "empty.txt").write_bytes(b"")
    cfg = tmp_path / "fast.yaml"
    cfg.write_text(S.FAST_CONFIG)
    wh = tmp_path / "wh"
    settings = load_settings(cfg, warehouse=str(wh))

    run_pipeline([str(src)], settings)  # new
    first = assert_every_reader_agrees(wh)
    assert first["articles"] == 12 and first["quarantine"] == 1

    S.set_mtime(S.write_articles(src, 0, 3, tag="v2", chars=600), 1_700_000_000)  # changed
    S.write_articles(src, 12, 2, tag="v2")  # added
    res = run_pipeline([str(src)], settings)
    assert (res.files_read, res.superseded) == (5, 3)
    after_change = assert_every_reader_agrees(wh)
    assert after_change["articles"] == 14

    assert run_pipeline([str(src)], settings).files_read == 0  # re-run: nothing changes
    assert assert_every_reader_agrees(wh) == after_change

    reenrich(settings)  # article_sectors and article_entities rebuilt whole, marts with them
    assert assert_every_reader_agrees(wh) == after_change

    w = Warehouse.of(settings)
    with w.lock("rebuild-test"):  # what the newsetl-rebuild flow does
        republish(w, "rebuild-test")
    assert assert_every_reader_agrees(wh) == after_change

    # a run killed between two tables' Delta commits: newsetl's readers keep the pinned snapshot ...
    S.set_mtime(S.write_articles(src, 3, 2, tag="v3"), 1_750_000_000)
    S.write_articles(src, 14, 1, tag="v3")
    before_kill = S.dump(wh)
    argv = ["run", str(src), "--warehouse", str(wh), "--no-prefect", "--config", str(cfg)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSETL_")}
    p = subprocess.run([sys.executable, "-c", KILL_MID_COMMIT, "4", *argv], capture_output=True, text=True,
                       timeout=600, env=env, cwd=S.REPO)
    assert p.returncode == 71, p.stderr[-2000:]
    assert S.dump(wh) == before_kill
    assert (wh / "_state" / "WRITING").exists()
    # ... and the next run repairs the Delta tables, then loads the same input
    res = run_pipeline([str(src)], settings)
    assert (res.files_read, res.superseded) == (3, 2)
    final = assert_every_reader_agrees(wh)
    assert final["articles"] == 15 and S.orphan_table_files(wh) == []
    assert not (wh / "_state" / "WRITING").exists()
