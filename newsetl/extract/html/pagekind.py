"""Is the page an article at all? Section indexes, archive listings, link lists and error pages are not.

Each check returns why the page is not an article (a ``no_article`` detail) or None.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlsplit

import lxml.html

from newsetl.extract.html.knowledge import HtmlKnowledge
from newsetl.extract.html.metadata import Meta
from newsetl.extract.html.util import norm, words


def anchor_keys(root: lxml.html.HtmlElement) -> set[str]:
    anchors = {norm(a.text_content()).lower() for a in root.iter("a")}
    anchors.discard("")
    return anchors


def link_share(anchors: set[str], text: str) -> float:
    """Share of the text's words that sit in paragraphs equal to an anchor text of the page."""
    if not anchors:
        return 0.0
    total = linked = 0
    for para in text.split("\n\n"):
        n = words(para)
        total += n
        if para.lower() in anchors:
            linked += n
    return linked / total if total else 0.0


_TEASER_END = re.compile(r"(?:\.\.\.|…|\[…\]|\[\.\.\.\]|\[&hellip;\])\s*$")


def listing_reason(body: lxml.html.HtmlElement, text: str, anchors: set[str], kn: HtmlKnowledge) -> str | None:
    """Why the page is a section index / archive listing of teasers, or None."""
    # CMS body classes (WordPress body_class() and its imitators): archive/category/paged pages
    classes = set((body.get("class") or "").lower().split())
    if classes & kn.listing_body_classes and not any(
        c in kn.single_body_classes or c.startswith(kn.single_body_class_prefixes) for c in classes
    ):
        found = sorted(classes & kn.listing_body_classes)
        return f"section index (page marked as {'/'.join(found)})"
    paras = text.split("\n\n")
    long_paras = [p for p in paras if words(p) >= 12]
    teasers = sum(1 for p in long_paras if _TEASER_END.search(p))
    if teasers >= 3 and 2 * teasers >= len(long_paras):
        return f"section index ({teasers} of {len(long_paras)} paragraphs are truncated teasers)"
    short = Counter(p.lower() for p in paras if words(p) <= 4 and p.lower() in anchors)
    repeated = [p for p, n in short.items() if n >= 3]
    if repeated and sum(short[p] for p in repeated) >= max(3, len(long_paras) // 2):
        return f"section index (repeated {repeated[0]!r} links)"
    return None


_ERROR_TITLE = re.compile(
    r"^(?:error\s*)?(?:404|410|500)\b|\b(?:page|article|content)\s+(?:was\s+)?not\s+found\b|\bpage\s+(?:does\s+not|doesn.t)\s+exist",
    re.I,
)
# the listing keyword is the path's last segment or is followed by one term (and a page number):
# "/category/national", "/tag/pakistan/page/2/"; "/archives/2025/12/16/vibe_coding.html" is a post
_LISTING_PATH = re.compile(
    r"/(?:category|categories|tag|tags|topic|topics|section|sections|archives?|author)(?:\.html?)?"
    r"(?:/[^/]+)?(?:/page/\d+)?/?$",
    re.I,
)


def error_page(m: Meta) -> str | None:
    for text in (m.title_tag, m.meta.get("og:title"), m.h1s[0] if m.h1s else None):
        if text and len(text) <= 120 and _ERROR_TITLE.search(text):
            return f"error page ({text[:60]!r})"
    return None


def listing_url(url: str | None, m: Meta) -> str | None:
    """A category/tag/archive URL without any article-level date metadata."""
    if not url:
        return None
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    if not _LISTING_PATH.search(path):
        return None
    if m.jsonld.get("datePublished") or any(k in m.meta for k in ("article:published_time", "og:published_time")):
        return None
    return f"section index (URL {path[:60]!r})"


def has_refresh(root: lxml.html.HtmlElement) -> bool:
    return bool(root.xpath('//meta[translate(@http-equiv,"REFSH","refsh")="refresh"]'))
