"""Map one structured record (a JSON object or a CSV row) to body text plus canonical metadata fields.

Field names are matched case-insensitively and ignoring ``_``, ``-`` and spaces (``articleBody``,
``article_body`` and ``Article Body`` are one name). Objects nested one level deep
(``{"article": {...}}``) are searched too; the top level wins.

Field types: a title is a string (a one-string list, or a value object such as WordPress's
``{"rendered": "..."}``, is that string); a body is a string or a list of strings (joined as
paragraphs). A title or body field that holds anything else (a number, an object, a
list of non-strings) while no other field of that kind holds a good value is a type error: the record
keeps no title/body from it and ``fields[TYPE_ERROR]`` says what was wrong (extraction quarantines the
record as ``wrong_field_type``). ``retrieved`` is when the record was fetched (a crawler's timestamp):
the reference for a date stated without its year.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from newsetl.settings import IngestConfig


def norm_key(name: str) -> str:
    """Normalised field name used for matching: lower case without ``_``, ``-`` or spaces."""
    return name.lower().replace("_", "").replace("-", "").replace(" ", "")


def _n(*names: str) -> tuple[str, ...]:
    return tuple(norm_key(n) for n in names)


# body candidates: the longest non-empty one wins; description is only a fallback
BODY_KEYS = _n("content", "text", "body", "article", "article_body", "articleBody", "full_text", "fulltext")
META_KEYS: dict[str, tuple[str, ...]] = {
    "title": _n("title", "headline", "name", "subject"),
    "date": _n(
        "date_published",
        "datePublished",
        "published_at",
        "published",
        "publication_date",
        "pubDate",
        "date",
        "created_at",
        "timestamp",
        "time",
    ),
    "url": _n("url", "link", "canonical_url", "permalink"),
    "source": _n("source", "site", "site_name", "publisher", "source_name", "domain"),
    "author": _n("author", "byline", "authors"),
    "language": _n("language", "lang", "inLanguage"),
    "retrieved": _n(
        "scraped_at", "crawled_at", "fetched_at", "retrieved_at", "downloaded_at", "accessed_at",
        "crawl_date", "crawl_time", "fetch_date", "fetch_time", "scrape_date", "scrape_time",
        "date_scraped", "date_crawled", "date_fetched", "date_retrieved", "scraped", "crawled", "fetched",
    ),
    "description": _n("summary", "description", "excerpt"),
}
CANONICAL_KEYS = tuple(META_KEYS)
# keys whose object value is an entity (take its name), never a nested record to flatten
_ENTITY_KEYS = frozenset(META_KEYS["source"] + META_KEYS["author"])
# containers of records inside a top-level JSON object
CONTAINER_KEYS = _n(
    "articles", "items", "data", "results", "posts", "entries", "documents", "docs", "records"
)
# text-like CSV columns
TEXT_COLUMNS = frozenset(BODY_KEYS + META_KEYS["description"])
_KNOWN_KEYS = frozenset(BODY_KEYS).union(*META_KEYS.values())
_TEXT_FIELD_KEYS = frozenset(BODY_KEYS + META_KEYS["title"])
# fields key of a record whose title or body field has the wrong type (see the module docstring)
TYPE_ERROR = "type_error"

_HTML_TAG = re.compile(
    r"<(?:p|div|br|span|a|img|h[1-6]|ul|ol|li|table|tr|td|strong|em|b|i|blockquote|figure|section|article)\b[^>]*>",
    re.I,
)


def looks_like_html(text: str) -> bool:
    """True when ``text`` carries markup such as ``<p>``, ``<div>`` or ``<br>``."""
    return "<" in text and _HTML_TAG.search(text) is not None


@dataclass(frozen=True, slots=True)
class FieldPlan:
    """The ordered field names to try for the body and each canonical key (user ``field_map`` first)."""

    body_user: tuple[str, ...]
    body: tuple[str, ...]
    meta: dict[str, tuple[str, ...]]

    @classmethod
    def from_config(cls, cfg: IngestConfig) -> FieldPlan:
        user = {norm_key(k): _n(*v) for k, v in cfg.field_map.items()}
        body_user = user.get("body", ()) + user.get("text", ()) + user.get("content", ())
        meta = {k: _dedupe(user.get(k, ()) + v) for k, v in META_KEYS.items()}
        return cls(body_user=_dedupe(body_user), body=BODY_KEYS, meta=meta)


def _dedupe(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))


def flatten(record: Mapping[str, Any]) -> dict[str, Any]:
    """Normalised-key view of ``record`` with objects nested one level merged in (top level wins)."""
    flat: dict[str, Any] = {}
    nested: list[Mapping[str, Any]] = []
    for k, v in record.items():
        nk = norm_key(str(k))
        if isinstance(v, Mapping) and nk not in _ENTITY_KEYS:
            if nk in _TEXT_FIELD_KEYS and (_inner_text(v) is not None or _KNOWN_KEYS.isdisjoint(norm_key(str(x)) for x in v)):
                # {"title": {"rendered": "..."}} is a value; {"content": {...}} without article fields a
                # wrong-typed one; anything else a nested record
                flat.setdefault(nk, v)
            else:
                nested.append(v)
            continue
        flat.setdefault(nk, v)
    for obj in nested:
        for k, v in obj.items():
            nk = norm_key(str(k))
            if not isinstance(v, Mapping) or nk in _ENTITY_KEYS:
                flat.setdefault(nk, v)
    return flat


def _scalar(v: Any) -> str | None:
    """A JSON scalar as a trimmed string (numbers keep their text); None for empty/absent."""
    if v is None or isinstance(v, bool):
        return None
    if isinstance(v, str):
        s = v.strip()
        return s or None
    if isinstance(v, int | float):
        return str(v)
    return None


def _name_of(v: Any) -> str | None:
    if isinstance(v, Mapping):
        for k in ("name", "title", "display_name", "displayName"):
            s = _scalar(v.get(k))
            if s:
                return s
        return None
    return _scalar(v)


def _author(v: Any) -> str | None:
    if isinstance(v, Sequence) and not isinstance(v, str):
        names = [n for n in (_name_of(x) for x in v) if n]
        return ", ".join(names) or None
    return _name_of(v)


def _text(v: Any) -> str | None:
    """A body-like value: a string, a list of strings (paragraphs) joined by blank lines, or a value
    object holding one string."""
    if isinstance(v, Mapping) and (inner := _inner_text(v)) is not None:
        v = inner
    if isinstance(v, str):
        return v if v.strip() else None
    if isinstance(v, Sequence) and v and all(isinstance(x, str) for x in v):
        joined = "\n\n".join(x.strip() for x in v if x.strip())
        return joined or None
    return None


_VALUE_KEYS = ("rendered", "value", "#text", "text", "plain", "html", "content")


def _inner_text(v: Mapping[str, Any]) -> str | None:
    """The string of a value object (WordPress ``{"rendered": "..."}``, ``{"#text": "..."}``) when it is
    one: a single string under one of the value keys, the other keys holding no text."""
    texts = [(norm_key(str(k)), x) for k, x in v.items() if isinstance(x, str) and x.strip()]
    if len(texts) == 1 and texts[0][0] in _VALUE_KEYS:
        return texts[0][1]
    return None


def _kind(v: Any) -> str:
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, int | float):
        return f"a number ({v!r})"
    if isinstance(v, Mapping):
        return "an object"
    if isinstance(v, Sequence) and not isinstance(v, str):
        return "a list of non-strings" if v else "an empty list"
    return f"a {type(v).__name__}"


def _title_value(v: Any) -> tuple[str | None, str | None]:
    """(title, type error): a string, or a list holding one string."""
    if v is None:
        return None, None
    if isinstance(v, Mapping) and (inner := _inner_text(v)) is not None:
        v = inner
    if isinstance(v, str):
        return (v.strip() or None), None
    if isinstance(v, Sequence) and len(v) == 1 and isinstance(v[0], str):
        return (v[0].strip() or None), None
    if isinstance(v, Sequence) and all(isinstance(x, str) for x in v):
        return None, "a list of strings" if v else None
    return None, _kind(v)


def _body_error(v: Any) -> str | None:
    """Why a body field's value is not text (None when it is text, or empty)."""
    if v is None or isinstance(v, str) or _text(v) is not None:
        return None
    if isinstance(v, Sequence) and not isinstance(v, str) and not v:
        return None
    return _kind(v)


def map_record(flat: Mapping[str, Any], plan: FieldPlan) -> tuple[str | None, dict[str, str]]:
    """Return ``(body text or None, canonical fields)`` for one flattened record."""
    fields: dict[str, str] = {}
    errors: list[str] = []
    for key, names in plan.meta.items():
        bad: str | None = None
        for name in names:
            if name not in flat:
                continue
            v = flat[name]
            if key == "title":
                s, why = _title_value(v)
                if s:
                    fields[key] = s
                    bad = None
                    break
                bad = bad or (f"{name} is {why}" if why else None)
                continue
            if key == "source":
                s = _name_of(v)
            elif key == "author":
                s = _author(v)
            elif key == "description":
                s = _text(v)
                s = s.strip() if s else None
            else:
                s = _scalar(v)
            if s:
                fields[key] = s
                break
        if bad:
            errors.append(bad)
    body: str | None = None
    for name in plan.body_user:
        body = _text(flat.get(name))
        if body:
            break
    if not body:
        best = ""
        for name in plan.body:
            t = _text(flat.get(name))
            if t and len(t) > len(best):
                best = t
        if not best:
            wrong = next(((n, w) for n in plan.body_user + plan.body if (w := _body_error(flat.get(n)))), None)
            if wrong:
                errors.append(f"{wrong[0]} is {wrong[1]}")
        body = best or fields.get("description")
    if errors:
        fields[TYPE_ERROR] = "; ".join(errors)
    if body and "\r" in body:
        body = body.replace("\r\n", "\n").replace("\r", "\n")
    return body, fields


def is_article_like(flat: Mapping[str, Any], plan: FieldPlan) -> bool:
    """Whether an object names any body or metadata field (a record, not e.g. an API envelope)."""
    names = set(plan.body) | set(plan.body_user)
    for v in plan.meta.values():
        names.update(v)
    return not names.isdisjoint(flat)
