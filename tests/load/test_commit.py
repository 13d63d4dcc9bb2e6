"""Snapshots, supersession, atomicity and locking of the warehouse, on small inline tables."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pyarrow as pa
import pytest

from newsetl import sql as wsql
from newsetl.errors import ValidationFailed, WarehouseLockedError
from newsetl.load import StagedRun, commit
from newsetl.store import Warehouse, cast_to_schema, write_parquet

NOW = dt.datetime(2024, 1, 2, tzinfo=dt.UTC)


def _articles(ids: list[str], uri_of: dict[str, str], day: dt.date | None, run: str, title: str = "t") -> pa.Table:
    n = len(ids)
    t = pa.table({
        "article_id": ids, "title": [title] * n, "body": ["body text"] * n, "published_date": [day] * n,
        "date_source": ["field:date" if day else "none"] * n, "source_uri": [uri_of[i] for i in ids],
        "language": ["en"] * n, "word_count": [2] * n, "encoding_loss": [0] * n, "format": ["txt"] * n,
        "content_hash": ids, "story_id": ids, "is_duplicate": [False] * n, "ingested_at": [NOW] * n,
        "run_id": [run] * n, "pub_month": [day.strftime("%Y-%m") if day else "unknown"] * n,
    })
    return cast_to_schema(t, "articles")


def _stage(tmp: Path, run: str, tables: dict[str, pa.Table], replace: set[str] | None = None) -> StagedRun:
    st = StagedRun(run, tmp / f"stage-{run}", replace or set())
    for name, t in tables.items():
        write_parquet(t, st.table_dir(name) / "b0.parquet")
    return st


def _count(wh: Warehouse, sql: str) -> list[tuple]:
    con = wsql.connect()
    files, _marts = wsql.split_snapshot(wh, wh.snapshot().tables)
    wsql.create_views(con, files)
    return con.sql(sql).fetchall()


def test_first_commit_creates_snapshot_and_partitions(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "wh")
    uri = {"a#0": "a", "b#0": "b"}
    commit(wh, _stage(tmp_path, "r1", {"articles": _articles(["a#0", "b#0"], uri, dt.date(2021, 4, 7), "r1")}))
    assert wh.snapshot().id == "1"
    files = wh.snapshot().tables["articles"]
    assert files == ["tables/articles/pub_month=2021-04/r1-0.parquet"]
    assert _count(wh, "select count(*), min(pub_month) from articles") == [(2, "2021-04")]
    # the marts were materialised with the snapshot
    assert "mart:sector_daily" in wh.snapshot().tables


def test_changed_source_supersedes_its_earlier_rows(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "wh")
    uri = {"a#0": "a", "a#1": "a", "b#0": "b"}
    commit(wh, _stage(tmp_path, "r1", {"articles": _articles(["a#0", "a#1", "b#0"], uri, dt.date(2021, 4, 7), "r1")}))
    # file "a" changed: now one record, dated in another month
    res = commit(wh, _stage(tmp_path, "r2", {"articles": _articles(["a#0"], uri, dt.date(2022, 1, 1), "r2", "new")},
                            replace={"a"}))
    assert res.superseded_articles == 2
    rows = _count(wh, "select article_id, title, pub_month from articles order by article_id")
    assert rows == [("a#0", "new", "2022-01"), ("b#0", "t", "2021-04")]
    # the old version's file stays for readers of snapshot 1 (KEEP_SNAPSHOTS) and goes at the next commit
    def on_disk() -> list[str]:
        return sorted(p.relative_to(tmp_path / "wh").as_posix() for p in (tmp_path / "wh" / "tables").rglob("*.parquet"))

    def live() -> list[str]:
        return sorted(f for k, v in wh.snapshot().tables.items() if not k.startswith("mart:") for f in v)

    assert on_disk() == sorted([*live(), "tables/articles/pub_month=2021-04/r1-0.parquet"])
    commit(wh, _stage(tmp_path, "r3", {"articles": _articles(["c#0"], {"c#0": "c"}, dt.date(2022, 1, 2), "r3")}))
    assert "tables/articles/pub_month=2021-04/r1-0.parquet" not in on_disk()
    assert set(on_disk()) - set(live()) <= {"tables/articles/pub_month=2022-01/r2-0.parquet"}


def test_failed_check_leaves_previous_snapshot(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "wh")
    uri = {"a#0": "a", "b#0": "b"}
    commit(wh, _stage(tmp_path, "r1", {"articles": _articles(["a#0"], uri, None, "r1")}))

    def bad(con: object) -> None:
        raise ValidationFailed("marts do not reconcile")

    with pytest.raises(ValidationFailed):
        commit(wh, _stage(tmp_path, "r2", {"articles": _articles(["b#0"], uri, None, "r2")}), check=bad)
    assert wh.snapshot().id == "1"
    assert _count(wh, "select article_id from articles") == [("a#0",)]
    # the next successful commit removes the files the failed one left behind
    commit(wh, _stage(tmp_path, "r3", {"articles": _articles(["b#0"], uri, None, "r3")}))
    on_disk = sorted(p.name for p in (tmp_path / "wh" / "tables").rglob("*.parquet"))
    assert on_disk == ["r1-0.parquet", "r3-0.parquet"]


def test_second_writer_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "wh")
    entered = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with wh.lock("first"):
            entered.set()
            release.wait(10)

    th = threading.Thread(target=hold)
    th.start()
    entered.wait(10)
    try:
        with pytest.raises(WarehouseLockedError, match="being written by run first"), Warehouse(tmp_path / "wh").lock("second"):
            pass
    finally:
        release.set()
        th.join()
    with wh.lock("third"):  # free again
        pass


def test_empty_tables_have_typed_views(tmp_path: Path) -> None:
    con = wsql.connect()
    wsql.create_views(con, {})
    assert con.sql("select count(*) from quarantine").fetchall()[0] == (0,)
    types = dict(con.sql("select column_name, data_type from information_schema.columns "
                         "where table_name = 'articles'").fetchall())
    assert types["published_date"] == "DATE"
    assert types["word_count"] == "INTEGER"
    assert con.sql("select count(*) from sector_monthly").fetchall()[0] == (0,)
