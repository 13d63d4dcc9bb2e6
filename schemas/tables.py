"""pyarrow schemas of every table newsetl writes.

Conventions:
- ``article_id`` is ``<source_uri>#<record_index>``: stable for one source record, so a changed file
  supersedes its earlier version and two identical files get two ids.
- Tables about articles are hive-partitioned by ``pub_month`` (``YYYY-MM`` of the publication date, or
  ``unknown``), so a sector x date query reads only the months it needs.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

PARTITION_COLUMN = "pub_month"
UNKNOWN_PARTITION = "unknown"


def _f(name: str, type_: pa.DataType, doc: str, nullable: bool = True) -> pa.Field:
    return pa.field(name, type_, nullable=nullable, metadata={"doc": doc})


_ID = "stable id of one source record: `<source_uri>#<record_index>`"
_RUN = "id of the run that wrote the row"
_PART = "partition key: YYYY-MM of published_date, or 'unknown'"

RAW_DOCUMENTS = pa.schema(
    [
        _f("article_id", pa.string(), _ID, False),
        _f("source_uri", pa.string(), "path or URL of the file the record came from", False),
        _f("record_index", pa.int32(), "position of the record inside its file (0 for single-record files)", False),
        _f("format", pa.string(), "detected format: txt, html, json, jsonl, csv, feed", False),
        _f("content_hash", pa.string(), "xxh3-128 hex digest of the file's raw bytes", False),
        _f("size_bytes", pa.int64(), "size of the file in bytes", False),
        _f("encoding", pa.string(), "character encoding the file was decoded with"),
        _f("ingested_at", pa.timestamp("us", tz="UTC"), "when the record was read", False),
        _f("run_id", pa.string(), _RUN, False),
    ]
)

ARTICLES = pa.schema(
    [
        _f("article_id", pa.string(), _ID, False),
        _f("title", pa.string(), "article headline, cleaned"),
        _f("title_source", pa.string(), "where the title came from (first_line, link_card, og:title, json:title, ...)"),
        _f("body", pa.string(), "cleaned article text, paragraphs separated by blank lines", False),
        _f("extractor", pa.string(), "what gave an HTML page's body: trafilatura or resiliparse (NULL for text and structured records)"),
        _f("published_date", pa.date32(), "publication date; NULL when the input does not state one"),
        _f("published_at", pa.timestamp("us", tz="UTC"), "publication time when known (UTC)"),
        _f("date_source", pa.string(), "where published_date came from, or 'none'", False),
        _f("source_name", pa.string(), "publisher or site name"),
        _f("source_domain", pa.string(), "registered domain of the publisher, when known"),
        _f("source_uri", pa.string(), "path or URL of the file the record came from", False),
        _f("canonical_url", pa.string(), "the article's own URL, when stated"),
        _f("byline", pa.string(), "author or agency line"),
        _f("dateline_city", pa.string(), "city of the dateline (ISLAMABAD: ...)"),
        _f("language", pa.string(), "ISO 639-1 code of the body's language, or 'und'", False),
        _f("word_count", pa.int32(), "words in the body", False),
        _f("encoding_loss", pa.int32(), "characters already lost to '?' before ingest (removed from the body)", False),
        _f("format", pa.string(), "input format the record was read from", False),
        _f("content_hash", pa.string(), "hash of the normalised text (exact-duplicate key)", False),
        _f("story_id", pa.string(), "article_id of the canonical copy of this story (itself when unique)", False),
        _f("is_duplicate", pa.bool_(), "true when another article is the canonical copy of this story", False),
        _f("ingested_at", pa.timestamp("us", tz="UTC"), "when the record was read", False),
        _f("run_id", pa.string(), _RUN, False),
    ]
)

ARTICLE_SECTORS = pa.schema(
    [
        _f("article_id", pa.string(), _ID, False),
        _f("sector", pa.string(), "sector id from the taxonomy", False),
        _f("score", pa.float64(), "salience in [0, 1]: evidence strength x share of the article's evidence", False),
        _f("tagged", pa.bool_(), "score >= the sector's threshold (config/sectors.yaml): the tags the marts count",
           False),
        _f("rank", pa.int32(), "1 = the article's highest-scoring sector, then 2, 3 ... (ties by sector id)", False),
        _f("is_primary", pa.bool_(), "rank 1 and tagged: the article's main sector", False),
        _f("mentions", pa.int32(), "number of matched term occurrences", False),
        _f("evidence", pa.string(), "matched terms with counts, e.g. 'gas pipeline x2; energy x3'", False),
        _f("spans", pa.list_(pa.list_(pa.int32())), "character [start, end) spans of matches in title+body"),
        _f("run_id", pa.string(), _RUN, False),
    ]
)

ARTICLE_ENTITIES = pa.schema(
    [
        _f("article_id", pa.string(), _ID, False),
        _f("entity_type", pa.string(), "country, person or organisation", False),
        _f("entity_id", pa.string(), "gazetteer id (e.g. 'PK', 'sergey_lavrov', 'sco')", False),
        _f("name", pa.string(), "preferred name", False),
        _f("mentions", pa.int32(), "number of mentions (aliases included)", False),
        _f("run_id", pa.string(), _RUN, False),
    ]
)

DUPLICATES = pa.schema(
    [
        _f("article_id", pa.string(), "the copy", False),
        _f("canonical_article_id", pa.string(), "the story's canonical article", False),
        _f("source_uri", pa.string(), "source of the copy", False),
        _f("method", pa.string(), "exact, near (MinHash Jaccard) or containment", False),
        _f("similarity", pa.float64(), "1.0 for exact; estimated or exact Jaccard/containment otherwise", False),
        _f("run_id", pa.string(), _RUN, False),
    ]
)

QUARANTINE = pa.schema(
    [
        _f("source_uri", pa.string(), "file the rejected record came from", False),
        _f("article_id", pa.string(), "record id, when the record got that far"),
        _f("stage", pa.string(), "ingest, clean, extract, validate or load", False),
        _f("reason", pa.string(), "short machine-readable reason (e.g. binary_content, expect_column_values_to_not_be_null)", False),
        _f("detail", pa.string(), "human-readable explanation, with the offending value when there is one", False),
        _f("run_id", pa.string(), _RUN, False),
        _f("quarantined_at", pa.timestamp("us", tz="UTC"), "when the row was written", False),
    ]
)

COMMENTS = pa.schema(
    [
        _f("article_id", pa.string(), _ID, False),
        _f("position", pa.int32(), "order of the comment in the input", False),
        _f("text", pa.string(), "reader comment, kept out of the body", False),
        _f("run_id", pa.string(), _RUN, False),
    ]
)

EMBEDDED_POSTS = pa.schema(
    [
        _f("article_id", pa.string(), _ID, False),
        _f("platform", pa.string(), "twitter, facebook, instagram, youtube, ...", False),
        _f("handle", pa.string(), "author handle, e.g. @SMQureshiPTI"),
        _f("author", pa.string(), "author display name"),
        _f("text", pa.string(), "text of the embedded post", False),
        _f("posted_date", pa.date32(), "date of the post (never used as the article's date)"),
        _f("url", pa.string(), "link found in the embed"),
        _f("run_id", pa.string(), _RUN, False),
    ]
)

CLEANING_LEDGER = pa.schema(
    [
        _f("article_id", pa.string(), _ID, False),
        _f("rule", pa.string(), "cleaning rule that changed the article", False),
        _f("hits", pa.int32(), "how many times the rule fired", False),
        _f("chars_removed", pa.int32(), "characters the rule removed (negative when it added)", False),
        _f("spans", pa.list_(pa.list_(pa.int32())),
           "[start, end) character spans of what the rule removed, in the text the cleaner was given (the "
           "record's text; for HTML the text extracted from the page); NULL for character-level rules and "
           "when positions could not be traced"),
        _f("run_id", pa.string(), _RUN, False),
    ]
)

DEDUP_INDEX = pa.schema(
    [
        _f("article_id", pa.string(), _ID, False),
        _f("content_hash", pa.string(), "exact-duplicate key", False),
        _f("story_id", pa.string(), "canonical article of the story", False),
        _f("n_shingles", pa.int32(), "number of distinct shingles in the document", False),
        _f("minhash", pa.list_(pa.uint32()), "MinHash signature", False),
        _f("run_id", pa.string(), _RUN, False),
    ]
)

MANIFEST = pa.schema(
    [
        _f("source_uri", pa.string(), "path or URL of the source file", False),
        _f("size_bytes", pa.int64(), "size at ingest", False),
        _f("mtime", pa.float64(), "modification time at ingest (seconds since epoch)"),
        _f("content_hash", pa.string(), "xxh3-128 of the bytes", False),
        _f("status", pa.string(), "loaded, quarantined, or kept (this version gives no record: the rows of the last readable version stay)", False),
        _f("records", pa.int32(), "records read from the file", False),
        _f("run_id", pa.string(), _RUN, False),
    ]
)

RUNS = pa.schema(
    [
        _f("run_id", pa.string(), _RUN, False),
        _f("started_at", pa.timestamp("us", tz="UTC"), "run start", False),
        _f("finished_at", pa.timestamp("us", tz="UTC"), "run end", False),
        _f("files_seen", pa.int64(), "files listed in the sources", False),
        _f("files_read", pa.int64(), "new or changed files read", False),
        _f("files_skipped", pa.int64(), "unchanged files skipped", False),
        _f("articles_loaded", pa.int64(), "articles written", False),
        _f("duplicates", pa.int64(), "articles recorded as duplicates", False),
        _f("quarantined", pa.int64(), "quarantine rows written", False),
        _f("superseded", pa.int64(), "articles replaced by a changed file", False),
        _f("stage_seconds", pa.string(), "JSON object: seconds per stage", False),
    ]
)


@dataclass(frozen=True)
class TableSpec:
    """How one table is stored: its schema and whether it is partitioned by ``pub_month``."""

    name: str
    schema: pa.Schema
    partitioned: bool
    description: str


TABLES: dict[str, TableSpec] = {
    s.name: s
    for s in [
        TableSpec("raw_documents", RAW_DOCUMENTS, False, "one row per source record read"),
        TableSpec("articles", ARTICLES, True, "clean articles, duplicates included (see story_id)"),
        TableSpec("article_sectors", ARTICLE_SECTORS, True, "scored sectors per article (tagged, rank, evidence)"),
        TableSpec("article_entities", ARTICLE_ENTITIES, True, "countries, people and organisations"),
        TableSpec("duplicates", DUPLICATES, False, "each copy with the story it duplicates"),
        TableSpec("quarantine", QUARANTINE, False, "rejected records with the reason"),
        TableSpec("comments", COMMENTS, False, "reader comments removed from bodies"),
        TableSpec("embedded_posts", EMBEDDED_POSTS, False, "tweets and other embeds removed from bodies"),
        TableSpec("cleaning_ledger", CLEANING_LEDGER, False, "which cleaning rule changed which article"),
        TableSpec("dedup_index", DEDUP_INDEX, False, "hashes and MinHash signatures of every loaded article"),
        TableSpec("manifest", MANIFEST, False, "one row per source file ingested"),
        TableSpec("runs", RUNS, False, "one row per run"),
    ]
}
