"""Batches finalized during dedup (``newsetl.run.finalize.dedup_and_finalize``) give the very files and the
very warehouse of finalizing them after dedup, also when an earlier commit attempt left files behind."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from newsetl.errors import ValidationFailed
from newsetl.load import StagedRun
from newsetl.run.batch import process_batch
from newsetl.run.dedupe import dedup_batches
from newsetl.run.finalize import AHEAD, dedup_and_finalize, finalize_batch, finish_run, staged_run
from newsetl.run.kept import kept_versions
from newsetl.run.planning import plan
from newsetl.settings import load_settings
from newsetl.store import Warehouse
from schemas import TABLES as TABLE_SPECS

RUN = "20240601T000000-abcdef"
TABLES = ("articles", "article_sectors", "article_entities", "duplicates", "manifest", "raw_documents")


def _prepared(sample_dir: Path, root: Path) -> tuple[Any, Warehouse, Any, list[Any]]:
    settings = load_settings(None, warehouse=str(root / "wh"), workers=2, batch_size=2, validate_data_docs=False)
    wh = Warehouse.of(settings)
    p = plan([str(sample_dir)], settings, wh, RUN, False)
    assert len(p.batches) >= 2  # several batches: dedup decides them one after the other
    work = root / "wh" / "_staging"
    sums = [process_batch(i, b, settings, str(work), p.known_hashes) for i, b in enumerate(p.batches)]
    return settings, wh, p, sums


def _copies(sums: list[Any], root: Path) -> tuple[Any, Warehouse, list[Any]]:
    """The same processed batches for a second, empty warehouse (copies of the batch folders)."""
    settings = load_settings(None, warehouse=str(root / "wh"), workers=2, batch_size=2, validate_data_docs=False)
    out = []
    for s in sums:
        dest = root / "wh" / "_staging" / Path(s.dir).name
        shutil.copytree(s.dir, dest)
        out.append(dataclasses.replace(s, dir=str(dest)))
    return settings, Warehouse.of(settings), out


def _read(files: list[str]) -> pa.Table:
    return pa.concat_tables([pq.read_table(f) for f in files])


def test_finalized_ahead_equals_finalized_after(sample_dir: Path, tmp_path: Path) -> None:
    settings, wh, _, sums = _prepared(sample_dir, tmp_path / "a")
    settings2, wh2, sums2 = _copies(sums, tmp_path / "b")
    dirs = [s.dir for s in sums]
    got = dedup_and_finalize(dirs, wh, settings, set(), RUN, {})
    assert sorted(got["finalized"]) == sorted(dirs)
    ahead = StagedRun(RUN, staged_run(wh, RUN).staging / AHEAD)

    plain = dedup_batches([s.dir for s in sums2], wh2, settings2)
    after = StagedRun(RUN, tmp_path / "after")
    counts = [finalize_batch(s.dir, after, {}) for s in sums2]
    assert got["duplicates"] == plain["duplicates"]
    assert list(got["finalized"].values()) == counts
    for name in TABLES:
        a, b = ahead.staged_files(name), after.staged_files(name)
        assert [Path(f).name for f in a] == [Path(f).name for f in b]
        if a:
            assert _read(a).equals(_read(b))


def _finish(settings: Any, wh: Warehouse, p: Any, sums: list[Any], finalized: dict[str, dict[str, int]] | None,
            duplicates: int) -> Any:
    return finish_run(wh, p, sums, settings, dt.datetime.now(dt.UTC), {}, duplicates, finalized)


def _tables(wh: Warehouse) -> dict[str, list[dict[str, Any]]]:
    out = {}
    for name in TABLES:
        t = wh.read(name, list(TABLE_SPECS[name].schema.names))
        if t is None:  # no row of that table in the sample (e.g. no duplicates)
            out[name] = []
            continue
        out[name] = t.sort_by([(c, "ascending") for c in t.column_names[:3]]).to_pylist()
    return out


def test_commit_links_the_batches_finalized_ahead_and_ignores_an_earlier_attempts_files(
        sample_dir: Path, tmp_path: Path) -> None:
    settings, wh, p, sums = _prepared(sample_dir, tmp_path / "a")
    settings2, wh2, sums2 = _copies(sums, tmp_path / "b")
    kept = kept_versions(wh, p, sums)
    got = dedup_and_finalize([s.dir for s in sums], wh, settings, set(), RUN, kept)
    staged = staged_run(wh, RUN)
    # what a failed attempt could leave: a rewritten staged file, an extra one, a half-built commit folder
    some = StagedRun(RUN, staged.staging / AHEAD).staged_files("articles")[0]
    (staged.table_dir("articles")).mkdir(parents=True)
    t = pq.read_table(some)
    pq.write_table(t.slice(0, 1), staged.table_dir("articles") / Path(some).name)
    pq.write_table(t, staged.table_dir("articles") / "gate-leftover.parquet")
    (staged.staging / "commit").mkdir()
    res = _finish(settings, wh, p, sums, got["finalized"], got["duplicates"])

    d2 = dedup_batches([s.dir for s in sums2], wh2, settings2)
    res2 = _finish(settings2, wh2, p, sums2, None, d2["duplicates"])
    assert (res.articles_loaded, res.duplicates, res.quarantined) == (
        res2.articles_loaded, res2.duplicates, res2.quarantined)
    assert res.articles_loaded == wh.read("articles", ["article_id"]).num_rows > 0
    assert _tables(wh) == _tables(wh2)
    assert not staged.staging.exists()  # the staged run (and its ahead folder) is gone after the commit


def test_a_batch_that_fails_to_finalize_ahead_fails_the_stage(sample_dir: Path, tmp_path: Path) -> None:
    settings, wh, _, sums = _prepared(sample_dir, tmp_path)
    path = Path(sums[-1].dir) / "article_sectors.parquet"
    t = pq.read_table(path)
    i = t.schema.get_field_index("article_id")
    orphan = t.slice(0, 1).set_column(i, t.schema.field(i), pa.array(["no-such-article"], pa.string()))
    pq.write_table(pa.concat_tables([t, orphan]), path)
    with pytest.raises(ValidationFailed, match="article_sectors has rows of an article the batch does not hold"):
        dedup_and_finalize([s.dir for s in sums], wh, settings, set(), RUN, {})


def test_finalized_entries_of_other_batches_are_ignored(sample_dir: Path, tmp_path: Path) -> None:
    settings, wh, p, sums = _prepared(sample_dir, tmp_path)
    got = dedup_and_finalize([s.dir for s in sums], wh, settings, set(), RUN, {})
    shutil.rmtree(staged_run(wh, RUN).staging / AHEAD)  # nothing to link: every batch is finalized again
    res = _finish(settings, wh, p, sums, {"/elsewhere/batch-9": {"articles": 99}}, got["duplicates"])
    assert res.articles_loaded == wh.read("articles", ["article_id"]).num_rows > 0
