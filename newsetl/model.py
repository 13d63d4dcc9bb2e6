"""Plain records passed between the pure steps inside one batch.

Batches cross step boundaries as Arrow tables (see ``schemas/``); inside a step, per-document string
work uses these small dataclasses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


def make_article_id(source_uri: str, record_index: int) -> str:
    """The stable id of one source record: its file's URI plus its position in the file."""
    return f"{source_uri}#{record_index}"


@dataclass(slots=True)
class RawDoc:
    """One record read from a source file, decoded to text but not yet cleaned.

    ``text`` is plain text (``txt``), HTML markup (``html``, or any record with ``body_is_html``), or the
    body field of a structured record. ``fields`` holds metadata stated by structured inputs, under the
    canonical keys ``title, date, url, source, author, description, language``.
    """

    source_uri: str
    record_index: int
    format: str
    text: str
    content_hash: str
    size_bytes: int
    encoding: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    body_is_html: bool = False
    mtime: float | None = None

    @property
    def article_id(self) -> str:
        return make_article_id(self.source_uri, self.record_index)


@dataclass(slots=True)
class Rejection:
    """A record or file that goes to quarantine instead of the warehouse."""

    source_uri: str
    stage: str
    reason: str
    detail: str
    article_id: str | None = None


@dataclass(slots=True)
class EmbeddedPost:
    platform: str
    text: str
    handle: str | None = None
    author: str | None = None
    posted_date: dt.date | None = None
    url: str | None = None


@dataclass(slots=True)
class CleanText:
    """What the text cleaner returns: the body and what it took out of it."""

    body: str
    comments: list[str] = field(default_factory=list)
    embeds: list[EmbeddedPost] = field(default_factory=list)
    ledger: dict[str, tuple[int, int]] = field(default_factory=dict)  # rule -> (hits, chars_removed)
    encoding_loss: int = 0
    # hints found while cleaning (e.g. a link card's title and domain), keyed like RawDoc.fields
    hints: dict[str, str] = field(default_factory=dict)
    # rule -> [start, end) spans of what it removed, in the input text; None when not traceable
    spans: dict[str, list[tuple[int, int]]] | None = None
    par_spans: list[tuple[int, int]] | None = None  # [start, end) of each body paragraph in the input


@dataclass(slots=True)
class Article:
    """One clean article with its metadata and provenance; mirrors ``schemas.ARTICLES``."""

    article_id: str
    source_uri: str
    format: str
    body: str
    title: str | None = None
    title_source: str | None = None
    published_date: dt.date | None = None
    published_at: dt.datetime | None = None
    date_source: str = "none"
    source_name: str | None = None
    source_domain: str | None = None
    canonical_url: str | None = None
    byline: str | None = None
    dateline_city: str | None = None
    language: str = "und"
    word_count: int = 0
    encoding_loss: int = 0
    comments: list[str] = field(default_factory=list)
    embeds: list[EmbeddedPost] = field(default_factory=list)
    ledger: dict[str, tuple[int, int]] = field(default_factory=dict)
    ledger_spans: dict[str, list[tuple[int, int]]] | None = None  # rule -> spans in the cleaner's input
    extractor: str | None = None  # HTML only: what gave the body (trafilatura, resiliparse)
