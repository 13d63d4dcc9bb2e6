"""The single source of column truth for every newsetl table.

Writers cast to these schemas (`newsetl.load`), the Great Expectations suites are built from them
(`newsetl.validate`), and the DuckDB staging views select their columns (`warehouse/`).
Each field carries a ``doc`` metadata entry, the column's documentation.
"""

from __future__ import annotations

import pyarrow as pa

from schemas.tables import (
    ARTICLE_ENTITIES,
    ARTICLE_SECTORS,
    ARTICLES,
    CLEANING_LEDGER,
    COMMENTS,
    DEDUP_INDEX,
    DUPLICATES,
    EMBEDDED_POSTS,
    MANIFEST,
    PARTITION_COLUMN,
    QUARANTINE,
    RAW_DOCUMENTS,
    RUNS,
    TABLES,
    UNKNOWN_PARTITION,
    TableSpec,
)

__all__ = [
    "ARTICLES",
    "ARTICLE_ENTITIES",
    "ARTICLE_SECTORS",
    "CLEANING_LEDGER",
    "COMMENTS",
    "DEDUP_INDEX",
    "DUPLICATES",
    "EMBEDDED_POSTS",
    "MANIFEST",
    "PARTITION_COLUMN",
    "QUARANTINE",
    "RAW_DOCUMENTS",
    "RUNS",
    "TABLES",
    "UNKNOWN_PARTITION",
    "TableSpec",
    "column_docs",
    "empty_table",
]


def empty_table(schema: pa.Schema) -> pa.Table:
    """A zero-row table of ``schema``."""
    return schema.empty_table()


def column_docs(schema: pa.Schema) -> dict[str, str]:
    """Column name -> documentation, from the field metadata."""
    out: dict[str, str] = {}
    for f in schema:
        meta = f.metadata or {}
        out[f.name] = meta.get(b"doc", b"").decode()
    return out
