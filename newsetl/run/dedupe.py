"""Stage 3, dedup (sequential over the batches): exact and near duplicates, within the run and against
the warehouse's history; writes story ids, duplicates and history rows per batch."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from newsetl.run.common import ProgressFn
from newsetl.settings import Settings
from newsetl.store import Warehouse


def _history_ids_of(wh: Warehouse, uris: set[str]) -> list[str]:
    """article_ids in the dedup history that came from ``uris`` (about to be superseded)."""
    t = wh.read("dedup_index", ["article_id"])
    if t is None:
        return []
    prefix = pc.replace_substring_regex(t["article_id"], r"#[0-9]+$", "")
    return t["article_id"].filter(pc.is_in(prefix, pa.array(sorted(uris)))).to_pylist()


def _validate_duplicates(dups: list[pa.Table], batch_dir: Path, settings: Settings) -> None:
    """The duplicates suite on the run's copies, all batches in one call (bookkeeping: a failing row is a
    dedup bug, so the run stops naming it); the result joins the last batch's validation results (Data
    Docs)."""
    dups = [t for t in dups if t.num_rows]
    if not dups:
        return
    import json

    from newsetl.errors import ValidationFailed
    from newsetl.run.common import suites
    from newsetl.validate import validate_table

    t = pa.concat_tables(dups)
    t = t.append_column("run_id", pa.array([""] * t.num_rows, pa.string()))  # stamped at finalize
    o = validate_table("duplicates", t, suites(settings))
    (batch_dir / "validation-dedup.json").write_text(json.dumps([o.result], default=str))
    if not o.ok:
        raise ValidationFailed("duplicates failed validation (a bug in newsetl's dedup, not in the input: please "
                               "report it): " + "; ".join(o.batch_failures))


def dedup_batches(batch_dirs: list[str], wh: Warehouse, settings: Settings,
                  progress: ProgressFn | None = None, replaced: set[str] | None = None,
                  then: Callable[[str], None] | None = None) -> dict[str, int]:
    """Decide duplicates batch by batch against history; writes dedup.parquet per batch. ``then(batch_dir)``
    is called as soon as a batch's files are written (its decisions are final: later batches never change
    them), before the next batch is read."""
    from newsetl.dedup import HistoryIndex, deduplicate_batch
    from newsetl.dedup.core import BODY_CHARS

    history = HistoryIndex.open(wh.files("dedup_index"), settings.dedup)
    if replaced:
        history.remove(_history_ids_of(wh, replaced))
    cols = ["article_id", "source_uri", BODY_CHARS, "published_date", "encoding_loss", "word_count", "content_hash",
            "minhash", "n_shingles"]
    found: list[pa.Table] = []
    for i, d in enumerate(batch_dirs):
        batch = pq.read_table(Path(d) / "articles.parquet", columns=cols)
        res = deduplicate_batch(batch, history, settings.dedup)
        history.add(res.index_rows)
        story = pa.table({"article_id": batch["article_id"], "story_id": pa.array(res.story_id, pa.string())})
        # run-internal files (finalize reads them back): no dictionary pages, which distinct ids and MinHash
        # values only fill and then abandon (the dictionary attempt was ~85% of writing dedup_index)
        pq.write_table(story, Path(d) / "dedup.parquet", use_dictionary=False)
        pq.write_table(res.duplicates, Path(d) / "duplicates.parquet", use_dictionary=False)
        pq.write_table(res.index_rows, Path(d) / "dedup_index.parquet", use_dictionary=False)
        found.append(res.duplicates)
        if then is not None:
            then(d)
        if progress:
            progress("dedup", i + 1, len(batch_dirs))
    if batch_dirs:
        _validate_duplicates(found, Path(batch_dirs[-1]), settings)
    return {"duplicates": sum(t.num_rows for t in found)}
