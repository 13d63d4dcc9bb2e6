"""``newsetl.run.finalize.finalize_batch``: every sector and entity row is staged in its article's partition."""

from __future__ import annotations

import gc
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import newsetl.run.batch as batch
from newsetl.errors import ValidationFailed
from newsetl.load import StagedRun
from newsetl.run.batch import process_batch
from newsetl.run.dedupe import dedup_batches
from newsetl.run.finalize import finalize_batch
from newsetl.run.planning import FileRef, plan
from newsetl.settings import Settings, load_settings
from newsetl.store import Warehouse
from schemas import PARTITION_COLUMN


def _planned(sample_dir: Path, tmp_path: Path) -> tuple[Settings, Warehouse, list[FileRef], dict[str, str]]:
    """The sample's files as one batch of a fresh warehouse: settings, warehouse, files, known hashes."""
    settings = load_settings(None, warehouse=str(tmp_path / "wh"), workers=1)
    wh = Warehouse.of(settings)
    p = plan([str(sample_dir)], settings, wh, "run-1", False)
    return settings, wh, [f for b in p.batches for f in b], p.known_hashes


@pytest.fixture()
def batch_dir(sample_dir: Path, tmp_path: Path) -> str:
    settings, wh, files, known = _planned(sample_dir, tmp_path)
    s = process_batch(0, files, settings, str(tmp_path / "work"), known)
    dedup_batches([s.dir], wh, settings)
    return s.dir


def test_sector_and_entity_rows_take_their_articles_partition(batch_dir: str, tmp_path: Path) -> None:
    staged = StagedRun("run-1", tmp_path / "staging")
    counts = finalize_batch(batch_dir, staged)
    arts = pq.read_table(staged.staged_files("articles"))
    part_of = dict(zip(arts["article_id"].to_pylist(), arts[PARTITION_COLUMN].to_pylist(), strict=True))
    for name in ("article_sectors", "article_entities"):
        t = pq.read_table(staged.staged_files(name))
        assert t.num_rows == counts[name] > 0
        got = list(zip(t["article_id"].to_pylist(), t[PARTITION_COLUMN].to_pylist(), strict=True))
        assert got == [(a, part_of[a]) for a in t["article_id"].to_pylist()]
        assert set(t["run_id"].to_pylist()) == {"run-1"}


def test_a_row_of_an_article_the_batch_lacks_is_a_bug_named_not_a_wrong_partition(batch_dir: str,
                                                                                     tmp_path: Path) -> None:
    path = Path(batch_dir) / "article_sectors.parquet"
    t = pq.read_table(path)
    i = t.schema.get_field_index("article_id")
    orphan = t.slice(0, 1).set_column(i, t.schema.field(i), pa.array(["no-such-article"], pa.string()))
    pq.write_table(pa.concat_tables([t, orphan]), path)
    with pytest.raises(ValidationFailed, match="article_sectors has rows of an article the batch does not hold"):
        finalize_batch(batch_dir, StagedRun("run-1", tmp_path / "staging"))


def test_process_batch_turns_the_cyclic_gc_off_while_it_runs_and_back_on_after(sample_dir: Path, tmp_path: Path,
                                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []
    real = batch._process_batch

    def spy(*args: object, **kwargs: object) -> object:
        seen.append(gc.isenabled())
        return real(*args, **kwargs)  # type: ignore[arg-type]

    def failing(*args: object, **kwargs: object) -> object:
        seen.append(gc.isenabled())
        raise ValidationFailed("boom")

    settings, _, files, known = _planned(sample_dir, tmp_path)
    assert gc.isenabled() is True
    monkeypatch.setattr(batch, "_process_batch", spy)
    summary = process_batch(0, files, settings, str(tmp_path / "work"), known)
    assert summary.articles == 5
    assert gc.isenabled() is True
    monkeypatch.setattr(batch, "_process_batch", failing)
    with pytest.raises(ValidationFailed):
        process_batch(1, files, settings, str(tmp_path / "work2"), known)
    assert gc.isenabled() is True
    gc.disable()
    try:  # a caller that had it off keeps it off
        with pytest.raises(ValidationFailed):
            process_batch(2, files, settings, str(tmp_path / "work3"), known)
        assert gc.isenabled() is False
    finally:
        gc.enable()
    assert seen == [False, False, False]
