"""Dedup on the BBC corpus: byte-identical groups (ground truth by hashing file bytes) and near copies.

    python bench/dedup_bbc.py [--batch 500] [--json bench/results/dedup_bbc.json]

Title = line 1, body = the rest (latin-1). Runs newsetl batch after batch against its HistoryIndex.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import xxhash

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from dedup_eval import batch_table  # noqa: E402

from newsetl.dedup import HistoryIndex, deduplicate_batch  # noqa: E402
from newsetl.settings import DedupConfig  # noqa: E402

BBC = Path("/work/shared/corpora/bbc")


def word_diff(a: str, b: str, limit: int = 4) -> str:
    wa, wb = a.split(), b.split()
    ops = [(" ".join(wa[i1:i2])[:40], " ".join(wb[j1:j2])[:40])
           for t, i1, i2, j1, j2 in difflib.SequenceMatcher(None, wa, wb, autojunk=False).get_opcodes() if t != "equal"]
    more = f" (+{len(ops) - limit} more)" if len(ops) > limit else ""
    return "; ".join(f"{x!r}->{y!r}" for x, y in ops[:limit]) + more


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--batch", type=int, default=500)
    ap.add_argument("--json", default=None)
    ap.add_argument("--threshold", type=float, default=None)
    a = ap.parse_args()
    if not BBC.is_dir():
        print(f"{BBC} absent: nothing to do")
        return
    cfg = DedupConfig(**({"threshold": a.threshold} if a.threshold else {}))
    files = sorted(BBC.glob("*/*.txt"))
    docs = []
    groups: dict[str, list[int]] = defaultdict(list)
    for i, f in enumerate(files):
        raw = f.read_bytes()
        groups[xxhash.xxh3_128_hexdigest(raw)].append(i)
        title, _, body = raw.decode("latin-1").partition("\n")
        docs.append({"doc_id": f"{f.parent.name}/{f.name}", "title": title.strip(), "body": body.strip()})
    byte_groups = [g for g in groups.values() if len(g) > 1]

    t0 = time.perf_counter()
    story: list[str] = []
    dup_rows: list[dict] = []
    with HistoryIndex.open([], cfg) as hist:
        for s in range(0, len(docs), a.batch):
            res = deduplicate_batch(batch_table(docs[s : s + a.batch], cfg), hist, cfg)
            hist.add(res.index_rows)
            story.extend(res.story_id)
            dup_rows.extend(res.duplicates.to_pylist())
    secs = time.perf_counter() - t0

    idx = {d["doc_id"]: i for i, d in enumerate(docs)}
    found = sum(len({story[i] for i in g}) == 1 for g in byte_groups)
    byte_dup_docs = sum(len(g) - 1 for g in byte_groups)
    in_byte_group = {i for g in byte_groups for i in g}
    by_method: dict[str, int] = defaultdict(int)
    for r in dup_rows:
        by_method[r["method"]] += 1
    near = [r for r in dup_rows if r["method"] != "exact"]
    near_not_bytes = [r for r in near if not (idx[r["article_id"]] in in_byte_group
                                             and idx[r["canonical_article_id"]] in in_byte_group
                                             and any(idx[r["article_id"]] in g and idx[r["canonical_article_id"]] in g for g in byte_groups))]
    same_title = sum(docs[idx[r["article_id"]]]["title"] == docs[idx[r["canonical_article_id"]]]["title"] for r in near_not_bytes)
    exact_not_bytes = [r for r in dup_rows if r["method"] == "exact"
                       and not any(idx[r["article_id"]] in g and idx[r["canonical_article_id"]] in g for g in byte_groups)]

    print(f"BBC: {len(docs)} files, {secs:.2f} s for the dedup step incl. signatures ({len(docs) / secs:.0f} docs/s)")
    print(f"{'measure':<58}{'count':>8}")
    rows = [
        ("byte-identical groups (ground truth: xxh3 of file bytes)", len(byte_groups)),
        ("  files in them beyond the first", byte_dup_docs),
        ("  groups found whole (one story_id)", found),
        ("duplicates reported, method=exact", by_method["exact"]),
        ("  exact but not byte-identical (whitespace/case/punct.)", len(exact_not_bytes)),
        ("duplicates reported, method=near", by_method["near"]),
        ("duplicates reported, method=containment", by_method["containment"]),
        ("  near/containment copies with the same title", same_title),
        ("stories", len(set(story))),
    ]
    for name, v in rows:
        print(f"{name:<58}{v:>8}")
    print("\nnear / containment copies (word-level differences to the canonical copy):")
    for r in near_not_bytes:
        a_, c_ = docs[idx[r["article_id"]]], docs[idx[r["canonical_article_id"]]]
        print(f"  {r['article_id']:<22} ~ {r['canonical_article_id']:<22} {r['method']:<11} {r['similarity']:.3f}  "
              f"{word_diff(c_['body'], a_['body'])[:150]}")
    if a.json:
        Path(a.json).parent.mkdir(parents=True, exist_ok=True)
        Path(a.json).write_text(json.dumps({
            "files": len(docs), "seconds": secs, "config": cfg.model_dump(),
            "counts": dict(rows), "near_copies": near_not_bytes,
            "byte_groups_missed": [[docs[i]["doc_id"] for i in g] for g in byte_groups if len({story[i] for i in g}) != 1],
        }, indent=2))
        print(f"\nJSON -> {a.json}")


if __name__ == "__main__":
    main()
