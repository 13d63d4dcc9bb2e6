"""The headline of an HTML page: the headline it shows (h1) or Mozilla Readability's choice of metadata
title (JSON-LD, title metadata in its order, else the cleaned <title>), site and section affixes cut by
the one title normaliser of every format (:mod:`newsetl.extract.title`)."""

from __future__ import annotations

import json
import re
from typing import Any

import lxml.html

from newsetl.extract.html.knowledge import HtmlKnowledge
from newsetl.extract.html.metadata import JSONLD_WRAPPER, Meta, names
from newsetl.extract.html.util import clean_meta, key, norm
from newsetl.extract.title import clean_title

# Readability's _getArticleMetadata order; "dc.title" and "dc:title" are the same key
_TITLE_META_ORDER = (
    ("dc:title", "dc:title"),
    ("dcterm:title", "dcterm:title"),
    ("og:title", "og:title"),
    ("weibo:article:title", "weibo:title"),
    ("weibo:webpage:title", "weibo:title"),
    ("title", "meta:title"),
    ("twitter:title", "twitter:title"),
    ("parsely-title", "parsely-title"),
)
_JSONLD_ARTICLE_TYPE = re.compile(
    r"^Article|AdvertiserContentArticle|NewsArticle|AnalysisNewsArticle|AskPublicNewsArticle|"
    r"BackgroundNewsArticle|OpinionNewsArticle|ReportageNewsArticle|ReviewNewsArticle|Report|SatiricalArticle|"
    r"ScholarlyArticle|MedicalScholarlyArticle|SocialMediaPosting|BlogPosting|LiveBlogPosting|"
    r"DiscussionForumPosting|TechArticle|APIReference$"
)
_SCHEMA_ORG = re.compile(r"^https?://schema\.org/?$")
_TITLE_SEP = re.compile(r"\s[|\-–—\\/>»]\s")  # Readability's separators: | - – — \ / > »
_TITLE_HIER_SEP = re.compile(r"\s[\\/>»]\s")
_TITLE_LEAD = re.compile(r"^[^|\-–—\\/>»]*[|\-–—\\/>»]")
_TITLE_SEP_CHARS = re.compile(r"[|\-–—\\/>»]+")
_TOKENS = re.compile(r"\W+")


def _jsonld_type_ok(obj: dict[str, Any]) -> bool:
    t = obj.get("@type")
    return isinstance(t, str) and bool(_JSONLD_ARTICLE_TYPE.search(t))


def _text_similarity(a: str, b: str) -> float:
    """Readability's _textSimilarity: share of b's text made of tokens that also occur in a."""
    ta = [t for t in _TOKENS.split(a.lower()) if t]
    tb = [t for t in _TOKENS.split(b.lower()) if t]
    if not ta or not tb:
        return 0.0
    sa = set(ta)
    uniq = " ".join(t for t in tb if t not in sa)
    return 1 - len(uniq) / len(" ".join(tb))


def jsonld_title(root: lxml.html.HtmlElement, title_tag: str, headings: list[str]) -> tuple[str, str] | None:
    """name/headline of the first schema.org article object (Readability's _getJSONLD)."""
    for script in root.xpath('//script[@type="application/ld+json"]')[:20]:
        raw = (script.text or "").strip()
        if not raw or len(raw) > 500_000:
            continue
        raw = JSONLD_WRAPPER.sub("", raw).strip()
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        if isinstance(data, list):
            data = next((it for it in data if isinstance(it, dict) and _jsonld_type_ok(it)), None)
        if not isinstance(data, dict):
            continue
        ctx = data.get("@context")
        vocab = ctx.get("@vocab") if isinstance(ctx, dict) else ctx
        if not (isinstance(vocab, str) and _SCHEMA_ORG.match(vocab)):
            continue
        if "@type" not in data and isinstance(data.get("@graph"), list):
            data = next((it for it in data["@graph"] if isinstance(it, dict) and _jsonld_type_ok(it)), None)
        if isinstance(data, dict) and not _jsonld_type_ok(data):
            main = data.get("mainEntity")  # a WebPage about its article (XenForo's threads)
            data = main if isinstance(main, dict) and _jsonld_type_ok(main) else data
        if not isinstance(data, dict) or not _jsonld_type_ok(data):
            continue
        name, headline = data.get("name"), data.get("headline")
        if isinstance(name, str) and isinstance(headline, str) and name != headline:
            # some sites put their own name into "name": take the one that resembles the <title>
            page = readability_title(title_tag, headings)
            if _text_similarity(headline, page) > 0.75 and not _text_similarity(name, page) > 0.75:
                return clean_meta(headline), "jsonld:headline"
            return clean_meta(name), "jsonld:name"
        if isinstance(name, str):
            return clean_meta(name), "jsonld:name"
        if isinstance(headline, str):
            return clean_meta(headline), "jsonld:headline"
        return None  # Readability stops at the first article object
    return None


def _wc(s: str) -> int:
    return len(s.split())


def readability_title(orig: str, headings: list[str], n_h1: int = 0, h1: str = "") -> str:
    """Readability's _getArticleTitle on the <title> text: cut the site part after the last separator
    when >= 3 words remain (else the part before the first), ``Section: Title`` unless a heading holds
    it, and keep the original when the cut leaves <= 4 words."""
    cur = orig
    hier = False
    seps = list(_TITLE_SEP.finditer(orig))
    if seps:
        hier = bool(_TITLE_HIER_SEP.search(orig))
        cur = orig[: seps[-1].start()]
        if _wc(cur) < 3:
            cur = _TITLE_LEAD.sub("", orig, count=1)
    elif ": " in cur:
        if orig.strip() not in headings:
            cur = orig[orig.rfind(":") + 1 :]
            if _wc(cur) < 3:
                cur = orig[orig.find(":") + 1 :]
            elif _wc(orig[: orig.find(":")]) > 5:
                cur = orig
    elif (len(cur) > 150 or len(cur) < 15) and n_h1 == 1:
        cur = h1
    cur = norm(cur)
    n = _wc(cur)
    if n <= 4 and (not hier or n != _wc(_TITLE_SEP_CHARS.sub("", orig)) - 1):
        cur = orig
    return cur


def section_names(m: Meta) -> list[str]:
    """The page's own section names (article:section, JSON-LD articleSection)."""
    raw = [m.meta.get("article:section"), m.meta.get("section"), m.jsonld.get("articleSection")]
    out: list[str] = []
    for value in raw:
        for v in value if isinstance(value, list) else [value]:
            if isinstance(v, str) and key(v) and v not in out:
                out.append(v)
    return out


_TOKEN = re.compile(r"\w+")
_QUOTED = re.compile(r'^(["“«\'‘])(.+)(["”»\'’])$')
_PAIRS = {'"': '"', "“": "”", "«": "»", "'": "'", "‘": "’"}


def _unquoted(title: str) -> str:
    """``title`` without quotes wrapping all of it (and only there)."""
    m = _QUOTED.match(title)
    if m and _PAIRS[m.group(1)] == m.group(3) and m.group(1) not in m.group(2) and m.group(3) not in m.group(2):
        return m.group(2).strip()
    return title


def _overlap(a: str, b: str) -> float:
    """Jaccard overlap of the two titles' lowercased word sets."""
    ta, tb = set(_TOKEN.findall(a.lower())), set(_TOKEN.findall(b.lower()))
    return len(ta & tb) / len(ta | tb) if ta | tb else 0.0


def visible_headline(root: lxml.html.HtmlElement, m: Meta) -> tuple[str | None, str]:
    """The headline the page shows and where: the h1 of its article/main container ("article"), else its
    only h1 ("single"), else its first h1 ("first")."""
    for h1 in root.iter("h1"):  # few h1s: cheaper than an XPath over every element's role
        if any(a.tag in ("article", "main") or a.get("role") == "main" for a in h1.iterancestors()):
            text = clean_meta(h1.text_content())
            if text:
                return text, "article"
            break
    if len(m.h1s) == 1:
        return m.h1s[0], "single"
    return (m.h1s[0], "first") if m.h1s else (None, "")


def _continues(title: str, n_key: int) -> bool:
    """After its first ``n_key`` key characters, ``title`` goes on with a word after a space (not with a
    separator, bracket or colon that opens an affix or a subtitle)."""
    seen = 0
    for i, ch in enumerate(title):
        if seen >= n_key:
            rest = title[i:]
            return rest[:1].isspace() and rest.lstrip()[:1].isalnum()
        seen += len(key(ch))
    return False


def _label_words(shown: str, n_key: int) -> int:
    """Words of ``shown`` before its last ``n_key`` key characters (the label before the headline)."""
    count, seen = 0, 0
    for tok in reversed(_TOKEN.findall(shown)):
        if seen >= n_key:
            count += 1
        seen += len(key(tok))
    return count


def _prefer_visible(title: str, shown: str, kind: str, site_names: list[str], kn: HtmlKnowledge) -> bool:
    """Whether the shown headline beats the metadata title (already without site/section affixes)."""
    n = len(_TOKEN.findall(shown))
    if not 2 <= n <= kn.max_headline_words:
        return False
    ks, kt = key(shown), key(title)
    if ks and ks == kt:
        # the same words: the metadata's characters, unless it wraps the headline in quotes the page does
        # not show ('"What is Git?"' in JSON-LD)
        return title != shown and _unquoted(title) == shown
    if not ks or any(ks == key(s) for s in site_names if s):
        return False  # the site's own name
    if ks.endswith(kt) and _label_words(shown, len(kt)) <= min(kn.max_label_words, len(_TOKEN.findall(title)) - 1):
        return False  # the headline after a label or date the h1 carries ("Thread: X", "Dec 18 2025 X")
    if kt.startswith(ks) and _continues(title, len(ks)):
        return False  # the metadata title goes on with the headline's words ("X in 2025"): the h1 is cut
    if kt.startswith(ks) or ks.startswith(kt):
        return kind != "first"  # the metadata title is the headline plus an affix, or truncated
    limit = {"article": kn.headline_overlap_article, "single": kn.headline_overlap_single}.get(kind)
    return limit is not None and _overlap(shown, title) >= limit  # a rewritten (SEO) title of the story


def choose_title(
    root: lxml.html.HtmlElement, m: Meta, site: str | None, domain: str | None, url: str | None,
    kn: HtmlKnowledge,
) -> tuple[str | None, str | None]:
    """(title, title_source): Readability's choice of metadata title (JSON-LD, title metadata in its
    order, else the <title>), without site and section affixes (the shared normaliser,
    :func:`newsetl.extract.title.clean_title`), unless the headline the page shows is the better one:
    the metadata title is that headline plus an affix or cut short, or (for the article's own h1 or the
    page's only h1) a rewritten title of the same story (``headline_overlap_*`` of ``config/html.yaml``).
    """
    site_names = [n for n in [site, *names(m.jsonld.get("publisher"))] if n]
    sections = section_names(m)

    def clean(t: str | None, guess_tail: bool = True) -> str | None:
        return clean_title(t, site_names=site_names, domain=domain, url=url, sections=sections,
                           guess_tail=guess_tail)  # fmt: skip

    from_jsonld = jsonld_title(root, m.title_tag, m.h1s + m.h2s)
    found: tuple[str, str] | None = from_jsonld if from_jsonld and from_jsonld[0] else None
    if found is None:
        for k, source in _TITLE_META_ORDER:
            value = m.titles.get(k)
            if value:
                found = value, source
                break
    if found is None and m.title_tag:
        # a site part the normaliser recognises is cut exactly; only an unrecognised one is left to
        # Readability's guess
        stripped = clean(m.title_tag)
        if stripped and stripped != m.title_tag:
            found = stripped, "title"
        else:
            headings = m.h1s + m.h2s
            found = readability_title(m.title_tag, headings, len(m.h1s), m.h1s[0] if m.h1s else ""), "title"
    shown, kind = visible_headline(root, m)
    if found is None:
        return (shown, "h1") if shown else (None, None)
    title = clean(found[0]) or found[0]
    if shown and _prefer_visible(title, shown, kind, site_names, kn):
        return clean(shown, guess_tail=False) or shown, "h1"
    if found[1] == "title" and shown and key(shown) == key(title):
        return shown, "h1"  # the visible headline when it is the <title> without its site part
    return title, found[1]
