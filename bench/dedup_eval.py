"""Pair precision / recall / F1 of newsetl dedup vs a datasketch MinHash + MinHashLSH baseline.

Runs on the deterministic perturbation set of bench/perturb.py (generated in-process, same seed). newsetl
runs batch after batch against its HistoryIndex (as in the pipeline); datasketch runs the usual stream:
query the LSH, verify ``m.jaccard >= t``, insert; clusters by union-find. Both use the same word
shingles (cfg.shingle_size over the same normalised tokens).

    python bench/dedup_eval.py [--originals 700] [--batch 500] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import pyarrow as pa

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from perturb import KINDS, NEGATIVE_KINDS, generate  # noqa: E402

from newsetl.dedup import (  # noqa: E402
    HistoryIndex,
    compute_signatures,
    deduplicate_batch,
    minhash_column,
    normalized_text_hash,
)
from newsetl.dedup.text import tokens  # noqa: E402
from newsetl.settings import DedupConfig  # noqa: E402


def batch_table(docs: list[dict], cfg: DedupConfig) -> pa.Table:
    bodies = [d["body"] for d in docs]
    sig, n_sh = compute_signatures(bodies, cfg)
    return pa.table(
        {
            "article_id": [d["doc_id"] for d in docs],
            "source_uri": [d["doc_id"] for d in docs],
            "title": [d["title"] for d in docs],
            "body": bodies,
            "published_date": pa.nulls(len(docs), pa.date32()),
            "encoding_loss": pa.array([0] * len(docs), pa.int32()),
            "word_count": pa.array([len(b.split()) for b in bodies], pa.int32()),
            "content_hash": [normalized_text_hash(d["title"], d["body"]) for d in docs],
            "minhash": minhash_column(sig),
            "n_shingles": pa.array(n_sh, pa.int32()),
        }
    )


def run_newsetl(docs: list[dict], cfg: DedupConfig, batch: int) -> tuple[list[str], float]:
    t0 = time.perf_counter()
    labels: list[str] = []
    with HistoryIndex.open([], cfg) as hist:
        for i in range(0, len(docs), batch):
            res = deduplicate_batch(batch_table(docs[i : i + batch], cfg), hist, cfg)
            hist.add(res.index_rows)
            labels.extend(res.story_id)
    return labels, time.perf_counter() - t0


def shingle_bytes(body: str, k: int) -> list[bytes]:
    t = tokens(body)
    if not t:
        return []
    return list({" ".join(t[i : i + k]).encode() for i in range(max(1, len(t) - k + 1))})


class UF:
    def __init__(self, n: int) -> None:
        self.p = list(range(n))

    def find(self, x: int) -> int:
        while self.p[x] != x:
            self.p[x] = self.p[self.p[x]]
            x = self.p[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.p[max(ra, rb)] = min(ra, rb)


def run_datasketch(docs: list[dict], k: int, num_perm: int, threshold: float, per_shingle: bool = False) -> tuple[list[str], float]:
    from datasketch import MinHash, MinHashLSH

    t0 = time.perf_counter()
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    mhs: list[MinHash] = []
    uf = UF(len(docs))
    for i, d in enumerate(docs):
        m = MinHash(num_perm=num_perm)
        sh = shingle_bytes(d["body"], k)
        if per_shingle:
            for s in sh:
                m.update(s)
        else:
            m.update_batch(sh)
        mhs.append(m)
        for j in lsh.query(m):
            if m.jaccard(mhs[j]) >= threshold:
                uf.union(i, j)
        lsh.insert(i, m)
    return [str(uf.find(i)) for i in range(len(docs))], time.perf_counter() - t0


def c2(x: int) -> int:
    return x * (x - 1) // 2


def pair_metrics(docs: list[dict], labels: list[str]) -> dict:
    truth = [d["story"] for d in docs]
    tp = sum(c2(v) for v in Counter(zip(truth, labels, strict=True)).values())
    pred = sum(c2(v) for v in Counter(labels).values())
    true = sum(c2(v) for v in Counter(truth).values())
    p = tp / pred if pred else 1.0
    r = tp / true if true else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    out = {"precision": p, "recall": r, "f1": f, "pred_pairs": pred, "true_pairs": true, "tp": tp}
    # per kind: recall of (original, copy) pairs; precision of predicted pairs involving the kind's docs
    by_label: dict[str, list[int]] = defaultdict(list)
    for i, lab in enumerate(labels):
        by_label[lab].append(i)
    orig_of = {d["story"]: i for i, d in enumerate(docs) if d["kind"] == "original"}
    per: dict[str, dict] = {}
    for kind in [*KINDS, *NEGATIVE_KINDS, "original"]:
        idx = [i for i, d in enumerate(docs) if d["kind"] == kind]
        if not idx:
            continue
        row: dict = {"docs": len(idx)}
        if kind in KINDS:
            hits = [labels[i] == labels[orig_of[docs[i]["story"]]] for i in idx]
            row["recall"] = float(np.mean(hits))
            by_s: dict[int, list[bool]] = defaultdict(list)
            for i, h in zip(idx, hits, strict=True):
                by_s[docs[i]["strength"]].append(h)
            row["recall_by_strength"] = {s: float(np.mean(v)) for s, v in sorted(by_s.items())}
        good = bad = 0
        for i in idx:
            for j in by_label[labels[i]]:
                if j != i:
                    if truth[i] == truth[j]:
                        good += 1
                    else:
                        bad += 1
        row["pred_pairs"] = good + bad
        row["wrong_pairs"] = bad
        row["precision"] = good / (good + bad) if good + bad else 1.0
        per[kind] = row
    out["per_kind"] = per
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--originals", type=int, default=700)
    ap.add_argument("--copies", type=int, default=3)
    ap.add_argument("--batch", type=int, default=500)
    ap.add_argument("--thresholds", default="0.3,0.4,0.5,0.6,0.7,0.8,0.9")
    ap.add_argument("--json", default=None)
    ap.add_argument("--number-weight", type=int, default=None, help="override minhash.NUMBER_WEIGHT")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--adversarial-numbers", action="store_true", help="numbers twins for every original, with copies")
    ap.add_argument("--shingle-size", type=int, default=None)
    ap.add_argument("--num-perm", type=int, default=None)
    ap.add_argument("--bands", type=int, default=None)
    ap.add_argument("--threshold", type=float, default=None)
    ap.add_argument("--containment-threshold", type=float, default=None)
    a = ap.parse_args()
    over = {k: v for k, v in {"shingle_size": a.shingle_size, "num_perm": a.num_perm, "bands": a.bands,
                              "threshold": a.threshold, "containment_threshold": a.containment_threshold}.items() if v is not None}
    cfg = DedupConfig(**over)
    if a.number_weight is not None:
        import newsetl.dedup.minhash as mh

        mh.NUMBER_WEIGHT = a.number_weight
    docs = generate(a.originals, a.copies, adversarial_numbers=a.adversarial_numbers)
    print(f"{len(docs)} documents; config {cfg.model_dump()}")
    results: dict = {"adversarial_numbers": a.adversarial_numbers, "config": cfg.model_dump(), "number_weight": __import__("newsetl.dedup.minhash").dedup.minhash.NUMBER_WEIGHT, "documents": len(docs), "systems": {}}
    labels, secs = run_newsetl(docs, cfg, a.batch)
    results["systems"]["newsetl"] = {**pair_metrics(docs, labels), "seconds": secs}
    for t in [] if a.no_baseline else [float(x) for x in a.thresholds.split(",")]:
        labels, secs = run_datasketch(docs, cfg.shingle_size, cfg.num_perm, t)
        results["systems"][f"datasketch@{t}"] = {**pair_metrics(docs, labels), "seconds": secs}

    kinds = [*KINDS, *NEGATIVE_KINDS, "original"]
    print(f"\n{'system':<17}{'P':>8}{'R':>8}{'F1':>8}{'pairs':>8}{'wrong':>7}{'secs':>7}")
    for name, m in results["systems"].items():
        print(f"{name:<17}{m['precision']:>8.4f}{m['recall']:>8.4f}{m['f1']:>8.4f}{m['pred_pairs']:>8}"
              f"{m['pred_pairs'] - m['tp']:>7}{m['seconds']:>7.1f}")
    print("\nrecall of (original, copy) pairs per edit kind [strength 1/2/3]; wrong predicted pairs for negatives")
    print(f"{'kind':<16}" + "".join(f"{n[:16]:>22}" for n in results["systems"]))
    for kind in kinds:
        cells = []
        for m in results["systems"].values():
            row = m["per_kind"].get(kind)
            if row is None:
                cells.append("-")
            elif "recall" in row:
                rs = "/".join(f"{v:.2f}" for v in row["recall_by_strength"].values())
                cells.append(f"{row['recall']:.3f} [{rs}]")
            else:
                cells.append(f"P={row['precision']:.3f} w={row['wrong_pairs']}")
        print(f"{kind:<16}" + "".join(f"{c:>22}" for c in cells))
    print("\nprecision of predicted pairs involving each kind")
    for kind in kinds:
        cells = [f"{m['per_kind'][kind]['precision']:.4f}" if kind in m["per_kind"] else "-" for m in results["systems"].values()]
        print(f"{kind:<16}" + "".join(f"{c:>22}" for c in cells))
    if a.json:
        Path(a.json).write_text(json.dumps(results, indent=2))
        print(f"\nJSON -> {a.json}")


if __name__ == "__main__":
    main()
