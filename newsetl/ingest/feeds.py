"""RSS 2.0 / Atom / RDF feeds -> one record per item, via feedparser.

Entity expansion is refused before feedparser sees the bytes: a document whose prolog declares
``<!ENTITY`` is rejected (``xml_entities``). feedparser already strips most declarations, expat >= 2.4
limits amplification and external entities are disabled, but refusing them outright costs one regex
over the prolog and makes the guarantee ours.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import io
import re
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from newsetl.errors import TerminalError
from newsetl.ingest.records import looks_like_html
from newsetl.reasons import Reason

_FIRST_ELEMENT = re.compile(r"<[A-Za-z]")
_ENTITY_DECL = re.compile(r"<!ENTITY", re.I)


@dataclass(slots=True)
class FeedItem:
    index: int
    text: str | None
    fields: dict[str, str]
    body_is_html: bool


def check_entities(text: str) -> None:
    """Raise ``TerminalError(Reason.XML_ENTITIES)`` when the XML prolog declares entities."""
    m = _FIRST_ELEMENT.search(text)
    prolog = text[: m.start()] if m else text
    if "<!" in prolog and _ENTITY_DECL.search(prolog):
        raise TerminalError(
            Reason.XML_ENTITIES,
            "XML DOCTYPE declares <!ENTITY ...>: refused (entity expansion, e.g. billion laughs)",
        )


def _date(entry: Any) -> str | None:
    for key in ("published", "updated", "created"):
        raw = entry.get(key)
        if raw and isinstance(raw, str) and raw.strip():
            raw = raw.strip()
            try:
                dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
                return raw  # already ISO 8601 (Atom)
            except ValueError:
                pass
            try:  # RFC 822 (RSS): ISO with the stated offset, so the local date is kept
                return email.utils.parsedate_to_datetime(raw).isoformat()
            except (TypeError, ValueError, IndexError):
                pass
            parsed = entry.get(f"{key}_parsed")
            if isinstance(parsed, time.struct_time):
                return time.strftime("%Y-%m-%dT%H:%M:%SZ", parsed)
            return raw
    for key in ("published_parsed", "updated_parsed"):
        parsed = entry.get(key)
        if isinstance(parsed, time.struct_time):
            return time.strftime("%Y-%m-%dT%H:%M:%SZ", parsed)
    return None


def _s(v: Any) -> str | None:
    if isinstance(v, str):
        v = v.strip()
        return v or None
    return None


def _absolute(url: str | None) -> bool:
    if not url:
        return False
    parts = urlsplit(url)
    return bool(parts.scheme and parts.netloc)


def _resolve(link: str | None, base: str | None) -> tuple[str | None, str | None]:
    """(absolute URL, unresolved relative link) of an item link: a relative link is resolved against
    the feed's site link (feedparser already applied ``xml:base``); without an absolute base it is kept
    only as ``url_unresolved`` (a ledger note), never as a canonical URL."""
    if not link or _absolute(link):
        return link, None
    if base and _absolute(base):
        return urljoin(base, link), None
    return None, link


def parse_feed(data: bytes) -> tuple[list[FeedItem], str | None]:
    """Parse feed bytes; returns the items and the encoding feedparser used.

    Raises ``TerminalError(Reason.NO_RECORDS)`` when the feed has no items.
    """
    import feedparser

    result = feedparser.parse(io.BytesIO(data))
    entries = result.get("entries") or []
    if not entries:
        why = ""
        if result.get("bozo"):
            why = f" (parser: {result.get('bozo_exception')})"
        raise TerminalError(Reason.NO_RECORDS, f"feed has no items{why}")
    feed = result.get("feed") or {}
    source = _s(feed.get("title"))
    language = _s(feed.get("language"))
    base = _s(feed.get("link"))
    items: list[FeedItem] = []
    for i, e in enumerate(entries):
        fields: dict[str, str] = {}
        url, unresolved = _resolve(_s(e.get("link")), base)
        for key, value in (
            ("title", _s(e.get("title"))),
            ("date", _date(e)),
            ("url", url),
            ("url_unresolved", unresolved),
            ("source", source),
            ("author", _s(e.get("author"))),
            ("language", language),
        ):
            if value:
                fields[key] = value
        summary = _s(e.get("summary"))
        text = None
        content = e.get("content") or []
        if content and _s(content[0].get("value")):
            text = content[0]["value"]
            if summary and summary != text.strip():
                fields["description"] = summary
        elif summary:
            text = e["summary"]
        is_html = False
        if text is not None:
            if "\r" in text:
                text = text.replace("\r\n", "\n").replace("\r", "\n")
            # by markup, not by feedparser's type: it labels every RSS description text/html
            is_html = looks_like_html(text)
        items.append(FeedItem(i, text, fields, is_html))
    enc = result.get("encoding")
    return items, enc if isinstance(enc, str) and enc else None
