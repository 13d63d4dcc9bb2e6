"""Why a fine band scheme and an order-based containment estimator: measured on abridged copies.

    python bench/dedup_containment.py [--json bench/results/dedup_containment.json]

For the abridged copies of bench/perturb.py (first 1/2, 2/5, 1/3 of the words + "Read more") against
their originals: the share that becomes an LSH candidate under the near scheme alone
(cfg.bands bands of num_perm/bands rows) and under the fine scheme (CONTAINMENT_ROWS rows per band), the
error of two containment estimators against the exact containment of the shingle sets, and the recall at
cfg.containment_threshold. The cost side: candidate pairs per document among unrelated originals.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from perturb import generate, load_sources  # noqa: E402

from newsetl.dedup import compute_signatures  # noqa: E402
from newsetl.dedup.core import MIN_CONTAINMENT_EVIDENCE, candidate_pairs, similarity, verify  # noqa: E402
from newsetl.dedup.minhash import CONTAINMENT_ROWS, band_keys, shingle_hashes  # noqa: E402
from newsetl.settings import DedupConfig  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", default=None)
    a = ap.parse_args()
    cfg = DedupConfig()
    docs = generate(700, 3)
    orig = {d["story"]: d for d in docs if d["kind"] == "original"}
    ab = [d for d in docs if d["kind"] == "abridged"]
    ob = [orig[d["story"]] for d in ab]
    sa, na = compute_signatures([d["body"] for d in ab], cfg)
    sb, nb = compute_signatures([d["body"] for d in ob], cfg)
    # exact containment from the shingle sets
    da, ha = shingle_hashes([d["body"] for d in ab], cfg)
    db, hb = shingle_hashes([d["body"] for d in ob], cfg)
    exact = np.array([len(np.intersect1d(ha[da == i], hb[db == i])) / min((da == i).sum(), (db == i).sum()) for i in range(len(ab))])
    jac, cont_order, eq = similarity(sa, sb)
    cont_formula = np.clip(jac * (na + nb) / (1 + jac) / np.minimum(na, nb), 0, 1)
    rows_near = cfg.num_perm // cfg.bands
    cand = {}
    for name, r in [(f"near scheme {cfg.bands}x{rows_near}", rows_near), (f"fine scheme {cfg.num_perm // CONTAINMENT_ROWS}x{CONTAINMENT_ROWS}", CONTAINMENT_ROWS)]:
        cand[name] = float(np.mean((band_keys(sa, r) == band_keys(sb, r)).any(axis=1)))
    thr = cfg.containment_threshold
    est = {
        "order  eq/(eq+lt)": cont_order,
        "formula J(|A|+|B|)/((1+J)min)": cont_formula,
    }
    print(f"{len(ab)} abridged copies (exact containment: median {np.median(exact):.3f}, min {exact.min():.3f}; "
          f"Jaccard median {np.median(jac):.3f})\n")
    print(f"{'candidate generation':<40}{'share found':>12}")
    for k, v in cand.items():
        print(f"{k:<40}{v:>12.3f}")
    print(f"\n{'containment estimator':<34}{'mean abs err':>13}{'std err':>9}{f'recall@{thr}':>13}")
    res_est = {}
    for k, v in est.items():
        err = v - exact
        ok = (v >= thr) & (eq >= MIN_CONTAINMENT_EVIDENCE) if k.startswith("order") else v >= thr
        res_est[k] = {"mae": float(np.abs(err).mean()), "std": float(err.std()), "recall": float(ok.mean())}
        print(f"{k:<34}{np.abs(err).mean():>13.4f}{err.std():>9.4f}{ok.mean():>13.3f}")
    # cost: candidate pairs over the whole source corpus (it holds its own copies)
    od = load_sources()
    so, _ = compute_signatures([d["body"] for d in od], cfg)
    idx = np.arange(len(od))
    costs = {}
    for name, r in [("near", rows_near), ("fine", CONTAINMENT_ROWS)]:
        p, q = candidate_pairs(band_keys(so, r), idx)
        m, _, _ = verify(so[p], so[q], cfg)
        costs[name] = {"candidate_pairs": int(p.size), "verified": int((m != 3).sum())}
    print(f"\ncandidate pairs over the {len(od)} source documents: "
          + ", ".join(f"{k} scheme {v['candidate_pairs']} ({v['verified']} verified)" for k, v in costs.items()))
    if a.json:
        Path(a.json).parent.mkdir(parents=True, exist_ok=True)
        Path(a.json).write_text(json.dumps({"abridged": len(ab), "candidates": cand, "estimators": res_est,
                                            "unrelated_candidate_pairs": costs, "originals": len(od)}, indent=2))
        print(f"JSON -> {a.json}")


if __name__ == "__main__":
    main()
