"""Map one structured record (a JSON object or a CSV row) to body text plus canonical metadata fields.

Field names are matched case-insensitively and ignoring ``_``, ``-`` and spaces (``articleBody``,
``article_body`` and ``Article Body`` are one name). Objects nested one level deep
(``{"article": {...}}``) are searched too; the top level wins.
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
    """A body-like value: a string, or a list of strings (paragraphs) joined by blank lines."""
    if isinstance(v, str):
        return v if v.strip() else None
    if isinstance(v, Sequence) and v and all(isinstance(x, str) for x in v):
        joined = "\n\n".join(x.strip() for x in v if x.strip())
        return joined or None
    return None


def map_record(flat: Mapping[str, Any], plan: FieldPlan) -> tuple[str | None, dict[str, str]]:
    """Return ``(body text or None, canonical fields)`` for one flattened record."""
    fields: dict[str, str] = {}
    for key, names in plan.meta.items():
        for name in names:
            if name not in flat:
                continue
            v = flat[name]
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
        body = best or fields.get("description")
    if body and "\r" in body:
        body = body.replace("\r\n", "\n").replace("\r", "\n")
    return body, fields


def is_article_like(flat: Mapping[str, Any], plan: FieldPlan) -> bool:
    """Whether an object names any body or metadata field (a record, not e.g. an API envelope)."""
    names = set(plan.body) | set(plan.body_user)
    for v in plan.meta.values():
        names.update(v)
    return not names.isdisjoint(flat)
