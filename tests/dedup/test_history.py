"""The in-memory history index: sorted runs, exact lookups, candidates, removal, the single-key rule."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsetl.dedup import HistoryIndex, minhash_column
from newsetl.dedup import history as hist_mod
from newsetl.dedup.core import CONTAINMENT, DEDUP_INDEX_NO_RUN, NONE, lopsided, single_key_jaccard, verify
from newsetl.dedup.history import SortedRuns
from newsetl.dedup.minhash import all_band_keys
from newsetl.settings import DedupConfig


@given(st.lists(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 2**32 - 1)), max_size=30), max_size=8),
       st.lists(st.integers(0, 45), unique=True, max_size=20))
@settings(max_examples=60)
def test_sorted_runs_lookup_matches_brute_force(adds: list[list[tuple[int, int]]], queries: list[int]) -> None:
    runs = SortedRuns()
    everything: list[tuple[int, int]] = []
    for chunk in adds:
        runs.add(np.array([k for k, _ in chunk], np.uint64), np.array([d for _, d in chunk], np.uint64))
        everything += chunk
    q = np.array(sorted(queries), np.uint64)
    qi, docs, counts = runs.lookup(q)
    got = Counter(zip(q[qi].tolist(), docs.tolist(), strict=True))
    want = Counter((k, d) for k, d in everything if k in set(queries))
    assert got == want
    assert counts.tolist() == [sum(1 for k, _ in everything if k == x) for x in q.tolist()]
    assert len(runs) == len(everything)


def test_sorted_runs_merge_into_few_runs_and_stop_at_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    runs = SortedRuns()
    for i in range(64):
        runs.add(np.full(10, i, np.uint64), np.arange(10, dtype=np.uint64))
    assert len(runs.runs) <= 7  # tiered: O(log n) runs
    assert all((np.diff(r.astype(np.int64)) >= 0).all() for r in runs.runs)
    monkeypatch.setattr(hist_mod, "RUN_CAP", 25)
    capped = SortedRuns()
    for i in range(8):
        capped.add(np.full(10, i, np.uint64), np.arange(10, dtype=np.uint64))
    assert max(r.size for r in capped.runs) <= 25
    assert capped.lookup(np.array([3], np.uint64))[2].tolist() == [10]


def _rows(cfg: DedupConfig, n: int, seed: int, hashes: list[str] | None = None) -> tuple[pa.Table, np.ndarray]:
    rng = np.random.default_rng(seed)
    sig = rng.integers(0, 2**32, size=(n, cfg.num_perm), dtype=np.uint32)
    ids = [f"s{seed}/{i}#0" for i in range(n)]
    t = pa.table({
        "article_id": ids,
        "content_hash": hashes or [f"h{seed}-{i}" for i in range(n)],
        "story_id": ids,
        "n_shingles": pa.array(np.full(n, 200), pa.int32()),
        "minhash": minhash_column(sig),
    }, schema=DEDUP_INDEX_NO_RUN)
    return t, sig


def test_exact_returns_the_earliest_article_and_checks_the_full_hash(monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = DedupConfig()
    h = HistoryIndex(cfg)
    a, _ = _rows(cfg, 3, 1, ["x", "y", "z"])
    b, _ = _rows(cfg, 2, 2, ["y", "w"])
    h.add(a)
    h.add(b)
    rows, stories, aids = h.exact(["q", "y", "w", "y"])
    assert rows.tolist() == [1, 2, 3]
    assert aids == ["s1/1#0", "s2/1#0", "s1/1#0"]  # the earliest "y" wins
    assert stories == aids
    # every hash collides on its fingerprint: only the equal full hash may match
    monkeypatch.setattr(hist_mod, "hash_keys", lambda v: np.zeros(len(v), np.uint64))
    h2 = HistoryIndex(cfg)
    h2.add(a)
    rows, _, aids = h2.exact(["z", "nope"])
    assert rows.tolist() == [0] and aids == ["s1/2#0"]


def test_candidates_find_the_copy_skip_removed_and_boilerplate(monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = DedupConfig()
    h = HistoryIndex(cfg)
    t, sig = _rows(cfg, 50, 3)
    h.add(t)
    keys = all_band_keys(sig[[7, 9]], cfg)
    rows, docs, shared = h.candidates(np.array([0, 1]), keys)
    pairs = dict(zip(zip(rows.tolist(), docs.tolist(), strict=True), shared.tolist(), strict=True))
    assert pairs[(0, 7)] == keys.shape[1] and pairs[(1, 9)] == keys.shape[1]
    assert len(h) == 50
    h.remove(["s3/7#0", "missing#0"])
    assert len(h) == 49
    rows, docs, _ = h.candidates(np.array([0, 1]), keys)
    assert 7 not in docs.tolist() and 9 in docs.tolist()
    assert h.exact(["h3-7", "h3-9"])[0].tolist() == [1]
    monkeypatch.setattr(hist_mod, "BUCKET_CAP", 0)  # every bucket is "boilerplate": no candidates
    assert h.candidates(np.array([0]), keys[:1])[0].size == 0


def test_fetch_and_signatures_across_blocks() -> None:
    cfg = DedupConfig()
    h = HistoryIndex(cfg)
    t1, s1 = _rows(cfg, 4, 4)
    t2, s2 = _rows(cfg, 3, 5)
    h.add(t1)
    h.add(t2)
    docs = np.array([5, 0, 3, 5])
    assert (h.signatures(docs) == np.vstack([s2[1], s1[0], s1[3], s2[1]])).all()
    d, aids, stories, n_sh, sigs = h.fetch(docs)
    assert d.tolist() == [0, 3, 5] and aids == ["s4/0#0", "s4/3#0", "s5/1#0"] and n_sh.tolist() == [200] * 3
    assert stories == aids and (sigs[2] == s2[1]).all()
    assert h.nbytes() > s1.nbytes + s2.nbytes


def test_single_key_rule() -> None:
    cfg = DedupConfig()
    j = single_key_jaccard(cfg)
    assert 0.3 < j < 0.4  # 64 fine bands: two or more match above J ~ 0.37 with probability 0.999
    assert single_key_jaccard(DedupConfig(num_perm=64, bands=16)) > j  # fewer bands need a higher Jaccard
    # a third-length abridged copy may share a single key; two equal-length texts sharing one key cannot
    # be duplicates at the default thresholds
    assert lopsided(np.array([100, 100]), np.array([300, 120]), cfg).tolist() == [True, False]
    # with a Jaccard threshold below the bound nothing is dropped
    assert lopsided(np.array([100]), np.array([100]), DedupConfig(threshold=0.3)).tolist() == [True]


def test_verify_needs_evidence_for_links_and_cannot_links() -> None:
    cfg = DedupConfig()
    rng = np.random.default_rng(9)
    a = rng.integers(0, 2**31, size=(2, cfg.num_perm), dtype=np.uint32) * 2 + 2
    b = a + 1  # every value larger: "a contained in b" on every permutation without a shared minimum
    b[1, :12] = a[1, :12]  # 12 shared minima: enough evidence
    m, s, cf = verify(a, b, cfg)
    assert m[0] == NONE and not cf[0] and s[0] == 0.0
    assert m[1] == CONTAINMENT
