"""The headline of an HTML page: Mozilla Readability's choice (JSON-LD, title metadata in its order,
else the cleaned <title>), minus a leading/trailing segment naming the site (and the section before it)."""

from __future__ import annotations

import json
import re
from typing import Any

import lxml.html

from newsetl.extract.html.knowledge import HtmlKnowledge
from newsetl.extract.html.metadata import JSONLD_WRAPPER, Meta, names
from newsetl.extract.html.util import WORD, clean_meta, key, norm, words

_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|»|«|‹|›|·|•|/|~)\s+|\s*(?:\||::|»|‹|›)\s*|:\s+")


def strip_site(
    title: str, site_keys: set[str], kn: HtmlKnowledge, section_keys: frozenset[str] = frozenset()
) -> str:
    """Remove leading/trailing separator-delimited segments naming the site, and the section name
    between the headline and a removed trailing site segment ("... - Pakistan - DAWN.COM")."""
    parts = _SEPARATORS.split(title)
    if len(parts) < 2 or key(title) in site_keys:  # the title is the site's name (a home page)
        return title
    seps = _SEPARATORS.findall(title)

    def is_site(seg: str) -> bool:
        if not seg.strip():
            return True  # a dangling separator ("Headline | Site |")
        k = key(seg)
        if not k:
            return False  # punctuation ("»…") belongs to the headline
        return any(k == s or (len(k) >= 4 and (k in s or s in k) and words(seg) <= 5) for s in site_keys)

    def is_section(seg: str) -> bool:
        k = key(seg)
        if not k or words(seg) > 3:
            return False
        if k in section_keys or k in kn.section_phrases:
            return True
        return all(w in kn.section_words for w in WORD.findall(seg.lower()))

    lo, hi = 0, len(parts)
    changed = True
    while changed and hi - lo > 1:
        changed = False
        if is_site(parts[hi - 1]):
            hi -= 1
            changed = True
        elif is_site(parts[lo]):
            lo += 1
            changed = True
    if hi < len(parts) and hi - lo > 1 and is_section(parts[hi - 1]):
        rest = " ".join(parts[lo : hi - 1])
        if words(rest) >= 3 or len(rest) >= 12:
            hi -= 1
    if (lo, hi) == (0, len(parts)):
        return title
    # rebuild with the original separators
    out = parts[lo]
    for i in range(lo + 1, hi):
        out += seps[i - 1] + parts[i]
    return out.strip()


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


def site_keys(m: Meta, site: str | None, domain: str | None) -> set[str]:
    keys = {k for k in (key(site or ""), key(domain or "")) if k}
    if domain:
        keys.add(key(domain.split(".")[0]))
    keys.update(key(p) for p in names(m.jsonld.get("publisher")) if key(p))
    return keys


def section_keys(m: Meta) -> frozenset[str]:
    raw = [m.meta.get("article:section"), m.meta.get("section"), m.jsonld.get("articleSection")]
    out: set[str] = set()
    for value in raw:
        for v in value if isinstance(value, list) else [value]:
            if isinstance(v, str) and key(v):
                out.add(key(v))
    return frozenset(out)


def choose_title(
    root: lxml.html.HtmlElement, m: Meta, site: str | None, domain: str | None, kn: HtmlKnowledge
) -> tuple[str | None, str | None]:
    """(title, title_source): Readability's choice, minus a leading/trailing segment naming the site."""
    from_jsonld = jsonld_title(root, m.title_tag, m.h1s + m.h2s)
    found: tuple[str, str] | None = from_jsonld if from_jsonld and from_jsonld[0] else None
    if found is None:
        for k, source in _TITLE_META_ORDER:
            value = m.titles.get(k)
            if value:
                found = value, source
                break
    keys = site_keys(m, site, domain)
    sections = section_keys(m)
    if found is None and m.title_tag:
        # a site part we recognise is cut exactly; only an unrecognised one is left to Readability's guess
        stripped = strip_site(m.title_tag, keys, kn, sections) if kn.strip_site_from_title else ""
        if stripped and stripped != m.title_tag:
            found = stripped, "title"
        else:
            headings = m.h1s + m.h2s
            found = readability_title(m.title_tag, headings, len(m.h1s), m.h1s[0] if m.h1s else ""), "title"
    if found is None:
        return (m.h1s[0], "h1") if m.h1s else (None, None)
    title, source = found
    if kn.strip_site_from_title:
        title = strip_site(title, keys, kn, sections) or title
    if source == "title":
        # the visible headline when it is the <title> without its site part
        tk = key(title)
        for h in m.h1s:
            if tk and key(h) == tk:
                return h, "h1"
    return title, source
