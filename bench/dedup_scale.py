"""Peak RSS and timings of the dedup history as it grows (synthetic signatures).

    python bench/dedup_scale.py                    # 10k, 100k, 1M, each in a fresh process
    python bench/dedup_scale.py --one 100000       # a single size (what the driver runs)

Each size: HistoryIndex.add() of N synthetic index rows in slices of 50k (random signatures,
n_shingles, hashes), then one deduplicate_batch() of 2,000 rows: 1,000 new documents and 1,000
near-copies of history documents (20% of their signature values changed) that must be found.
Peak RSS is ``ru_maxrss`` of the process (imports included; the baseline after imports is printed).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from newsetl.dedup import HistoryIndex, deduplicate_batch, minhash_column  # noqa: E402
from newsetl.dedup.core import DEDUP_INDEX_NO_RUN  # noqa: E402
from newsetl.settings import DedupConfig  # noqa: E402


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synth_rows(rng: np.random.Generator, start: int, n: int, p: int) -> pa.Table:
    sig = rng.integers(0, 2**32, size=(n, p), dtype=np.uint32) & np.uint32(0xFFFFFFFE)  # no digit flags
    ids = [f"synthetic/{i:08d}.txt#0" for i in range(start, start + n)]
    return pa.table(
        {
            "article_id": ids,
            "content_hash": [f"{x:032x}" for x in rng.integers(0, 2**63, size=n)],
            "story_id": ids,
            "n_shingles": pa.array(rng.integers(100, 1000, size=n), pa.int32()),
            "minhash": minhash_column(sig),
        },
        schema=DEDUP_INDEX_NO_RUN,
    )


def one(n: int) -> dict:
    cfg = DedupConfig()
    rng = np.random.default_rng(7)
    base = rss_mb()
    t0 = time.perf_counter()
    hist = HistoryIndex.open([], cfg)
    step = 50_000
    for s in range(0, n, step):
        hist.add(synth_rows(rng, s, min(step, n - s), cfg.num_perm))
    build = time.perf_counter() - t0
    rss_build = rss_mb()
    # query batch: 1000 new + 1000 near-copies of random history docs
    new = synth_rows(rng, n + 10, 1000, cfg.num_perm)
    pick = np.sort(rng.choice(n, size=1000, replace=False))
    src_ids = hist.fetch(pick)[1]
    sig = hist.signatures(pick).copy()
    mask = rng.random(sig.shape) < 0.2
    sig[mask] = rng.integers(0, 2**32, size=int(mask.sum()), dtype=np.uint32) & np.uint32(0xFFFFFFFE)
    qsig = np.vstack([np.asarray(new.column("minhash").combine_chunks().flatten()).reshape(-1, cfg.num_perm), sig])
    m = qsig.shape[0]
    batch = pa.table(
        {
            "article_id": [f"query/{i}#0" for i in range(m)],
            "source_uri": [f"query/{i}" for i in range(m)],
            "title": pa.nulls(m, pa.string()),
            "body": ["x" * 100] * m,
            "published_date": pa.nulls(m, pa.date32()),
            "encoding_loss": pa.array(np.zeros(m, np.int32)),
            "word_count": pa.array(np.full(m, 300, np.int32)),
            "content_hash": [f"q{i:031x}" for i in range(m)],
            "minhash": minhash_column(qsig),
            "n_shingles": pa.array(np.full(m, 300, np.int32)),
        }
    )
    t1 = time.perf_counter()
    res = deduplicate_batch(batch, hist, cfg)
    query = time.perf_counter() - t1
    want = src_ids
    found = sum(s == w for s, w in zip(res.story_id[1000:], want, strict=True))
    false = sum(s != f"query/{i}#0" for i, s in enumerate(res.story_id[:1000]))
    t2 = time.perf_counter()
    hist.add(res.index_rows)
    add = time.perf_counter() - t2
    out = {
        "history": n, "build_s": build, "query_batch_s": query, "add_batch_s": add,
        "copies_found": found, "new_docs_wrongly_matched": false,
        "rss_after_imports_mb": base, "peak_rss_after_build_mb": rss_build, "peak_rss_mb": rss_mb(),
        "index_mb": round(hist.nbytes() / 2**20),
    }
    hist.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--one", type=int, default=None)
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--json", default=None)
    a = ap.parse_args()
    if a.one:
        print(json.dumps(one(a.one)))
        return
    rows = []
    for n in [int(x) for x in a.sizes.split(",")]:
        r = subprocess.run([sys.executable, __file__, "--one", str(n)],
                           capture_output=True, text=True, check=True)
        rows.append(json.loads(r.stdout.strip().splitlines()[-1]))
    print(f"{'history':>9}{'build s':>9}{'batch s':>9}{'add s':>7}{'found':>7}{'false':>7}{'RSS base':>10}{'RSS built':>10}{'RSS peak':>10}")
    for r in rows:
        print(f"{r['history']:>9}{r['build_s']:>9.1f}{r['query_batch_s']:>9.2f}{r['add_batch_s']:>7.2f}{r['copies_found']:>7}"
              f"{r['new_docs_wrongly_matched']:>7}{r['rss_after_imports_mb']:>9.0f}M{r['peak_rss_after_build_mb']:>9.0f}M{r['peak_rss_mb']:>9.0f}M")
    print("(batch = 2,000 rows, 1,000 of them near-copies of history rows; index MB = HistoryIndex.nbytes())")
    if a.json:
        Path(a.json).parent.mkdir(parents=True, exist_ok=True)
        Path(a.json).write_text(json.dumps(rows, indent=2))
        print(f"JSON -> {a.json}")


if __name__ == "__main__":
    main()
