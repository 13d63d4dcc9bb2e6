"""The dedup history: every article seen before, memory-bounded as it grows.

Nothing is held in Python objects per article. Two DuckDB tables (in a temporary database file, so the
buffer manager spills to disk beyond ``memory_limit``) hold what later batches need:

* ``docs``  -- one row per article: doc number, article_id, content_hash, story_id, n_shingles, minhash;
* ``bands`` -- one row per (LSH band key, doc): the candidate index.

A batch finds its candidates with one join of its band keys against ``bands`` and then loads the full
signatures of the candidates only.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from collections.abc import Iterable

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from newsetl.dedup.minhash import all_band_keys
from newsetl.errors import ConfigError, WarehouseError
from newsetl.settings import DedupConfig

BUCKET_CAP = 2000
"""A band key shared by more history articles than this is treated as boilerplate and ignored."""

INDEX_COLUMNS = ["article_id", "content_hash", "story_id", "n_shingles", "minhash"]
_READ_ROWS = 50_000
_counter = itertools.count()


class HistoryIndex:
    """Articles of earlier runs (dedup_index Parquet) plus batches already processed in this run."""

    def __init__(
        self,
        cfg: DedupConfig,
        con: duckdb.DuckDBPyConnection | None = None,
        memory_limit: str = "512MB",
    ) -> None:
        self.cfg = cfg
        self._tmpdir: str | None = None
        if con is None:
            self._tmpdir = tempfile.mkdtemp(prefix="newsetl-dedup-")
            con = duckdb.connect(os.path.join(self._tmpdir, "history.duckdb"))
            con.execute(f"SET memory_limit = '{memory_limit}'")
            con.execute(f"SET temp_directory = '{os.path.join(self._tmpdir, 'spill')}'")
            con.execute("SET preserve_insertion_order = false")
        self.con = con
        p = f"dedup_hist_{os.getpid()}_{next(_counter)}"
        self._docs = f"{p}_docs"
        self._bands = f"{p}_bands"
        con.execute(
            f"CREATE TABLE {self._docs} (doc BIGINT, article_id VARCHAR, content_hash VARCHAR,"
            " story_id VARCHAR, n_shingles INTEGER, minhash UINTEGER[])"
        )
        con.execute(f"CREATE TABLE {self._bands} (k BIGINT, doc BIGINT)")
        self._next_doc = 0
        self._size = 0

    # ------------------------------------------------------------------ building
    @classmethod
    def open(
        cls,
        parquet_files: list[str],
        cfg: DedupConfig,
        con: duckdb.DuckDBPyConnection | None = None,
        memory_limit: str = "512MB",
    ) -> HistoryIndex:
        """Load committed ``dedup_index`` Parquet files, streaming them in slices of rows."""
        index = cls(cfg, con, memory_limit)
        for path in parquet_files:
            try:
                pf = pq.ParquetFile(path)
                batches: Iterable[pa.RecordBatch] = pf.iter_batches(batch_size=_READ_ROWS, columns=INDEX_COLUMNS)
                for rb in batches:
                    index.add(pa.Table.from_batches([rb]))
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
        self._next_doc += n
        self._size += n
        doc_tbl = pa.table(
            {
                "doc": docs,
                "article_id": index_rows.column("article_id"),
                "content_hash": index_rows.column("content_hash"),
                "story_id": index_rows.column("story_id"),
                "n_shingles": index_rows.column("n_shingles").cast(pa.int32()),
                "minhash": pa.FixedSizeListArray.from_arrays(pa.array(sig.ravel()), self.cfg.num_perm).cast(
                    pa.list_(pa.uint32())
                ),
            }
        )
        n_sh = np.asarray(index_rows.column("n_shingles").to_numpy(zero_copy_only=False))
        ok = n_sh > 0  # documents without shingles are only found exactly
        keys = all_band_keys(sig[ok], self.cfg)
        band_tbl = pa.table(
            {"k": keys.ravel(), "doc": np.repeat(docs[ok], keys.shape[1])}
        )
        self.con.register("_dedup_new_docs", doc_tbl)
        self.con.execute(f"INSERT INTO {self._docs} SELECT * FROM _dedup_new_docs")
        self.con.unregister("_dedup_new_docs")
        self.con.register("_dedup_new_bands", band_tbl)
        self.con.execute(f"INSERT INTO {self._bands} SELECT * FROM _dedup_new_bands")
        self.con.unregister("_dedup_new_bands")

    def remove(self, article_ids: list[str]) -> None:
        """Forget articles superseded by a changed source file (their copies keep their story_id)."""
        if not article_ids:
            return
        self.con.register("_dedup_rm", pa.table({"article_id": pa.array(article_ids, pa.string())}))
        gone = self.con.sql(
            f"SELECT doc FROM {self._docs} WHERE article_id IN (SELECT article_id FROM _dedup_rm)"
        ).to_arrow_table()
        self.con.unregister("_dedup_rm")
        if gone.num_rows == 0:
            return
        self.con.register("_dedup_rm_docs", gone)
        self.con.execute(f"DELETE FROM {self._bands} WHERE doc IN (SELECT doc FROM _dedup_rm_docs)")
        self.con.execute(f"DELETE FROM {self._docs} WHERE doc IN (SELECT doc FROM _dedup_rm_docs)")
        self.con.unregister("_dedup_rm_docs")
        self._size -= gone.num_rows

    # ------------------------------------------------------------------ lookups
    def __len__(self) -> int:
        return self._size

    def exact(self, content_hashes: list[str]) -> tuple[np.ndarray, list[str], list[str]]:
        """Rows whose content_hash is in history: (row numbers, story_id, matched article_id).

        The earliest loaded history article with that hash is returned for each row.
        """
        if self._size == 0 or not content_hashes:
            return np.zeros(0, np.int64), [], []
        q = pa.table({"row": np.arange(len(content_hashes), dtype=np.int64), "h": content_hashes})
        self.con.register("_dedup_q_exact", q)
        res = self.con.sql(
            f"SELECT q.row, arg_min(d.story_id, d.doc) AS story_id, arg_min(d.article_id, d.doc) AS article_id"
            f" FROM _dedup_q_exact q JOIN {self._docs} d ON d.content_hash = q.h GROUP BY q.row ORDER BY q.row"
        ).to_arrow_table()
        self.con.unregister("_dedup_q_exact")
        return (
            res.column("row").to_numpy(),
            res.column("story_id").to_pylist(),
            res.column("article_id").to_pylist(),
        )

    def candidates(self, rows: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """History docs sharing a band key with the query rows: (row, doc) pairs, distinct.

        ``keys`` is ``[len(rows), n_keys]`` from :func:`all_band_keys`. Keys whose history bucket holds more
        than ``BUCKET_CAP`` articles are ignored (boilerplate).
        """
        if self._size == 0 or rows.size == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        q = pa.table({"row": np.repeat(rows.astype(np.int64), keys.shape[1]), "k": keys.ravel()})
        self.con.register("_dedup_q_bands", q)
        res = self.con.sql(
            f"""
            WITH qk AS (SELECT DISTINCT k FROM _dedup_q_bands),
                 -- bucket sizes first (an aggregate, bounded by the query's keys), so a boilerplate
                 -- bucket shared by thousands of articles never expands into (row, doc) pairs
                 ok AS (SELECT qk.k FROM qk JOIN {self._bands} b ON qk.k = b.k
                        GROUP BY qk.k HAVING count(DISTINCT b.doc) <= {BUCKET_CAP})
            SELECT DISTINCT q.row, b.doc
            FROM _dedup_q_bands q JOIN ok ON q.k = ok.k JOIN {self._bands} b ON q.k = b.k
            """
        ).to_arrow_table()
        self.con.unregister("_dedup_q_bands")
        return res.column("row").to_numpy(), res.column("doc").to_numpy()

    def fetch(self, docs: np.ndarray) -> tuple[np.ndarray, list[str], list[str], np.ndarray, np.ndarray]:
        """(doc numbers, article_ids, story_ids, n_shingles, signatures) of the given history docs."""
        want = pa.table({"doc": np.unique(docs.astype(np.int64))})
        self.con.register("_dedup_q_docs", want)
        res = self.con.sql(
            f"SELECT d.doc, d.article_id, d.story_id, d.n_shingles, d.minhash FROM {self._docs} d"
            " JOIN _dedup_q_docs w ON d.doc = w.doc ORDER BY d.doc"
        ).to_arrow_table()
        self.con.unregister("_dedup_q_docs")
        return (
            res.column("doc").to_numpy(),
            res.column("article_id").to_pylist(),
            res.column("story_id").to_pylist(),
            res.column("n_shingles").to_numpy(),
            signature_matrix(res.column("minhash"), self.cfg.num_perm),
        )

    def close(self) -> None:
        """Drop the tables (and the temporary database when this index created it)."""
        try:
            if self._tmpdir is not None:
                self.con.close()
            else:
                self.con.execute(f"DROP TABLE IF EXISTS {self._docs}")
                self.con.execute(f"DROP TABLE IF EXISTS {self._bands}")
        finally:
            if self._tmpdir is not None:
                shutil.rmtree(self._tmpdir, ignore_errors=True)
                self._tmpdir = None

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
