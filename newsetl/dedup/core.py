"""Sequential dedup step: one batch against itself and the history.

* exact: equal ``content_hash`` (normalised title+body) within the batch and against history;
* near / containment: LSH band keys give candidate pairs (within the batch by sorting the keys, against
  history by a join), every candidate is VERIFIED from the two signatures before it is merged:
  estimated Jaccard ``>= cfg.threshold`` (method ``near``) or estimated containment
  ``>= cfg.containment_threshold`` (method ``containment``, abridged copies);
* numbers: a pair that differs (almost) only in digit-holding shingles on both sides (templated reports
  of different days) is never merged, and becomes a cannot-link so a third document contained in both
  cannot join them either (see :func:`numbers_differ`);
* clusters by union-find over the verified edges, strongest first; a cluster touching history takes the
  history's story_id (stable ids across runs: two history stories bridged later are NOT merged, the
  strongest link wins), otherwise its canonical row is the best quality copy (no encoding loss, has a
  date, longest body, then first seen).

Containment is estimated from the order of the two MinHash values per permutation: with ``A`` and ``B``
hashed by the same min-wise permutation, ``P(minA == minB) = |A∩B|/|A∪B|`` and
``P(minA < minB) = |A\\B|/|A∪B|``, so ``|A∩B|/|A| = eq / (eq + lt)``. Unlike the size formula
``J(|A|+|B|)/((1+J)min)`` it does not amplify the Jaccard noise when the sizes differ (a third-length
abridged copy: std 0.03 vs 0.09 at 128 permutations); it needs ``MIN_CONTAINMENT_EVIDENCE`` shared minima.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from newsetl.dedup.history import BUCKET_CAP, HistoryIndex, signature_matrix
from newsetl.dedup.minhash import CONTAINMENT_ROWS, NUMBER_BIT, all_band_keys
from newsetl.settings import DedupConfig
from schemas.tables import DEDUP_INDEX, DUPLICATES

DUPLICATES_NO_RUN = pa.schema([f for f in DUPLICATES if f.name != "run_id"])
DEDUP_INDEX_NO_RUN = pa.schema([f for f in DEDUP_INDEX if f.name != "run_id"])

MIN_CONTAINMENT_EVIDENCE = 10
"""Shared minima (of num_perm) needed before an estimated containment is believed."""

NUMBERS_SHARE = 0.8
NUMBERS_CHANCE = 1e-4
NUMBERS_MIN = 1
"""Numbers-conflict test, see :func:`numbers_differ`."""

CONFLICT_JACCARD = 0.2
CONFLICT_CONTAINMENT = 0.5
"""A numbers conflict above these similarities forbids the two documents from sharing a cluster."""

SINGLE_KEY_MISS = 1e-3
"""See :func:`lopsided`: the accepted chance that a pair above its Jaccard bound shares only one band key."""

VERIFY_CHUNK = 65_536
"""Candidate pairs against history verified at once (two uint32 signature stacks of this many rows)."""

EXACT, NEAR, CONTAINMENT, NONE = 0, 1, 2, 3
METHOD_NAMES = {EXACT: "exact", NEAR: "near", CONTAINMENT: "containment"}


@dataclass
class DedupResult:
    story_id: list[str]  # per input row, canonical article_id of its story (itself when unique)
    duplicates: pa.Table  # DUPLICATES schema minus run_id
    index_rows: pa.Table  # DEDUP_INDEX schema minus run_id


def minhash_column(sig: np.ndarray) -> pa.ListArray:
    """uint32 ``[n, num_perm]`` signatures as a ``list<uint32>`` Arrow column."""
    n, p = sig.shape
    offsets = pa.array(np.arange(0, (n + 1) * p, p, dtype=np.int32))
    return pa.ListArray.from_arrays(offsets, pa.array(np.ascontiguousarray(sig).ravel(), pa.uint32()))


def similarity(sa: np.ndarray, sb: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row-wise (Jaccard, containment of the more contained side, shared minima) of two signature stacks."""
    p = sa.shape[1]
    eq = np.count_nonzero(sa == sb, axis=1)
    lt = np.count_nonzero(sa < sb, axis=1)
    gt = p - eq - lt
    jac = eq / p
    cont = np.maximum(eq / np.maximum(eq + lt, 1), eq / np.maximum(eq + gt, 1))
    return jac, cont, eq


def numbers_differ(sa: np.ndarray, sb: np.ndarray) -> np.ndarray:
    """Per pair: both documents have shingles the other lacks, and on both sides these hold digits.

    A permutation where ``minA < minB`` samples an element of ``A \\ B``; bit 0 of ``minA`` says whether that
    shingle holds a digit. Templated reports that differ only in their numbers differ (almost) only in
    digit shingles on both sides. A copy with typos or reordered paragraphs differs in shingles whose
    digit share is the document's own; so the pair conflicts when at least ``NUMBERS_SHARE`` (and ``NUMBERS_MIN``) of
    the differing samples on each side hold digits AND that is unlikely by chance given each document's
    digit share (``p_A ** n_A * p_B ** n_B < NUMBERS_CHANCE``).
    """
    p = sa.shape[1]
    lt = sa < sb
    gt = sa > sb
    n_lt = np.count_nonzero(lt, axis=1)
    n_gt = np.count_nonzero(gt, axis=1)
    fa = (sa & NUMBER_BIT) != 0
    fb = (sb & NUMBER_BIT) != 0
    num_lt = np.count_nonzero(lt & fa, axis=1)
    num_gt = np.count_nonzero(gt & fb, axis=1)
    share_a = np.maximum(fa.mean(axis=1), 1.0 / p)
    share_b = np.maximum(fb.mean(axis=1), 1.0 / p)
    chance = share_a ** num_lt.astype(np.float64) * share_b ** num_gt.astype(np.float64)
    return (
        (num_lt >= NUMBERS_MIN)
        & (num_gt >= NUMBERS_MIN)
        & (num_lt >= NUMBERS_SHARE * n_lt)
        & (num_gt >= NUMBERS_SHARE * n_gt)
        & (chance < NUMBERS_CHANCE)
    )


def verify(sa: np.ndarray, sb: np.ndarray, cfg: DedupConfig) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per pair: (method code NEAR / CONTAINMENT / NONE, similarity, conflict).

    ``conflict`` marks pairs that share much text but differ in their numbers: different stories that
    must not end up in one cluster through a third document (a cannot-link for the clustering).
    Both a link and a cannot-link need evidence: the pairs sharing fewer than ``MIN_CONTAINMENT_EVIDENCE``
    minima (and below the Jaccard threshold) are rejected after one comparison pass -- most LSH candidates
    against a large history share a sentence or two and stop there.
    """
    n, p = sa.shape
    method = np.full(n, NONE, np.int64)
    simv = np.zeros(n)
    conflict = np.zeros(n, bool)
    need = min(MIN_CONTAINMENT_EVIDENCE, int(np.ceil(cfg.threshold * p)))
    sel = np.flatnonzero(np.count_nonzero(sa == sb, axis=1) >= need)
    if sel.size == 0:
        return method, simv, conflict
    sa, sb = sa[sel], sb[sel]
    jac, cont, eq = similarity(sa, sb)
    differ = numbers_differ(sa, sb)
    near = (jac >= cfg.threshold) & ~differ
    contained = (cont >= cfg.containment_threshold) & (eq >= MIN_CONTAINMENT_EVIDENCE) & ~differ
    method[sel] = np.where(near, NEAR, np.where(contained, CONTAINMENT, NONE))
    simv[sel] = np.where(near, jac, cont)
    conflict[sel] = differ & (eq >= MIN_CONTAINMENT_EVIDENCE) & ((jac >= CONFLICT_JACCARD) | (cont >= CONFLICT_CONTAINMENT))
    return method, simv, conflict


def single_key_jaccard(cfg: DedupConfig) -> float:
    """The Jaccard above which two or more fine bands match with probability >= 1 - ``SINGLE_KEY_MISS``."""
    nb = cfg.num_perm // CONTAINMENT_ROWS
    lo, hi = 0.0, 1.0
    for _ in range(40):  # bisection on P(at most one of nb bands matches) = SINGLE_KEY_MISS
        j = (lo + hi) / 2
        p = j**CONTAINMENT_ROWS
        miss = (1 - p) ** nb + nb * p * (1 - p) ** (nb - 1)
        lo, hi = (j, hi) if miss > SINGLE_KEY_MISS else (lo, j)
    return hi


def lopsided(na: np.ndarray, nb: np.ndarray, cfg: DedupConfig) -> np.ndarray:
    """Pairs whose shingle-set sizes differ enough for an abridged copy to have a low Jaccard.

    A candidate against history that shares a single band key has an estimated Jaccard so low that it
    can only be a duplicate as a *containment* of a much shorter text: with the shorter set ``r`` times
    the longer and containment ``c``, ``J = c r / (1 + r - c r)``. Above ``J0 =``
    :func:`single_key_jaccard` (0.37 at 128 permutations) two or more fine bands match with probability
    ``1 - SINGLE_KEY_MISS``, so a single-key candidate with ``r > J0 / (c (1 + J0) - J0)`` is dropped before
    verification. Most such candidates against a large history share one sentence and nothing else.
    When ``cfg.threshold`` is below ``J0`` (near duplicates may share one key) nothing is dropped.
    """
    j, c = single_key_jaccard(cfg), cfg.containment_threshold
    if cfg.threshold < j:
        return np.ones(na.size, bool)
    r_max = j / max(c * (1 + j) - j, 1e-9)
    lo, hi = np.minimum(na, nb), np.maximum(na, nb)
    return lo <= r_max * np.maximum(hi, 1)


def candidate_pairs(keys: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (a, b), a < b, of rows sharing at least one band key (buckets above BUCKET_CAP skipped)."""
    if rows.size < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    k = keys.ravel()
    r = np.repeat(rows.astype(np.int64), keys.shape[1])
    order = np.argsort(k)  # the order within a bucket is irrelevant: pairs are normalised and made unique
    k, r = k[order], r[order]
    start = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
    size = np.diff(np.r_[start, k.size])
    out_a: list[np.ndarray] = []
    out_b: list[np.ndarray] = []
    for s in np.unique(size[(size >= 2) & (size <= BUCKET_CAP)]):
        g = start[size == s]
        members = r[g[:, None] + np.arange(s)[None, :]]  # [groups, s]
        i, j = np.triu_indices(int(s), 1)
        out_a.append(members[:, i].ravel())
        out_b.append(members[:, j].ravel())
    if not out_a:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    a = np.concatenate(out_a)
    b = np.concatenate(out_b)
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    keep = lo != hi
    code = np.unique(lo[keep] * (int(rows.max()) + 1) + hi[keep])
    return code // (int(rows.max()) + 1), code % (int(rows.max()) + 1)


class _UnionFind:
    """Union-find with cannot-link constraints (a union that would join a conflicting pair is refused)."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}
        self.cannot: dict[int, set[int]] = {}

    def forbid(self, a: int, b: int) -> None:
        self.cannot.setdefault(self.find(a), set()).add(b)
        self.cannot.setdefault(self.find(b), set()).add(a)

    def find(self, x: int) -> int:
        root = x
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while x != root:
            nxt = self.parent.get(x, x)
            self.parent[x] = root
            x = nxt
        return root

    def union(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        ca, cb = self.cannot.get(ra, set()), self.cannot.get(rb, set())
        if any(self.find(x) == rb for x in ca) or any(self.find(x) == ra for x in cb):
            return False
        keep, gone = min(ra, rb), max(ra, rb)
        self.parent[gone] = keep
        if ca or cb:
            self.cannot[keep] = ca | cb
            self.cannot.pop(gone, None)
        return True


def _col(batch: pa.Table, name: str) -> list:
    return batch.column(name).to_pylist()


BODY_CHARS = "body_chars"


def body_chars(body: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    """The ``body_chars`` column: each body's length in characters (0 for a missing body), int64."""
    return pc.utf8_length(body.cast(pa.string())).fill_null(0).cast(pa.int64())


def _body_chars(batch: pa.Table) -> list[int]:
    """Per row, the body's length in characters (``body_chars`` when the batch carries it)."""
    col = batch.column(BODY_CHARS) if BODY_CHARS in batch.column_names else body_chars(batch.column("body"))
    return col.fill_null(0).to_numpy(zero_copy_only=False).tolist()


def deduplicate_batch(batch: pa.Table, history: HistoryIndex, cfg: DedupConfig) -> DedupResult:
    """Decide the story of every row of ``batch`` against itself and ``history``.

    ``batch`` columns: article_id, source_uri, body (or ``body_chars``, its length in characters: the
    pipeline's batches carry that instead of the text), published_date, encoding_loss, word_count,
    content_hash, minhash (list<uint32>), n_shingles. ``history`` is not modified: call
    ``history.add(result.index_rows)`` to make the batch visible to the next one.
    """
    n = batch.num_rows
    aids: list[str] = _col(batch, "article_id")
    hashes: list[str] = _col(batch, "content_hash")
    uris: list[str] = _col(batch, "source_uri")
    sig = signature_matrix(batch.column("minhash"), cfg.num_perm)
    n_sh = np.asarray(batch.column("n_shingles").to_numpy(zero_copy_only=False), dtype=np.int64)
    words = np.asarray(batch.column("word_count").to_numpy(zero_copy_only=False), dtype=np.int64)
    eligible = (words >= cfg.min_words) & (n_sh > 0)

    # edges: (batch row, node, method, similarity); nodes >= n are history stories
    eu: list[np.ndarray] = []
    ev: list[np.ndarray] = []
    em: list[np.ndarray] = []
    es: list[np.ndarray] = []
    conflicts: list[tuple[int, int]] = []
    story_node: dict[str, int] = {}
    node_story: list[str] = []

    def node_of(story: str) -> int:
        if story not in story_node:
            story_node[story] = n + len(node_story)
            node_story.append(story)
        return story_node[story]

    def add_edges(u: np.ndarray, v: np.ndarray, m: np.ndarray, s: np.ndarray) -> None:
        if u.size:
            eu.append(u.astype(np.int64))
            ev.append(v.astype(np.int64))
            em.append(m.astype(np.int64))
            es.append(s.astype(np.float64))

    # exact within the batch
    hcol = batch.column("content_hash")  # each row's first row of equal hash (null equals null, as in a dict)
    code = np.asarray(pc.index_in(hcol, value_set=pc.unique(hcol)).to_numpy(zero_copy_only=False), np.int64)
    first_row = np.unique(code, return_index=True)[1][code] if n else np.zeros(0, np.int64)
    xu = np.flatnonzero(first_row != np.arange(n))
    add_edges(xu, first_row[xu], np.full(xu.size, EXACT), np.ones(xu.size))

    # exact against history
    hrows, hstories, _ = history.exact(hashes)
    add_edges(hrows, np.array([node_of(s) for s in hstories], np.int64), np.full(hrows.size, EXACT),
              np.ones(hrows.size))

    # near / containment: candidates from band keys, verified from signatures
    el = np.flatnonzero(eligible)
    if el.size:
        keys = all_band_keys(sig[el], cfg)
        a, b = candidate_pairs(keys, el)
        m, s, cf = verify(sig[a], sig[b], cfg)
        ok = m != NONE
        add_edges(a[ok], b[ok], m[ok], s[ok])
        conflicts.extend(zip(a[cf].tolist(), b[cf].tolist(), strict=True))
        crow, cdoc, shared = history.candidates(el, keys)
        plausible = (shared >= 2) | lopsided(n_sh[crow], history.shingle_counts(cdoc), cfg)
        crow, cdoc = crow[plausible], cdoc[plausible]
        hr: list[np.ndarray] = []
        hd: list[np.ndarray] = []
        hm: list[np.ndarray] = []
        hs: list[np.ndarray] = []
        hc: list[np.ndarray] = []
        for c0 in range(0, crow.size, VERIFY_CHUNK):  # bounded temporaries however many candidates
            r_, d_ = crow[c0:c0 + VERIFY_CHUNK], cdoc[c0:c0 + VERIFY_CHUNK]
            m, s, cf = verify(sig[r_], history.signatures(d_), cfg)
            keep_ = (m != NONE) | cf
            for out, val in ((hr, r_), (hd, d_), (hm, m), (hs, s), (hc, cf)):
                out.append(val[keep_])
        if hr:
            crow, cdoc, m, s, cf = (np.concatenate(x) for x in (hr, hd, hm, hs, hc))
            dstory = history.stories(cdoc)
            dnode = np.array([node_of(x) for x in dstory], np.int64)
            ok = m != NONE
            add_edges(crow[ok], dnode[ok], m[ok], s[ok])
            conflicts.extend(zip(crow[cf].tolist(), dnode[cf].tolist(), strict=True))

    u = np.concatenate(eu) if eu else np.zeros(0, np.int64)
    v = np.concatenate(ev) if ev else np.zeros(0, np.int64)
    meth = np.concatenate(em) if em else np.zeros(0, np.int64)
    sim = np.concatenate(es) if es else np.zeros(0)

    # strongest edges first; an edge that would join a numbers conflict is dropped
    uf = _UnionFind()
    for a_, b_ in conflicts:
        uf.forbid(a_, b_)
    order = np.lexsort((-sim, meth))
    kept = np.array([uf.union(int(u[e]), int(v[e])) for e in order], dtype=bool)
    keep = np.zeros(u.size, dtype=bool)
    keep[order] = kept
    u, v, meth, sim = u[keep], v[keep], meth[keep], sim[keep]

    # strongest edge per batch row: (method rank, -similarity, other node)
    best: dict[int, tuple[int, float, int]] = {}
    for a_, b_, m_, s_ in zip(u.tolist(), v.tolist(), meth.tolist(), sim.tolist(), strict=True):
        for x, y in ((a_, b_), (b_, a_)):
            if x < n:
                cand = (m_, -s_, y)
                if x not in best or cand < best[x]:
                    best[x] = cand

    # story of each cluster
    enc = np.asarray(batch.column("encoding_loss").fill_null(0).to_numpy(zero_copy_only=False))
    has_date = np.asarray(batch.column("published_date").is_valid().to_numpy(zero_copy_only=False))
    body_len = _body_chars(batch)
    clusters: dict[int, list[int]] = {}
    linked = uf.parent
    for i in range(n):
        clusters.setdefault(uf.find(i) if i in linked else i, []).append(i)  # a row never linked is its root
    hist_best: dict[int, tuple[int, float, int]] = {}  # cluster root -> best edge into history
    for a_, b_, m_, s_ in zip(u.tolist(), v.tolist(), meth.tolist(), sim.tolist(), strict=True):
        if b_ >= n:
            root = uf.find(a_)
            cand = (m_, -s_, b_)
            if root not in hist_best or cand < hist_best[root]:
                hist_best[root] = cand
    story = [""] * n
    canonical_row: dict[int, int] = {}
    for root, members in clusters.items():
        if root in hist_best:
            sid = node_story[hist_best[root][2] - n]
            for i in members:
                story[i] = sid
            continue
        c = members[0] if len(members) == 1 else \
            min(members, key=lambda i: (enc[i] != 0, not has_date[i], -body_len[i], i, aids[i]))
        for i in members:
            story[i] = aids[c]
            canonical_row[i] = c

    # strongest kept edge from a batch row to a history story
    to_history: dict[tuple[int, int], tuple[int, float]] = {}
    for a_, b_, m_, s_ in zip(u.tolist(), v.tolist(), meth.tolist(), sim.tolist(), strict=True):
        if b_ >= n and ((a_, b_) not in to_history or (m_, -s_) < (to_history[(a_, b_)][0], -to_history[(a_, b_)][1])):
            to_history[(a_, b_)] = (m_, s_)

    # duplicates table: method and similarity against the canonical copy when it is in the batch
    d_rows: list[int] = []
    d_meth: list[str] = []
    d_sim: list[float] = []
    pairs = [(i, c) for i, c in canonical_row.items() if i != c and eligible[i] and eligible[c]]
    direct: dict[int, tuple[int, float]] = {}
    if pairs:
        pi = np.array([p[0] for p in pairs])
        pcan = np.array([p[1] for p in pairs])
        mm, ss, _ = verify(sig[pi], sig[pcan], cfg)
        direct = dict(zip(pi.tolist(), zip(mm.tolist(), ss.tolist(), strict=True), strict=True))
    for i in range(n):
        if story[i] == aids[i]:
            continue
        m_, s_ = NONE, 0.0
        if i in canonical_row:
            c = canonical_row[i]
            if hashes[i] == hashes[c]:
                m_, s_ = EXACT, 1.0
            elif i in direct:
                m_, s_ = direct[i]
        else:
            node = story_node.get(story[i])
            if node is not None and (i, node) in to_history:
                m_, s_ = to_history[(i, node)]
        if m_ == NONE and i in best:  # joined transitively: report its strongest own link
            m_, s_ = best[i][0], -best[i][1]
        d_rows.append(i)
        d_meth.append(METHOD_NAMES.get(m_, "near"))
        d_sim.append(round(s_, 6))
    duplicates = pa.table(
        {
            "article_id": pa.array([aids[i] for i in d_rows], pa.string()),
            "canonical_article_id": pa.array([story[i] for i in d_rows], pa.string()),
            "source_uri": pa.array([uris[i] for i in d_rows], pa.string()),
            "method": pa.array(d_meth, pa.string()),
            "similarity": pa.array(d_sim, pa.float64()),
        },
        schema=DUPLICATES_NO_RUN,
    )
    index_rows = pa.table(
        {
            "article_id": pa.array(aids, pa.string()),
            "content_hash": pa.array(hashes, pa.string()),
            "story_id": pa.array(story, pa.string()),
            "n_shingles": pa.array(n_sh.astype(np.int32), pa.int32()),
            "minhash": minhash_column(sig),
        },
        schema=DEDUP_INDEX_NO_RUN,
    )
    return DedupResult(story_id=story, duplicates=duplicates, index_rows=index_rows)
