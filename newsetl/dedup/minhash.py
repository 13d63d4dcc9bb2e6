"""Vectorised shingling, MinHash signatures and LSH band keys.

A document is the set of hashed word shingles (``cfg.shingle_size`` consecutive tokens of the normalised
token stream, see :mod:`newsetl.dedup.text`). The signatures remember whether the minimum
shingle of each permutation holds a digit, so verification can reject two templated reports that differ
only in their numbers while a copy with typos, added chrome or a dropped paragraph is unaffected.

The functions here are batch-at-once numpy; :func:`compute_signatures` runs the same computation compiled,
one pass per document (:mod:`newsetl.dedup.jit`, tested value for value against these functions):

* tokens are hashed once (a byte-position sum, avalanched), shingle hashes are a mix of ``k`` shifted
  token-hash arrays;
* distinct (document, shingle) pairs come from one ``np.unique`` over ``doc << 32 | hash``;
* bit 0 of every shingle hash and of every signature value flags "holds a digit" (see
  :func:`minhash_from_shingles`);
* the MinHash of permutation ``i`` is ``min((a_i * x + b_i) mod 2**64) >> 32`` -- Dietzfelbinger's
  multiply-add-shift universal family for 32-bit keys (no modulo needed; the shift is monotone so it is
  applied after the minimum) -- evaluated as a broadcast ``[rows, num_perm]`` block per chunk of rows and
  reduced per document with ``np.minimum.reduceat``. There is no per-document loop over permutations.
"""

from __future__ import annotations

import numpy as np

from newsetl.dedup.text import normalize_bytes
from newsetl.settings import DedupConfig

NUMBER_WEIGHT = 1
"""Copies of each shingle holding a digit (1 = plain set; >1 was measured and hurts recall)."""

NUMBER_BIT = 1
"""Bit of every signature value that is set when the minimum shingle holds a digit."""

CONTAINMENT_ROWS = 2
"""Rows per band of the fine band scheme that finds abridged copies (Jaccard ~ 1/3) as candidates."""

EMPTY = np.uint32(0xFFFFFFFF)
"""Signature value of a document without shingles."""

_CHUNK_ELEMENTS = 1 << 20  # rows * num_perm per broadcast block (8 MiB of uint64)
_CHUNK_CHARS = 500_000  # characters of text tokenised at once (measured: 4M -> 0.5M is ~15% less CPU:
# the temporaries stay in cache and are reused by the allocator instead of being new pages every slice)
_U64 = np.uint64
_MIX1 = _U64(0xFF51AFD7ED558CCD)
_MIX2 = _U64(0xC4CEB9FE1A85EC53)
_GOLDEN = _U64(0x9E3779B97F4A7C15)
# odd multipliers for the k token positions of a shingle
_POS = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93, 0xFF51AFD7ED558CCD,
     0xC4CEB9FE1A85EC53, 0x2545F4914F6CDD1D, 0x94D049BB133111EB, 0xBF58476D1CE4E5B9, 0x87C37B91114253D5,
     0x4CF5AD432745937F, 0x52DCE729DA3ED1CB],
    dtype=np.uint64,
)


def fmix64(x: np.ndarray) -> np.ndarray:
    """MurmurHash3 finaliser (bijective avalanche) on a uint64 array, returned as a new array."""
    x = x ^ (x >> _U64(33))
    x *= _MIX1
    x ^= x >> _U64(33)
    x *= _MIX2
    x ^= x >> _U64(33)
    return x


_SALTS = fmix64(np.arange(1, 64, dtype=np.uint64))
_SALTS = np.r_[_U64(0), _SALTS]


def permutations(cfg: DedupConfig) -> tuple[np.ndarray, np.ndarray]:
    """The ``(a, b)`` uint64 parameters of the ``cfg.num_perm`` hash functions (``a`` odd)."""
    rng = np.random.default_rng(cfg.seed)
    a = rng.integers(0, 2**64, size=cfg.num_perm, dtype=np.uint64, endpoint=False) | _U64(1)
    b = rng.integers(0, 2**64, size=cfg.num_perm, dtype=np.uint64, endpoint=False)
    return a, b


_BYTE_POS = np.random.default_rng(0x5EED).integers(0, 2**64, size=64, dtype=np.uint64, endpoint=False) | _U64(1)
"""Random odd multiplier per byte position inside a token (positions wrap every 64 bytes)."""
_BYTE_TERMS = ((np.arange(256, dtype=np.uint64)[None, :] + _U64(1)) * _BYTE_POS[:, None]).ravel()
"""``(byte + 1) * _BYTE_POS[position]`` mod 2**64 at ``position * 256 + byte`` (128 KiB)."""


def _token_arrays(bodies: list[str], normalized: list[bytes] | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(token hashes uint64 [N], token-has-digit bool [N], per-document token offsets int64 [n+1]).

    Tokenises the whole batch at the byte level: the normalised documents are joined by spaces, token
    boundaries are found with numpy, and a token's hash is ``sum((byte + 1) * R[position])`` mod 2**64
    over its bytes (one ``np.add.reduceat``), plus its length, avalanched with ``fmix64``.
    ``normalized``: ``normalize_bytes`` of each body when the caller has it already.
    """
    parts = normalized if normalized is not None else [normalize_bytes(b) for b in bodies]
    arr = np.frombuffer(b" ".join(parts) + b" ", dtype=np.uint8)
    lens = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
    doc_start = np.zeros(len(parts), dtype=np.int64)
    np.cumsum(lens[:-1] + 1, out=doc_start[1:])
    word = arr != 32
    # the edges of the word runs, alternately a start and an end (the text ends with a space): one pass
    edges = np.flatnonzero(np.diff(word, prepend=False))
    starts, ends = edges[0::2], edges[1::2]
    offsets = np.empty(len(parts) + 1, dtype=np.int64)
    offsets[:-1] = np.searchsorted(starts, doc_start)  # a document's tokens start at or after its start
    offsets[-1] = starts.size
    if starts.size == 0:
        return np.zeros(0, np.uint64), np.zeros(0, bool), offsets
    # No compaction to the word bytes: token j's segment runs from its start to the next token's start, and
    # its trailing spaces add nothing (``_SEG_TERMS`` is 0 for a space at every position). Per byte, a
    # uint16 look-up index ``(position in the segment mod 256) << 8 | byte`` is written as two interleaved
    # uint8 columns (little-endian), so the index takes two strided writes instead of four passes.
    n, first = arr.size, starts[0]
    pair = np.empty((n, 2), dtype=np.uint8)
    pair[:, 0] = arr
    pair[:first, 1] = 0  # leading spaces before the first token: in no segment, never summed
    np.subtract(_byte_counter(n)[first:], np.repeat(starts.astype(np.uint8), np.diff(starts, append=n)),
                out=pair[first:, 1])
    val = _SEG_TERMS[pair.view(np.uint16).ravel()]
    tlen = ends - starts
    th = fmix64(np.add.reduceat(val, starts) + tlen.astype(np.uint64) * _GOLDEN)
    has_digit = np.zeros(starts.size, dtype=bool)  # digits are rare: mark the tokens of the digit bytes
    has_digit[np.searchsorted(starts, np.flatnonzero((arr - np.uint8(48)) < np.uint8(10)), side="right") - 1] = True
    return th, has_digit, offsets


_SEG_TERMS = np.tile(_BYTE_TERMS.reshape(64, 256), (4, 1))
_SEG_TERMS[:, 32] = 0
_SEG_TERMS = _SEG_TERMS.ravel()
"""``_BYTE_TERMS`` at ``(position mod 256) * 256 + byte`` (positions wrap every 64 bytes), 0 for a space (512 KiB)."""
_COUNTER = np.zeros(0, dtype=np.uint8)


def _byte_counter(n: int) -> np.ndarray:
    """``np.arange(n) % 256`` as uint8 (a read-only view of one array grown as needed)."""
    global _COUNTER
    if _COUNTER.size < n:
        _COUNTER = np.arange(max(n, 2 * _COUNTER.size), dtype=np.int64).astype(np.uint8)
        _COUNTER.flags.writeable = False
    return _COUNTER[:n]


def shingle_hashes(bodies: list[str], cfg: DedupConfig,
                   normalized: list[bytes] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Distinct 32-bit shingle hashes of every document: (doc index int64 [M], hash uint64 [M]), sorted.

    The lowest bit of a hash is 1 when the shingle holds a digit (``NUMBER_BIT``). With
    ``NUMBER_WEIGHT > 1`` such shingles also get extra salted copies (off by default). A document shorter than
    ``k`` tokens has one shingle made of all its tokens; an empty document has none.
    """
    k = cfg.shingle_size
    th, digit, offsets = _token_arrays(bodies, normalized)
    n_tok = th.size
    n_docs = len(bodies)
    if n_tok == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.uint64)
    lengths = np.diff(offsets)
    # Shingles of k whole tokens: the shingle starting at token p mixes tokens p .. p+k-1, summed over k
    # shifted slices without masks; the starts whose shingle would run past their document's end (the last
    # k-1 tokens of each document) are dropped afterwards. The rows are sorted below, so their order here
    # does not matter.
    m = max(n_tok - k + 1, 0)
    acc = th[:m] * _POS[0]
    has_digit = digit[:m].copy()
    for i in range(1, k):
        acc += th[i : i + m] * _POS[i % _POS.size]
        has_digit |= digit[i : i + m]
    full = np.ones(m, bool)
    for j in range(1, k):  # starts j tokens before a document's end: too close when its length >= j
        tail = offsets[1:][lengths >= j] - j
        full[tail[tail < m]] = False
    acc = acc[full]
    has_digit = has_digit[full]
    docs = np.repeat(np.arange(n_docs, dtype=np.int64), np.maximum(lengths - k + 1, 0))
    short = np.flatnonzero((lengths > 0) & (lengths < k))
    if short.size:  # a document shorter than k tokens: one shingle of all its tokens
        first, size = offsets[:-1][short], lengths[short]
        s_acc = np.zeros(short.size, np.uint64)
        s_digit = np.zeros(short.size, bool)
        for i in range(k):
            inside = i < size
            at = np.minimum(first + i, n_tok - 1)
            s_acc += np.where(inside, th[at], _U64(0)) * _POS[i % _POS.size]
            s_digit |= inside & digit[at]
        acc = np.concatenate([acc, s_acc])
        has_digit = np.concatenate([has_digit, s_digit])
        docs = np.concatenate([docs, short])
    parts_h = [acc]
    parts_d = [docs]
    parts_f = [has_digit]
    if NUMBER_WEIGHT > 1 and has_digit.any():
        dh = acc[has_digit]
        dd = docs[has_digit]
        for t in range(1, NUMBER_WEIGHT):
            parts_h.append(dh ^ _SALTS[t])
            parts_d.append(dd)
            parts_f.append(np.ones(dh.size, bool))
    # 31 hash bits; the lowest bit says "this shingle holds a digit"
    h32 = (fmix64(np.concatenate(parts_h)) >> _U64(32)) & _U64(0xFFFFFFFE)
    h32 |= np.concatenate(parts_f).astype(np.uint64)
    key = np.sort((np.concatenate(parts_d).astype(np.uint64) << _U64(32)) | h32)
    key = key[np.r_[True, key[1:] != key[:-1]]]
    return (key >> _U64(32)).astype(np.int64), key & _U64(0xFFFFFFFF)


def minhash_from_shingles(
    docs: np.ndarray, hashes: np.ndarray, n_docs: int, cfg: DedupConfig
) -> np.ndarray:
    """MinHash signatures uint32 [n_docs, num_perm] of (doc, 32-bit hash) rows sorted by doc.

    Bit 0 of each value is the digit flag of the shingle that reached the minimum: the value is the minimum
    over the document's shingles of ``(v >> 33) << 1 | flag`` with ``v = (a * x + b) mod 2**64`` (``v``'s bit
    32 replaced by the flag, the upper 32 bits kept). That is ``min(2 * min_u0, 2 * min_u1 + 1)`` with
    ``min_uF`` the least ``v >> 33`` over the shingles whose flag is ``F``, and ``v >> 33`` is monotone, so each
    flag's rows are reduced on the plain ``v`` (see :func:`_min_per_doc`) and the two minima combined once.
    """
    a, b = permutations(cfg)
    flagged = (hashes & _U64(1)).astype(bool)
    out = np.full((cfg.num_perm, n_docs), np.uint32(EMPTY), dtype=np.uint32)
    for flag in (0, 1):
        rows = flagged if flag else ~flagged
        d, h = docs[rows], hashes[rows]
        if not d.size:
            continue
        mins = _min_per_doc(d, h, n_docs, a, b)  # uint64 [num_perm, n_docs], max where a doc has no such row
        vals = ((mins >> _U64(33)) << _U64(1)) | _U64(flag)
        present = np.bincount(d, minlength=n_docs) > 0
        np.minimum(out, np.where(present[None, :], vals, _U64(EMPTY)).astype(np.uint32), out=out)
    return np.ascontiguousarray(out.T)


def _min_per_doc(docs: np.ndarray, hashes: np.ndarray, n_docs: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``min((a_i * x + b_i) mod 2**64)`` per permutation and document, uint64 [num_perm, n_docs] (all ones
    for a document without rows): a broadcast ``[num_perm, chunk]`` block per chunk of rows, reduced per
    document with ``np.minimum.reduceat`` along the contiguous axis."""
    num_perm = a.size
    out = np.full((num_perm, n_docs), _U64(0xFFFFFFFFFFFFFFFF), dtype=np.uint64)
    m = hashes.size
    step = max(1, _CHUNK_ELEMENTS // num_perm)
    buf = np.empty((num_perm, min(step, max(m, 1))), dtype=np.uint64)
    a_col, b_col = a[:, None], b[:, None]
    for r0 in range(0, m, step):
        r1 = min(m, r0 + step)
        d = docs[r0:r1]
        seg = np.flatnonzero(np.r_[True, d[1:] != d[:-1]])  # first row of each document in the chunk
        block = buf[:, : r1 - r0]
        np.multiply(a_col, hashes[None, r0:r1], out=block)
        block += b_col
        mins = np.minimum.reduceat(block, seg, axis=1)
        ids = d[seg]
        out[:, ids] = np.minimum(out[:, ids], mins)
    return out


def compute_signatures(bodies: list[str], cfg: DedupConfig,
                       normalized: list[bytes] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(MinHash uint32 [n, cfg.num_perm], number of distinct (weighted) shingles int32 [n]) of ``bodies``
    (``normalized``: their ``normalize_bytes``, when already computed)."""
    if NUMBER_WEIGHT == 1:  # compiled, one pass per document (same values: newsetl.dedup.jit)
        from newsetl.dedup import jit

        parts = normalized if normalized is not None else [normalize_bytes(b) for b in bodies]
        a, b = permutations(cfg)
        return jit.signatures(parts, cfg.shingle_size, _POS, _BYTE_POS, a, b)
    return compute_signatures_numpy(bodies, cfg, normalized)


def compute_signatures_numpy(bodies: list[str], cfg: DedupConfig,
                             normalized: list[bytes] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """:func:`compute_signatures` with the batch-at-once numpy functions above (the reference the compiled
    kernel is tested against, and the path for ``NUMBER_WEIGHT > 1``)."""
    n = len(bodies)
    sig = np.empty((n, cfg.num_perm), dtype=np.uint32)
    n_sh = np.zeros(n, dtype=np.int32)
    lo = 0
    while lo < n:  # slices of about _CHUNK_CHARS characters bound the temporary arrays
        hi, size = lo, 0
        while hi < n and (hi == lo or size + len(bodies[hi]) <= _CHUNK_CHARS):
            size += len(bodies[hi])
            hi += 1
        docs, hashes = shingle_hashes(bodies[lo:hi], cfg, None if normalized is None else normalized[lo:hi])
        sig[lo:hi] = minhash_from_shingles(docs, hashes, hi - lo, cfg)
        n_sh[lo:hi] = np.bincount(docs, minlength=hi - lo)
        lo = hi
    return sig, n_sh


def band_keys(sig: np.ndarray, rows: int, salt: int = 0) -> np.ndarray:
    """LSH band keys int64 [n, num_perm // rows]: a 64-bit hash of each band's values and its position."""
    n, num_perm = sig.shape
    nb = num_perm // rows
    v = sig[:, : nb * rows].reshape(n, nb, rows).astype(np.uint64)
    acc = np.broadcast_to(
        fmix64(np.arange(nb, dtype=np.uint64) * _GOLDEN + _U64((salt << 16) | rows)), (n, nb)
    ).copy()
    for r in range(rows):
        acc ^= v[:, :, r]
        acc = fmix64(acc + _POS[r % _POS.size])
    return acc.view(np.int64)


def band_schemes(cfg: DedupConfig) -> list[int]:
    """Rows per band of the band schemes that make candidates.

    The near-duplicate scheme has ``cfg.bands`` bands; the fine scheme (``CONTAINMENT_ROWS`` rows per band)
    finds abridged copies whose Jaccard is about their share of the original. When the near scheme's rows
    are a multiple of the fine rows, its candidates are a subset of the fine scheme's and it is not stored.
    """
    rows = cfg.num_perm // cfg.bands
    if rows % CONTAINMENT_ROWS == 0:
        return [CONTAINMENT_ROWS]
    return sorted({rows, CONTAINMENT_ROWS})


def all_band_keys(sig: np.ndarray, cfg: DedupConfig) -> np.ndarray:
    """Every candidate key of every document: int64 [n, total bands over all schemes]."""
    return np.concatenate([band_keys(sig, r, salt=j) for j, r in enumerate(band_schemes(cfg))], axis=1)
