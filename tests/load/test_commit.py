"""Snapshots pinning Delta versions, supersession, atomicity, repair and locking, on small inline tables."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pyarrow as pa
import pytest

from newsetl import delta
from newsetl import sql as wsql
from newsetl.errors import ValidationFailed, WarehouseError, WarehouseLockedError
from newsetl.load import StagedRun, commit
from newsetl.settings import StorageConfig
from newsetl.store import CURRENT, Warehouse, cast_to_schema, write_parquet

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


def _delta_rows(wh: Warehouse, table: str, version: int | None = None) -> list[tuple]:
    """What any Delta reader sees: the table's (or version's) files read with DuckDB, as delta-rs lists them."""
    import duckdb

    dt_ = wh.delta_table(table, version)
    assert dt_ is not None
    uris = dt_.file_uris()
    if not uris:
        return []
    return duckdb.sql(f"select article_id, title from read_parquet({uris}) order by 1").fetchall()


def _parquet_on_disk(wh: Warehouse) -> list[str]:
    root = Path(wh.root)
    return sorted(p.relative_to(root).as_posix() for p in (root / "tables").rglob("*.parquet")
                  if "_delta_log" not in p.parts)


def test_first_commit_creates_snapshot_and_partitions(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "wh")
    uri = {"a#0": "a", "b#0": "b"}
    commit(wh, _stage(tmp_path, "r1", {"articles": _articles(["a#0", "b#0"], uri, dt.date(2021, 4, 7), "r1")}))
    snap = wh.snapshot()
    assert snap.id == "1"
    files = snap.tables["articles"]
    assert len(files) == 1 and files[0].startswith("tables/articles/pub_month=2021-04/")
    # the snapshot pins the Delta version whose files it lists
    state = wh.entry_state("articles")
    assert state is not None and (snap.versions["articles"], snap.tables["articles"]) == state
    assert _count(wh, "select count(*), min(pub_month) from articles") == [(2, "2021-04")]
    assert _delta_rows(wh, "articles") == [("a#0", "t"), ("b#0", "t")]
    # every table of schemas/ is a Delta table from the first commit on, and the marts too
    assert all(wh.delta_table(t) is not None for t in ("quarantine", "embedded_posts", "runs"))
    assert "mart:sector_daily" in snap.tables and wh.delta_table("mart:sector_daily") is not None
    assert wh.delta_table("articles").metadata().partition_columns == ["pub_month"]


def test_changed_source_supersedes_its_earlier_rows(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "wh", StorageConfig(retention_hours=0))
    uri = {"a#0": "a", "a#1": "a", "b#0": "b"}
    commit(wh, _stage(tmp_path, "r1", {"articles": _articles(["a#0", "a#1", "b#0"], uri, dt.date(2021, 4, 7), "r1")}))
    v1 = wh.snapshot().versions["articles"]
    # file "a" changed: now one record, dated in another month
    res = commit(wh, _stage(tmp_path, "r2", {"articles": _articles(["a#0"], uri, dt.date(2022, 1, 1), "r2", "new")},
                            replace={"a"}))
    assert res.superseded_articles == 2
    rows = _count(wh, "select article_id, title, pub_month from articles order by article_id")
    assert rows == [("a#0", "new", "2022-01"), ("b#0", "t", "2021-04")]
    assert _delta_rows(wh, "articles") == [("a#0", "new"), ("b#0", "t")]
    # one Delta commit replaced the rows (replaceWhere on the source), and time travel sees the old ones
    v2 = wh.snapshot().versions["articles"]
    ops = [h["operation"] for h in wh.delta_table("articles").history() if v1 < h["version"] <= v2]
    assert ops[-1] == "WRITE" and "OPTIMIZE" not in ops[:-1]
    assert _delta_rows(wh, "articles", v1) == [("a#0", "t"), ("a#1", "t"), ("b#0", "t")]
    # with no retention, the replaced file still stays while the previous snapshot pins it ...
    pinned_before = set(wh.snapshot().tables["articles"]) | set(_snapshot_files(wh, "1", "articles"))
    assert set(_parquet_on_disk(wh)) >= pinned_before
    commit(wh, _stage(tmp_path, "r3", {"articles": _articles(["c#0"], {"c#0": "c"}, dt.date(2022, 1, 2), "r3")}))
    # ... and goes once no kept snapshot pins it (vacuum), so the folder holds the live files and snapshot 2's
    kept = set(_snapshot_files(wh, "2", "articles")) | set(wh.snapshot().tables["articles"])
    assert {f for f in _parquet_on_disk(wh) if f.startswith("tables/articles/")} == kept


def _snapshot_files(wh: Warehouse, sid: str, table: str) -> list[str]:
    from newsetl.store import SNAPSHOT_DIR, Snapshot

    return Snapshot.from_json((Path(wh.root) / SNAPSHOT_DIR / f"{sid}.json").read_text()).tables.get(table, [])


def test_failed_check_writes_nothing(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "wh")
    uri = {"a#0": "a", "b#0": "b"}
    commit(wh, _stage(tmp_path, "r1", {"articles": _articles(["a#0"], uri, None, "r1")}))
    before = (wh.entry_state("articles"), _parquet_on_disk(wh))

    def bad(con: object, staged: object, final: bool) -> bool:  # the gate's signature (newsetl.load.MartCheck)
        raise ValidationFailed("marts do not reconcile")

    with pytest.raises(ValidationFailed):
        commit(wh, _stage(tmp_path, "r2", {"articles": _articles(["b#0"], uri, None, "r2")}), check=bad)
    assert wh.snapshot().id == "1"
    assert (wh.entry_state("articles"), _parquet_on_disk(wh)) == before  # not even a Delta version
    assert _count(wh, "select article_id from articles") == [("a#0",)]
    commit(wh, _stage(tmp_path, "r3", {"articles": _articles(["b#0"], uri, None, "r3")}))
    assert _delta_rows(wh, "articles") == [("a#0", "t"), ("b#0", "t")]


def test_a_commit_that_died_between_tables_is_rolled_back(tmp_path: Path) -> None:
    """Delta versions written past the pinned ones (and files no version lists) are undone first."""
    wh = Warehouse(tmp_path / "wh")
    uri = {"a#0": "a", "b#0": "b", "x#0": "x"}
    commit(wh, _stage(tmp_path, "r1", {"articles": _articles(["a#0"], uri, None, "r1")}))
    # what a run killed after its first table commit leaves: WRITING, one more Delta version, a stray file
    wh.begin_write("r-dead")
    wh.write_entry("articles", _articles(["x#0"], uri, None, "r-dead"), mode="append")
    stray = Path(wh.root) / "tables/articles/pub_month=unknown/part-99999-dead.parquet"
    stray.write_bytes(b"PAR1 half written")
    assert _delta_rows(wh, "articles") == [("a#0", "t"), ("x#0", "t")]
    assert _count(wh, "select article_id from articles") == [("a#0",)]  # readers see the pinned version
    commit(wh, _stage(tmp_path, "r2", {"articles": _articles(["b#0"], uri, None, "r2")}))
    assert _delta_rows(wh, "articles") == [("a#0", "t"), ("b#0", "t")]
    assert not stray.exists() and not (Path(wh.root) / "_state/WRITING").exists()
    ops = [h["operation"] for h in wh.delta_table("articles").history()]
    assert "RESTORE" in ops


def test_small_files_are_compacted_per_partition(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "wh")
    for i in range(4):
        ids = [f"s{i}#{k}" for k in range(3)]
        commit(wh, _stage(tmp_path, f"r{i}", {"articles": _articles(ids, {a: f"s{i}" for a in ids},
                                                                      dt.date(2021, 4, 7), f"r{i}")}))
    files = wh.snapshot().tables["articles"]
    assert len(files) == 1  # one file in the partition, not one per run
    assert _count(wh, "select count(*), count(distinct article_id) from articles") == [(12, 12)]


def test_unsigned_columns_round_trip_through_the_wider_delta_type(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "wh")
    sig = [0, 1, 2**31, 2**32 - 1]
    t = cast_to_schema(pa.table({"article_id": ["a#0"], "content_hash": ["h"], "story_id": ["a#0"],
                                 "n_shingles": [4], "minhash": [sig], "run_id": ["r1"]}), "dedup_index")
    commit(wh, _stage(tmp_path, "r1", {"dedup_index": t}))
    assert delta.table_schema("dedup_index").field("minhash").type == pa.list_(pa.int64())
    assert _count(wh, "select minhash, typeof(minhash) from dedup_index") == [(sig, "UINTEGER[]")]


def test_staged_files_stream_to_the_delta_schema_in_bounded_batches(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """``delta.batches``: the staged files' rows, cast to the storage schema (column docs included), at
    most ``READ_BATCH_ROWS`` rows a batch."""
    monkeypatch.setattr(delta, "READ_BATCH_ROWS", 3)
    files = []
    for i, n in enumerate((4, 2)):
        t = cast_to_schema(pa.table({"article_id": [f"a{i}#{k}" for k in range(n)], "content_hash": ["h"] * n,
                                     "story_id": ["s"] * n, "n_shingles": [7] * n, "minhash": [[2**32 - 1, k] for k in range(n)],
                                     "run_id": ["r1"] * n}), "dedup_index")
        files.append(str(tmp_path / f"b{i}.parquet"))
        write_parquet(t, Path(files[-1]))
    schema = delta.table_schema("dedup_index")
    reader = delta.batches(files, schema)
    assert type(reader) is pa.RecordBatchReader
    got = list(reader)
    assert [b.num_rows for b in got] == [3, 1, 2]
    assert all(b.schema.equals(schema, check_metadata=True) for b in got)
    table = pa.Table.from_batches(got)
    assert table.column("minhash").to_pylist() == [[2**32 - 1, k] for k in (0, 1, 2, 3, 0, 1)]
    assert table.column("article_id").to_pylist() == ["a0#0", "a0#1", "a0#2", "a0#3", "a1#0", "a1#1"]
    assert schema.field("article_id").metadata  # the column docs come along


def test_missing_state_pointer_stops_instead_of_starting_over(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "wh")
    uri = {"a#0": "a"}
    commit(wh, _stage(tmp_path, "r1", {"articles": _articles(["a#0"], uri, None, "r1")}))
    (Path(wh.root) / CURRENT).unlink()
    with pytest.raises(WarehouseError, match="newsetl repair --warehouse"):
        Warehouse(tmp_path / "wh").snapshot()
    with pytest.raises(WarehouseError, match="missing"):
        commit(Warehouse(tmp_path / "wh"), _stage(tmp_path, "r2", {"articles": _articles(["a#0"], uri, None, "r2")}))
    assert "1" in Warehouse(tmp_path / "wh").repair_pointer()
    assert _count(Warehouse(tmp_path / "wh"), "select article_id from articles") == [("a#0",)]
    (Path(wh.root) / CURRENT).write_text("garbage\n")
    with pytest.raises(WarehouseError, match="corrupt"):
        Warehouse(tmp_path / "wh").exists()


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


def test_repair_without_any_snapshot_pins_the_latest_delta_versions(tmp_path: Path) -> None:
    import shutil

    wh = Warehouse(tmp_path / "wh")
    uri = {"a#0": "a", "b#0": "b"}
    commit(wh, _stage(tmp_path, "r1", {"articles": _articles(["a#0", "b#0"], uri, None, "r1")}))
    shutil.rmtree(Path(wh.root) / "_state")
    with pytest.raises(WarehouseError, match="newsetl repair"):
        Warehouse(tmp_path / "wh").exists()
    assert "pinned the latest version" in Warehouse(tmp_path / "wh").repair_pointer()
    assert _count(Warehouse(tmp_path / "wh"), "select count(*) from articles") == [(2,)]


def test_maintain_compacts_publishes_and_vacuums(tmp_path: Path) -> None:
    from newsetl.run.maintain import maintain
    from newsetl.settings import load_settings

    settings = load_settings(None, warehouse=str(tmp_path / "wh"), storage={"retention_hours": 0})
    wh = Warehouse.of(settings)
    for i in range(3):
        ids = [f"m{i}#0"]
        commit(wh, _stage(tmp_path, f"r{i}", {"articles": _articles(ids, {ids[0]: f"m{i}"}, None, f"r{i}")}))
    before = wh.snapshot().id
    out = maintain(settings)
    assert wh.snapshot().id == str(int(before) + 1)
    assert "data files after compaction" in out
    assert _count(wh, "select count(*) from articles") == [(3,)]
    # vacuum kept only what the live snapshot and the one before it pin
    pinned = {f for sid in (before, wh.snapshot().id) for v in _snapshot_tables(wh, sid).values() for f in v}
    assert set(_parquet_on_disk(wh)) <= pinned


def _snapshot_tables(wh: Warehouse, sid: str) -> dict[str, list[str]]:
    from newsetl.store import SNAPSHOT_DIR, Snapshot

    return Snapshot.from_json((Path(wh.root) / SNAPSHOT_DIR / f"{sid}.json").read_text()).tables


def test_a_first_commit_that_died_is_not_taken_for_a_damaged_warehouse(tmp_path: Path) -> None:
    """Nothing was ever published: the next commit empties what the dead one wrote and starts snapshot 1."""
    wh = Warehouse(tmp_path / "wh")
    uri = {"a#0": "a", "x#0": "x"}
    wh.begin_write("r-dead")
    wh.ensure_tables()
    wh.write_entry("articles", _articles(["x#0"], uri, None, "r-dead"), mode="append")
    assert not wh.exists()
    commit(wh, _stage(tmp_path, "r1", {"articles": _articles(["a#0"], uri, None, "r1")}))
    assert wh.snapshot().id == "1"
    assert _delta_rows(wh, "articles") == [("a#0", "t")]
    assert _count(wh, "select article_id from articles") == [("a#0",)]


def test_a_column_doc_edited_in_schemas_does_not_fail_the_next_write(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Delta keeps each column's doc as field metadata; a doc edited in schemas/ (the manifest's status
    gained 'kept') made every later write fail with "Cannot merge metadata with different values for key
    doc". The table keeps the docs it has; the write goes through."""
    import dataclasses

    from schemas import TABLES

    wh = Warehouse(tmp_path / "wh")
    uri = {"a#0": "a", "b#0": "b"}
    commit(wh, _stage(tmp_path, "r1", {"articles": _articles(["a#0"], uri, None, "r1")}))
    spec = TABLES["articles"]
    i = spec.schema.get_field_index("title")
    edited = spec.schema.set(i, spec.schema.field(i).with_metadata({"doc": "the headline (doc edited)"}))
    monkeypatch.setitem(TABLES, "articles", dataclasses.replace(spec, schema=edited))
    commit(wh, _stage(tmp_path, "r2", {"articles": _articles(["b#0"], uri, None, "r2")}))
    assert _delta_rows(wh, "articles") == [("a#0", "t"), ("b#0", "t")]
    assert wh.snapshot().id == "2"


def test_rows_a_delta_delete_rewrote_read_as_plain_strings(tmp_path: Path) -> None:
    """A source replaced by nothing is a Delta delete; delta-rs writes the kept rows back with string_view
    columns, which pyarrow's compute kernels refused in the next run ("has no kernel matching input types
    (string_view)"). newsetl's own reads give plain strings."""
    import pyarrow.parquet as pq

    wh = Warehouse(tmp_path / "wh")
    uri = {"a#0": "a", "b#0": "b"}
    commit(wh, _stage(tmp_path, "r1", {"articles": _articles(["a#0", "b#0"], uri, None, "r1")}))
    commit(wh, _stage(tmp_path, "r2", {}, replace={"a"}))  # a's new version gave no row: delete
    (f,) = wh.snapshot().tables["articles"]
    assert pq.read_schema(Path(wh.root) / f).field("article_id").type == pa.string_view()  # what delta-rs wrote
    t = wh.read("articles", ["article_id", "source_uri"])
    assert t is not None and t.schema.field("article_id").type == pa.string() and t["article_id"].to_pylist() == ["b#0"]
    import pyarrow.compute as pc

    assert pc.replace_substring_regex(t["article_id"], r"#[0-9]+$", "").to_pylist() == ["b"]  # the kernel dedup uses


def test_the_roll_back_never_deletes_a_file_a_snapshot_pins(tmp_path: Path) -> None:
    """Files no Delta version references are a dead writer's leftovers, unless a snapshot pins them (a log
    rebuilt by `newsetl repair` no longer lists an older snapshot's files): those stay."""
    import dataclasses
    import shutil

    from newsetl.store import SNAPSHOT_DIR, WRITING

    wh = Warehouse(tmp_path / "wh")
    uri = {"a#0": "a", "b#0": "b"}
    commit(wh, _stage(tmp_path, "r1", {"articles": _articles(["a#0"], uri, None, "r1")}))
    root = Path(wh.root)
    (pinned,) = wh.snapshot().tables["articles"]
    old_file = "tables/articles/pub_month=unknown/pinned-by-an-older-snapshot.parquet"
    shutil.copy(root / pinned, root / old_file)
    older = dataclasses.replace(wh.snapshot(), id="0", tables={"articles": [old_file]})
    (root / SNAPSHOT_DIR / "0.json").write_text(older.to_json())
    orphan = root / "tables" / "articles" / "pub_month=unknown" / "dead-writer.parquet"
    shutil.copy(root / pinned, orphan)
    (root / WRITING).write_text("run r2 (pid 1)\n")
    wh.roll_back_unpublished(wh.snapshot())
    assert (root / old_file).exists() and (root / pinned).exists()
    assert not orphan.exists()


def test_a_table_write_that_fails_on_its_thread_stops_the_commit_before_it_publishes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The tables' Delta commits run on two threads: one failing raises from ``commit`` (after the other
    thread finished), the live snapshot stays, and the next commit rolls the finished table back."""
    wh = Warehouse(tmp_path / "wh")
    uri = {"a#0": "a", "b#0": "b"}
    commit(wh, _stage(tmp_path, "r1", {"articles": _articles(["a#0"], uri, None, "r1")}))
    live = wh.snapshot().id
    real = Warehouse.write_entry
    written: list[str] = []

    def write_entry(self: Warehouse, entry: str, data: object, **kw: object) -> None:
        if entry == "raw_documents":
            raise OSError(28, "No space left on device (simulated)")
        real(self, entry, data, **kw)  # type: ignore[arg-type]
        written.append(entry)

    monkeypatch.setattr(Warehouse, "write_entry", write_entry)
    raw = cast_to_schema(pa.table({
        "article_id": ["b#0"], "source_uri": ["b"], "record_index": [0], "format": ["txt"], "content_hash": ["h"],
        "size_bytes": [1], "encoding": ["utf-8"], "ingested_at": [NOW], "run_id": ["r2"]}), "raw_documents")
    with pytest.raises(OSError, match="No space left"):
        commit(wh, _stage(tmp_path, "r2", {"articles": _articles(["b#0"], uri, None, "r2"), "raw_documents": raw}))
    assert written == ["articles"]  # the other thread's table was written ...
    assert wh.snapshot().id == live  # ... but nothing was published
    assert _count(wh, "select article_id from articles") == [("a#0",)]
    monkeypatch.undo()
    commit(wh, _stage(tmp_path, "r3", {"articles": _articles(["b#0"], uri, None, "r3")}))
    assert _delta_rows(wh, "articles") == [("a#0", "t"), ("b#0", "t")]  # r2's articles version rolled back
