"""Dedup alone on a generated corpus: time, candidates and peak RSS per batch as the history grows.

    python bench/dedup_corpus.py /tmp/newsetl-bench/gen-300000-s1 [--batch 8000] [--limit N] [--json F]

Reads the JSONL records of a ``bench/generate.py`` corpus (the bulk of it above 20k articles), computes
signatures once into a cache folder next to the corpus (``.dedup-cache-<num_perm>/``, reused by later
runs), then runs :func:`newsetl.dedup.deduplicate_batch` batch after batch against one
:class:`~newsetl.dedup.HistoryIndex`, exactly as ``newsetl.run.dedup_batches`` does. Prints, every
tenth of the way: history size, seconds of the last batches, history candidate pairs per row, and the
process's peak RSS, so a cost that grows with the history shows up as a rising column. At the end, pair
precision / recall of the story clusters against the generator's truth file (``.truth.jsonl``), over the
records read here.
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from newsetl.dedup import (  # noqa: E402
    HistoryIndex,
    compute_signatures,
    deduplicate_batch,
    minhash_column,
    normalized_text_hash,
)
from newsetl.ingest.records import FieldPlan, flatten, map_record  # noqa: E402
from newsetl.settings import DedupConfig, IngestConfig  # noqa: E402


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def records(corpus: Path, limit: int | None):
    plan = FieldPlan.from_config(IngestConfig())
    n = 0
    for path in sorted((corpus / "jsonl").rglob("*.jsonl*")):
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8", errors="replace") as fh:
            for i, line in enumerate(fh):
                try:
                    rec = json.loads(line)
                except ValueError:
                    continue
                if not isinstance(rec, dict):
                    continue
                body, fields = map_record(flatten(rec), plan)  # the pipeline's own field mapping
                if not body or not body.strip():
                    continue  # the pipeline quarantines these (no_article)
                title = fields.get("title")
                yield f"{path.relative_to(corpus)}#{i}", title, body
                n += 1
                if limit and n >= limit:
                    return


def build_cache(corpus: Path, cache: Path, batch: int, limit: int | None, cfg: DedupConfig) -> list[Path]:
    done = cache / f"done-{batch}-{limit}"
    if done.exists():
        return sorted(cache.glob(f"b{batch}-*.parquet"))
    cache.mkdir(parents=True, exist_ok=True)
    out: list[Path] = []
    buf: list[tuple[str, str | None, str]] = []

    def flush() -> None:
        ids, titles, bodies = zip(*buf, strict=True)
        sig, n_sh = compute_signatures(list(bodies), cfg)
        m = len(ids)
        t = pa.table({
            "article_id": list(ids), "source_uri": [x.split("#")[0] for x in ids], "title": list(titles),
            "body": list(bodies), "published_date": pa.nulls(m, pa.date32()),
            "encoding_loss": pa.array(np.zeros(m, np.int32)),
            "word_count": pa.array([len(b.split()) for b in bodies], pa.int32()),
            "content_hash": [normalized_text_hash(ti, b) for ti, b in zip(titles, bodies, strict=True)],
            "minhash": minhash_column(sig), "n_shingles": pa.array(n_sh, pa.int32()),
        })
        p = cache / f"b{batch}-{len(out):05d}.parquet"
        pq.write_table(t, p)
        out.append(p)
        buf.clear()

    for r in records(corpus, limit):
        buf.append(r)
        if len(buf) >= batch:
            flush()
    if buf:
        flush()
    done.touch()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--batch", type=int, default=8000, help="rows per cached signature batch")
    ap.add_argument("--group", type=int, default=1, help="cached batches per dedup call")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--json", default=None)
    a = ap.parse_args()
    cfg = DedupConfig()
    t0 = time.perf_counter()
    files = build_cache(a.corpus, a.corpus / f".dedup-cache-{cfg.num_perm}", a.batch, a.limit, cfg)
    print(f"signatures: {len(files)} batches ready in {time.perf_counter() - t0:.1f}s; RSS {rss_mb():.0f} MB")
    rows = []
    story: dict[str, str] = {}
    total = 0.0
    dups = 0
    step = max(1, len(files) // a.group // 10)
    window = 0.0
    with HistoryIndex.open([], cfg) as hist:
        groups = [files[i:i + a.group] for i in range(0, len(files), a.group)]
        for gi, grp in enumerate(groups):
            batch = pa.concat_tables([pq.read_table(p) for p in grp])
            t1 = time.perf_counter()
            res = deduplicate_batch(batch, hist, cfg)
            hist.add(res.index_rows)
            dt = time.perf_counter() - t1
            total += dt
            window += dt
            dups += res.duplicates.num_rows
            story.update(zip(batch.column("article_id").to_pylist(), res.story_id, strict=True))
            if (gi + 1) % step == 0 or gi + 1 == len(groups):
                r = {"history": len(hist), "batches": gi + 1, "window_s": round(window, 2),
                     "total_s": round(total, 2), "duplicates": dups, "peak_rss_mb": round(rss_mb())}
                r["index_mb"] = round(hist.nbytes() / 2**20)
                rows.append(r)
                print(json.dumps(r), flush=True)
                window = 0.0
        size = len(hist)
        index_mb = hist.nbytes() / 2**20
    print(f"dedup total {total:.1f}s for {size} articles, index {index_mb:.0f} MB ({dups} duplicates); peak RSS {rss_mb():.0f} MB")
    quality = pair_quality(a.corpus, story)
    if quality:
        print("vs truth: " + ", ".join(f"{k} {v}" for k, v in quality.items()))
    if a.json:
        Path(a.json).write_text(json.dumps({"rows": rows, "total_s": total, "duplicates": dups,
                                            "quality": quality}, indent=2))


def pair_quality(corpus: Path, story: dict[str, str]) -> dict[str, float | int]:
    """Pair precision / recall / F1 of the predicted stories against ``.truth.jsonl`` (same records)."""
    truth_file = corpus / ".truth.jsonl"
    if not truth_file.exists():
        return {}
    truth: dict[str, str] = {}
    with truth_file.open() as fh:
        for line in fh:
            t = json.loads(line)
            aid = f"{t['file']}#{t['record']}"
            if aid in story:
                truth[aid] = t["id"]
    ids = list(truth)
    cells = Counter((story[i], truth[i]) for i in ids)
    pred = Counter(story[i] for i in ids)
    true = Counter(truth[i] for i in ids)

    def pairs(c: Counter) -> int:
        return sum(n * (n - 1) // 2 for n in c.values())

    tp, p_, t_ = pairs(cells), pairs(pred), pairs(true)
    prec = tp / p_ if p_ else 1.0
    rec = tp / t_ if t_ else 1.0
    return {"records": len(ids), "true_pairs": t_, "predicted_pairs": p_, "precision": round(prec, 4),
            "recall": round(rec, 4), "f1": round(2 * prec * rec / (prec + rec), 4) if prec + rec else 0.0}


if __name__ == "__main__":
    main()
