"""Deduplication: exact keys, MinHash signatures, LSH candidates verified, history across runs.

Batch-parallel (worker processes): :func:`fingerprints` (= :func:`normalized_text_hash` and
:func:`compute_signatures` from one normalisation of each body).
Sequential, batch after batch: :func:`deduplicate_batch` against a :class:`HistoryIndex`, then
``history.add(result.index_rows)``.
"""

from typing import Any

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
from newsetl.dedup.text import normalize_bytes, normalize_text, normalized_text_hash
from newsetl.settings import DedupConfig


def fingerprints(titles: list[str | None], bodies: list[str], cfg: DedupConfig) -> tuple[list[str], Any, Any]:
    """(exact keys, MinHash signatures, shingle counts) of a batch: ``normalized_text_hash`` and
    ``compute_signatures`` with each body normalised once for both."""
    norm = [normalize_bytes(b) for b in bodies]
    hashes = [normalized_text_hash(t, b, n) for t, b, n in zip(titles, bodies, norm, strict=True)]
    sig, n_sh = compute_signatures(bodies, cfg, normalized=norm)
    return hashes, sig, n_sh


__all__ = [
    "DEDUP_INDEX_NO_RUN",
    "DUPLICATES_NO_RUN",
    "DedupResult",
    "HistoryIndex",
    "compute_signatures",
    "deduplicate_batch",
    "fingerprints",
    "minhash_column",
    "normalize_text",
    "normalized_text_hash",
    "similarity",
]
