"""Inline rows for the validation tests, cast to ``schemas/``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa

from schemas import ARTICLE_ENTITIES, ARTICLE_SECTORS, ARTICLES, DUPLICATES, QUARANTINE, RAW_DOCUMENTS

TODAY = dt.date(2024, 6, 1)
WHEN = dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.UTC)
BODY = "The federal cabinet approved the gas pipeline project on Tuesday.\n\nOfficials said work starts soon."


def article(i: int, **over: Any) -> dict[str, Any]:
    aid = f"data/in/a{i}.txt#0"
    row: dict[str, Any] = {
        "article_id": aid,
        "title": f"Title {i}",
        "title_source": "first_line",
        "body": BODY,
        "published_date": dt.date(2021, 4, 7),
        "published_at": None,
        "date_source": "json:date",
        "source_name": "Dawn",
        "source_domain": "dawn.com",
        "source_uri": f"data/in/a{i}.txt",
        "canonical_url": None,
        "byline": None,
        "dateline_city": None,
        "language": "en",
        "word_count": 16,
        "encoding_loss": 0,
        "format": "txt",
        "content_hash": f"{i:032x}",
        "story_id": aid,
        "is_duplicate": False,
        "ingested_at": WHEN,
        "run_id": "run-1",
    }
    row.update(over)
    return row


def articles(rows: list[dict[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=ARTICLES)


def raw_doc(i: int, **over: Any) -> dict[str, Any]:
    row = {
        "article_id": f"data/in/a{i}.txt#0",
        "source_uri": f"data/in/a{i}.txt",
        "record_index": 0,
        "format": "txt",
        "content_hash": f"{i:032x}",
        "size_bytes": 1234,
        "encoding": "utf-8",
        "ingested_at": WHEN,
        "run_id": "run-1",
    }
    row.update(over)
    return row


def sector(i: int, **over: Any) -> dict[str, Any]:
    row = {
        "article_id": f"data/in/a{i}.txt#0",
        "sector": "energy",
        "score": 0.8,
        "tagged": True,
        "rank": 1,
        "is_primary": True,
        "mentions": 3,
        "evidence": "gas pipeline x2; energy x1",
        "spans": [[4, 16]],
        "run_id": "run-1",
    }
    row.update(over)
    return row


def entity(i: int, **over: Any) -> dict[str, Any]:
    row = {"article_id": f"data/in/a{i}.txt#0", "entity_type": "country", "entity_id": "PK", "name": "Pakistan",
           "mentions": 2, "run_id": "run-1"}
    row.update(over)
    return row


def duplicate(i: int, **over: Any) -> dict[str, Any]:
    row = {"article_id": f"data/in/a{i}.txt#0", "canonical_article_id": "data/in/a0.txt#0",
           "source_uri": f"data/in/a{i}.txt", "method": "near", "similarity": 0.91, "run_id": "run-1"}
    row.update(over)
    return row


def quarantine_row(i: int, **over: Any) -> dict[str, Any]:
    row = {"source_uri": f"data/in/q{i}.bin", "article_id": None, "stage": "ingest", "reason": "binary_content",
           "detail": "file is binary", "run_id": "run-1", "quarantined_at": WHEN}
    row.update(over)
    return row


def table(schema: pa.Schema, rows: list[dict[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=schema)


SCHEMAS = {
    "raw_documents": RAW_DOCUMENTS,
    "article_sectors": ARTICLE_SECTORS,
    "article_entities": ARTICLE_ENTITIES,
    "duplicates": DUPLICATES,
    "quarantine": QUARANTINE,
}
