"""The dedup history: every article seen before, as compact numpy arrays with O(batch) lookups.

Per article the history keeps its MinHash signature (``num_perm`` uint32), ``n_shingles``, and the
strings ``article_id`` / ``content_hash`` / ``story_id`` (Arrow blocks, one per :meth:`HistoryIndex.add`).
Two lookup structures point at article numbers ("docs", in order of arrival):

* the band index: one entry per (LSH band key, doc) -- the candidate index;
* the exact index: one entry per (content_hash, doc).

Both are :class:`SortedRuns`: each entry is a uint64 ``fingerprint << 32 | doc`` (32-bit fingerprints
of the keys; a fingerprint collision only adds a candidate that verification rejects), kept in a few
sorted runs that merge as they grow (an LSM tree in memory, runs capped at ``RUN_CAP`` entries so a
merge never copies the whole index). A batch looks up its sorted keys with ``np.searchsorted`` in every
run: the cost depends on the batch and the number of runs, not on the size of the history, which the
DuckDB hash join this replaces scanned in full for every batch (dedup was 52% of a 1M-article run).

Memory is about ``4 * num_perm + 8 * keys_per_doc + ~100`` bytes per article (~1.1 KB at the defaults):
~1.1 GB for a million-article history, measured in ``bench/dedup_corpus.py``.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import xxhash

from newsetl.dedup.minhash import all_band_keys
from newsetl.delta import plain
from newsetl.errors import ConfigError, WarehouseError
from newsetl.settings import DedupConfig

BUCKET_CAP = 2000
"""A band key shared by more history articles than this is treated as boilerplate and ignored."""

RUN_CAP = 1 << 25
"""Entries (8 bytes each) above which sorted runs stop merging: bounds the copy a merge makes (256 MB)."""

INDEX_COLUMNS = ["article_id", "content_hash", "story_id", "n_shingles", "minhash"]
_READ_ROWS = 50_000
_U64 = np.uint64
_LOW = _U64(0xFFFFFFFF)


def fingerprint(keys: np.ndarray) -> np.ndarray:
    """The 32-bit fingerprint (uint64, high half) of int64/uint64 keys."""
    return keys.view(np.uint64) >> _U64(32) if keys.dtype == np.int64 else keys.astype(np.uint64) >> _U64(32)


def hash_keys(content_hashes: pa.Array | pa.ChunkedArray | list[str]) -> np.ndarray:
    """uint64 keys of content hashes (xxh3-64 of the string; NULL is key 0)."""
    vals = content_hashes if isinstance(content_hashes, list) else content_hashes.to_pylist()
    h = xxhash.xxh3_64_intdigest
    return np.fromiter((h(v.encode()) if v else 0 for v in vals), dtype=np.uint64, count=len(vals))


def ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The positions ``starts[i] .. starts[i] + lengths[i] - 1`` of every range, concatenated (int64)."""
    lengths = lengths.astype(np.int64)
    offsets = np.cumsum(lengths) - lengths
    return np.repeat(starts.astype(np.int64) - offsets, lengths) + np.arange(int(lengths.sum()), dtype=np.int64)


class SortedRuns:
    """A multiset of (32-bit fingerprint, doc) entries in sorted uint64 runs (see the module docstring)."""

    def __init__(self) -> None:
        self.runs: list[np.ndarray] = []

    def __len__(self) -> int:
        return sum(r.size for r in self.runs)

    def add(self, fp: np.ndarray, docs: np.ndarray) -> None:
        if fp.size == 0:
            return
        self.runs.append(np.sort((fp.astype(np.uint64) << _U64(32)) | docs.astype(np.uint64)))
        # tiered merging: the last run merges into the one before while it is at least half its size
        while len(self.runs) >= 2 and 2 * self.runs[-1].size >= self.runs[-2].size \
                and self.runs[-2].size + self.runs[-1].size <= RUN_CAP:
            b = self.runs.pop()
            a = self.runs.pop()
            m = np.concatenate([a, b])
            del a, b
            m.sort(kind="stable")  # timsort: a linear merge of the two sorted halves
            self.runs.append(m)

    def lookup(self, fp: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For distinct sorted fingerprints: (query index, doc) of every entry, and each query's count."""
        counts = np.zeros(fp.size, np.int64)
        qi_parts: list[np.ndarray] = []
        doc_parts: list[np.ndarray] = []
        fp_u = fp.astype(np.uint64)
        lo_key = fp_u << _U64(32)
        hi_key = lo_key | _LOW
        for run in self.runs:
            lo = np.searchsorted(run, lo_key, side="left")
            # most fingerprints are absent: the end of the range is searched only for those present
            hit = np.flatnonzero(run[np.minimum(lo, run.size - 1)] >> _U64(32) == fp_u)
            hit = hit[lo[hit] < run.size]
            if hit.size == 0:
                continue
            n_hit = np.searchsorted(run, hi_key[hit], side="right") - lo[hit]
            counts[hit] += n_hit
            qi_parts.append(np.repeat(hit, n_hit))
            doc_parts.append((run[ranges(lo[hit], n_hit)] & _LOW).astype(np.int64))
        if not qi_parts:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), counts
        return np.concatenate(qi_parts), np.concatenate(doc_parts), counts

    def nbytes(self) -> int:
        return sum(r.nbytes for r in self.runs)


class HistoryIndex:
    """Articles of earlier runs (dedup_index Parquet) plus batches already processed in this run."""

    def __init__(self, cfg: DedupConfig) -> None:
        self.cfg = cfg
        self._sigs: list[np.ndarray] = []  # uint32 [block rows, num_perm], one block per add()
        self._meta: list[pa.Table] = []  # article_id, content_hash, story_id per block
        self._n_sh: list[np.ndarray] = []
        self._starts: list[int] = []  # first doc number of each block
        self._alive = np.zeros(0, bool)
        self._next_doc = 0
        self._size = 0
        self.bands = SortedRuns()
        self.hashes = SortedRuns()

    # ------------------------------------------------------------------ building
    @classmethod
    def open(cls, parquet_files: list[str], cfg: DedupConfig) -> HistoryIndex:
        """Load committed ``dedup_index`` Parquet files, streaming them in slices of rows."""
        index = cls(cfg)
        for path in parquet_files:
            try:
                pf = pq.ParquetFile(path)
                batches: Iterable[pa.RecordBatch] = pf.iter_batches(batch_size=_READ_ROWS, columns=INDEX_COLUMNS)
                for rb in batches:
                    index.add(plain(pa.Table.from_batches([rb])))  # string_view from a Delta delete
            except (OSError, pa.ArrowInvalid) as exc:
                raise WarehouseError(f"dedup index file {path} cannot be read: {exc}") from exc
        return index

    def add(self, index_rows: pa.Table) -> None:
        """Make these rows (DEDUP_INDEX columns) visible to later batches."""
        n = index_rows.num_rows
        if n == 0:
            return
        sig = signature_matrix(index_rows.column("minhash"), self.cfg.num_perm)
        docs = np.arange(self._next_doc, self._next_doc + n, dtype=np.int64)
        self._starts.append(self._next_doc)
        self._next_doc += n
        self._size += n
        self._sigs.append(sig)
        n_sh = np.asarray(index_rows.column("n_shingles").to_numpy(zero_copy_only=False), dtype=np.int32)
        self._n_sh.append(n_sh)
        self._meta.append(pa.table({c: index_rows.column(c).combine_chunks()
                                    for c in ("article_id", "content_hash", "story_id")}))
        self._alive = np.concatenate([self._alive, np.ones(n, bool)])
        self.hashes.add(hash_keys(index_rows.column("content_hash").combine_chunks()) >> _U64(32), docs)
        ok = n_sh > 0  # documents without shingles are only found exactly
        if ok.any():
            keys = all_band_keys(sig[ok], self.cfg)
            self.bands.add(fingerprint(keys.ravel()), np.repeat(docs[ok], keys.shape[1]))

    def remove(self, article_ids: list[str]) -> None:
        """Forget articles superseded by a changed source file (their copies keep their story_id)."""
        if not article_ids or self._size == 0:
            return
        want = pa.array(article_ids, pa.string())
        for start, meta in zip(self._starts, self._meta, strict=True):
            hit = np.flatnonzero(pc.is_in(meta.column("article_id"), value_set=want).to_numpy(zero_copy_only=False))
            if hit.size:
                gone = hit[self._alive[start + hit]]
                self._alive[start + gone] = False
                self._size -= gone.size

    # ------------------------------------------------------------------ lookups
    def __len__(self) -> int:
        return self._size

    def nbytes(self) -> int:
        """Bytes held by the index (signatures, lookup runs, strings)."""
        return (sum(s.nbytes for s in self._sigs) + self.bands.nbytes() + self.hashes.nbytes()
                + sum(m.nbytes for m in self._meta) + sum(a.nbytes for a in self._n_sh) + self._alive.nbytes)

    def _groups(self, docs: np.ndarray) -> Iterable[tuple[int, np.ndarray, np.ndarray]]:
        """(block, positions in ``docs``, offsets in the block) for every block the docs fall in."""
        starts = np.asarray(self._starts, np.int64)
        block = np.searchsorted(starts, docs, side="right") - 1
        order = np.argsort(block, kind="stable")
        bs = block[order]
        cuts = np.flatnonzero(bs[1:] != bs[:-1]) + 1
        for seg in np.split(order, cuts):
            if seg.size:
                b = int(block[seg[0]])
                yield b, seg, docs[seg] - starts[b]

    def _strings(self, docs: np.ndarray, column: str) -> list[str]:
        """``column`` of the given docs, in their order."""
        out: list[str] = [""] * docs.size
        for b, sel, off in self._groups(docs):
            vals = self._meta[b].column(column).take(pa.array(off)).to_pylist()
            for i, v in zip(sel.tolist(), vals, strict=True):
                out[i] = v
        return out

    def signatures(self, docs: np.ndarray) -> np.ndarray:
        """uint32 ``[len(docs), num_perm]`` signatures of the given docs, in their order."""
        out = np.empty((docs.size, self.cfg.num_perm), np.uint32)
        for b, sel, off in self._groups(docs):
            out[sel] = self._sigs[b][off]
        return out

    def shingle_counts(self, docs: np.ndarray) -> np.ndarray:
        """int64 ``n_shingles`` of the given docs, in their order."""
        out = np.zeros(docs.size, np.int64)
        for b, sel, off in self._groups(docs):
            out[sel] = self._n_sh[b][off]
        return out

    def stories(self, docs: np.ndarray) -> list[str]:
        """story_id of the given docs, in their order."""
        return self._strings(docs, "story_id")

    def _matches(self, runs: SortedRuns, fp: np.ndarray, rows: np.ndarray,
                 max_bucket: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(row, doc) for every live history doc sharing a fingerprint with a query row.

        ``fp[i]`` is a key of row ``rows[i]``; each distinct key is looked up once. Keys whose history
        bucket holds more than ``max_bucket`` entries are skipped. Rows of one key keep their order.
        """
        # a stable argsort of the 32-bit fingerprints, as one sort of (fingerprint << 32 | position): the
        # packed values are distinct, so any sort gives the stable order (SIMD sort, ~10x a stable argsort)
        packed = np.sort((fp.astype(np.uint64) << _U64(32)) | np.arange(fp.size, dtype=np.uint64))
        o = (packed & _LOW).astype(np.int64)
        fs, rs = packed >> _U64(32), rows[o]
        first = np.flatnonzero(np.r_[True, fs[1:] != fs[:-1]])  # distinct keys, each with its run of rows
        key_rows = np.diff(np.r_[first, fs.size])
        qi, doc, counts = runs.lookup(fs[first])
        keep = self._alive[doc]
        if max_bucket is not None:
            keep &= counts[qi] <= max_bucket
        qi, doc = qi[keep], doc[keep]
        n = key_rows[qi]
        return rs[ranges(first[qi], n)], np.repeat(doc, n)

    def exact(self, content_hashes: list[str]) -> tuple[np.ndarray, list[str], list[str]]:
        """Rows whose content_hash is in history: (row numbers, story_id, matched article_id).

        The earliest loaded history article with that hash is returned for each row.
        """
        if self._size == 0 or not content_hashes:
            return np.zeros(0, np.int64), [], []
        fp = hash_keys(content_hashes) >> _U64(32)
        r, d = self._matches(self.hashes, fp, np.arange(fp.size, dtype=np.int64))
        if r.size == 0:
            return np.zeros(0, np.int64), [], []
        full = self._strings(d, "content_hash")  # a fingerprint match is confirmed on the full hash
        ok = np.fromiter((full[i] == content_hashes[r[i]] for i in range(r.size)), bool, count=r.size)
        r, d = r[ok], d[ok]
        order = np.lexsort((d, r))
        r, d = r[order], d[order]
        first = np.r_[True, r[1:] != r[:-1]] if r.size else np.zeros(0, bool)
        r, d = r[first], d[first]
        return r, self.stories(d), self._strings(d, "article_id")

    def candidates(self, rows: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """History docs sharing a band key with the query rows: distinct (row, doc, shared keys).

        ``keys`` is ``[len(rows), n_keys]`` from :func:`all_band_keys`. Keys whose history bucket holds more
        than ``BUCKET_CAP`` articles are ignored (boilerplate). Sorted by row, then doc.
        """
        empty = np.zeros(0, np.int64)
        if self._size == 0 or rows.size == 0:
            return empty, empty, empty
        r, d = self._matches(self.bands, fingerprint(keys.ravel()),
                             np.repeat(rows.astype(np.int64), keys.shape[1]), BUCKET_CAP)
        pair, shared = np.unique((r << 32) | d, return_counts=True)
        return pair >> 32, pair & 0xFFFFFFFF, shared

    def fetch(self, docs: np.ndarray) -> tuple[np.ndarray, list[str], list[str], np.ndarray, np.ndarray]:
        """(doc numbers, article_ids, story_ids, n_shingles, signatures) of the given history docs, sorted."""
        d = np.unique(docs.astype(np.int64))
        n_sh = self.shingle_counts(d).astype(np.int32)
        return d, self._strings(d, "article_id"), self.stories(d), n_sh, self.signatures(d)

    def close(self) -> None:
        """Release the arrays."""
        self.__init__(self.cfg)  # type: ignore[misc]

    def __enter__(self) -> HistoryIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def signature_matrix(col: pa.ChunkedArray | pa.Array, num_perm: int) -> np.ndarray:
    """A ``list<uint32>`` column as a uint32 ``[n, num_perm]`` matrix; ConfigError on a length mismatch."""
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks() if col.num_chunks != 1 else col.chunk(0)
    n = len(col)
    if n == 0:
        return np.zeros((0, num_perm), np.uint32)
    lengths = pc.list_value_length(col).to_numpy(zero_copy_only=False)
    if (lengths != num_perm).any():
        bad = int(lengths[lengths != num_perm][0])
        raise ConfigError(
            f"dedup index holds {bad}-value MinHash signatures but dedup.num_perm is {num_perm}:"
            " use the num_perm the index was built with, or rebuild the dedup index"
        )
    flat = pc.list_flatten(col).to_numpy(zero_copy_only=False)
    return np.ascontiguousarray(flat, dtype=np.uint32).reshape(n, num_perm)
