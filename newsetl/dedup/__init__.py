"""Deduplication: exact keys, MinHash signatures, LSH candidates verified, history across runs.

Batch-parallel (worker processes): :func:`normalized_text_hash`, :func:`compute_signatures`.
Sequential, batch after batch: :func:`deduplicate_batch` against a :class:`HistoryIndex`, then
``history.add(result.index_rows)``.
"""

from newsetl.dedup.core import (
    DEDUP_INDEX_NO_RUN,
    DUPLICATES_NO_RUN,
    DedupResult,
    deduplicate_batch,
    minhash_column,
    similarity,
)
from newsetl.dedup.history import HistoryIndex
from newsetl.dedup.minhash import compute_signatures
from newsetl.dedup.text import normalize_text, normalized_text_hash

__all__ = [
    "DEDUP_INDEX_NO_RUN",
    "DUPLICATES_NO_RUN",
    "DedupResult",
    "HistoryIndex",
    "compute_signatures",
    "deduplicate_batch",
    "minhash_column",
    "normalize_text",
    "normalized_text_hash",
    "similarity",
]
