"""What the page states about itself: <meta> tags, JSON-LD, <title>, headings, canonical URL, language,
site name and byline. One pass over the tree; nothing here looks at the article text."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from newsetl.extract.html.knowledge import HtmlKnowledge
from newsetl.extract.html.parse import saved_url
from newsetl.extract.html.util import WS, clean_meta, key, norm, words

_LANG = re.compile(r"^([a-zA-Z]{2})(?:[-_][a-zA-Z0-9]+)*$")
JSONLD_WRAPPER = re.compile(r"^(?:\s*//)?\s*(?:<!\[CDATA\[|<!--)|(?://\s*)?(?:\]\]>|-->)\s*$")
_TITLE_PROPERTY = re.compile(r"^(?:dc|dcterm|og|twitter|weibo:(?:article|webpage)):title$")
_TITLE_NAME = re.compile(r"^(?:(?:dc|dcterm|og|twitter|parsely|weibo:(?:article|webpage))[-:])?title$")
_JSONLD_FIELDS = (
    "headline", "name", "datePublished", "dateCreated", "dateModified", "author", "publisher", "url",
    "articleSection",
)


@dataclass(slots=True)
class Meta:
    meta: dict[str, str]  # <meta> content by lowercased property/name/itemprop/http-equiv, first wins
    jsonld: dict[str, Any]  # fields of the first article-like JSON-LD object (+ "_org": a publisher name,
    # "_page_dated": its datePublished is a bare WebPage's)
    title_tag: str
    h1s: list[str]
    h2s: list[str]
    titles: dict[str, str]  # title metadata (Readability's keys), the last <meta> of a key wins
    canonical: str | None
    lang: str | None
    types: frozenset[str] = frozenset()  # every JSON-LD @type of the page, lowercased


# schema.org types of an article page and of a discussion page (a thread, a Q&A page)
ARTICLE_TYPES = frozenset({"article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
                           "opinionnewsarticle", "techarticle", "reviewnewsarticle", "backgroundnewsarticle"})
_DISCUSSION = frozenset({"discussionforumposting", "qapage", "question", "socialmediaposting", "comment"})


def declares_article(m: Meta) -> bool:
    """The page's JSON-LD calls it an article and nothing calls it a discussion."""
    return bool(m.types & ARTICLE_TYPES) and not m.types & _DISCUSSION


def iter_jsonld(root: lxml.html.HtmlElement) -> Iterator[dict[str, Any]]:
    """Every JSON object in ld+json scripts, @graph members and lists flattened (not deeper)."""
    for script in root.xpath('//script[contains(translate(@type,"LDJSON","ldjson"),"ld+json")]'):
        raw = (script.text or "").strip()
        if not raw or len(raw) > 500_000:
            continue
        if raw[0] not in "{[":  # CDATA / HTML-comment wrappers some CMSs add
            raw = JSONLD_WRAPPER.sub("", raw).strip()
        try:
            data = json.loads(raw)
        except ValueError:
            try:  # common breakage: raw newlines/tabs inside strings
                data = json.loads(WS.sub(" ", raw))
            except ValueError:
                continue
        stack = data if isinstance(data, list) else [data]
        for item in stack[:50]:
            if not isinstance(item, dict):
                continue
            graph = item.get("@graph")
            if isinstance(graph, list):
                yield from (g for g in graph[:50] if isinstance(g, dict))
            yield item


def types_of(obj: dict[str, Any]) -> set[str]:
    t = obj.get("@type")
    if isinstance(t, str):
        return {t.lower()}
    if isinstance(t, list):
        return {x.lower() for x in t if isinstance(x, str)}
    return set()


def names(value: Any) -> list[str]:
    """Names out of a JSON-LD author/publisher value (str, dict, or list of those)."""
    out: list[str] = []
    items = value if isinstance(value, list) else [value]
    for it in items[:10]:
        if isinstance(it, str):
            name: str = it
        elif isinstance(it, dict) and isinstance(it.get("name"), str):
            name = it["name"]
        else:
            continue
        name = clean_meta(name)
        if name and not name.startswith("http") and len(name) <= 100:
            out.append(name)
    return out


def _collect_title_meta(el: Any, content: str, titles: dict[str, str]) -> None:
    """Title keys of one <meta>, Readability's way: space-separated properties, a normalised name."""
    prop = el.get("property")
    if prop:
        for k in prop.lower().split():
            if _TITLE_PROPERTY.match(k):
                titles[k] = content
        return  # Readability reads the name only when there is no matching property
    name = el.get("name")
    if name:
        k = WS.sub("", name.lower()).replace(".", ":")
        if _TITLE_NAME.match(k):
            titles[k] = content


def read_meta(root: lxml.html.HtmlElement, kn: HtmlKnowledge) -> Meta:
    meta: dict[str, str] = {}
    titles: dict[str, str] = {}
    head = root.find("head")
    in_head = set(head.iter("meta")) if head is not None else set()
    for el in root.iter("meta"):
        content = el.get("content")
        if content is None:
            continue
        content = clean_meta(content)
        if not content:
            continue
        # an itemprop <meta> in the body belongs to one microdata item of the page (the article, or a
        # related-story teaser): the date module reads those with their context (article_times)
        attrs = ("property", "name", "itemprop", "http-equiv") if el in in_head else ("property", "name", "http-equiv")
        for attr in attrs:
            val = el.get(attr)
            if val:
                for k in val.lower().split():  # space-separated properties
                    meta.setdefault(k, content)
        _collect_title_meta(el, content, titles)
    # JSON-LD: keep the first article-like object's fields, plus a publisher name from anywhere
    jsonld: dict[str, Any] = {}
    all_types: set[str] = set()
    for obj in iter_jsonld(root):
        types = types_of(obj)
        all_types |= types
        if types & kn.article_types or "headline" in obj or "datePublished" in obj:
            is_page = types == {"webpage"}
            for fld in _JSONLD_FIELDS:
                if fld in obj and fld not in jsonld and not (is_page and fld == "name"):
                    jsonld[fld] = obj[fld]
                    if is_page and fld == "datePublished":
                        jsonld["_page_dated"] = True  # the date is a bare WebPage's, not an article's
        elif "organization" in types or "newsmediaorganization" in types:
            jsonld.setdefault("_org", obj.get("name"))
    title_el = root.find(".//title")
    title_tag = clean_meta(title_el.text_content()) if title_el is not None else ""
    h1s = [t for t in (norm(h.text_content()) for h in root.iter("h1")) if t][:5]
    h2s = [t for t in (norm(h.text_content()) for h in root.iter("h2")) if t][:20]
    canonical = None
    for link in root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        if "canonical" in rel and link.get("href"):
            canonical = link.get("href", "").strip()
            break
    lang = root.get("lang") or root.get("xml:lang")
    return Meta(meta, jsonld, title_tag, h1s, h2s, titles, canonical, lang, frozenset(all_types))


# ---------------------------------------------------------------------------------------------- URL


def resolve_url(value: str | None, base: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    try:
        absolute = urljoin(base, value) if base else value
        parts = urlsplit(absolute)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return absolute


def registered_domain(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return None
    if not host or "." not in host:
        return None
    from tld import get_fld

    fld = get_fld(host, fix_protocol=True, fail_silently=True)
    if isinstance(fld, str) and fld:
        return fld
    labels = host.split(".")
    return ".".join(labels[-2:])


def canonical_url(m: Meta, url: str | None, html: str) -> str | None:
    page_url = url or saved_url(html)
    for candidate in (m.canonical, m.meta.get("og:url"), m.meta.get("twitter:url")):
        resolved = resolve_url(candidate, page_url)
        if resolved:
            # a canonical pointing at the site root while the page is deeper is a CMS default
            if urlsplit(resolved).path in ("", "/") and page_url and urlsplit(page_url).path not in ("", "/"):
                continue
            return resolved
    return resolve_url(page_url, None)


# ---------------------------------------------------------------------------------------------- fields


def language(m: Meta) -> str | None:
    for raw in (m.lang, m.meta.get("og:locale"), m.meta.get("content-language"), m.meta.get("language")):
        if raw:
            found = _LANG.match(raw.strip().split(",")[0].strip())
            if found:
                return found.group(1).lower()
    return None


def site_name(m: Meta, domain: str | None) -> str | None:
    org = m.jsonld.get("_org")
    for raw in (
        m.meta.get("og:site_name"),
        *(names(m.jsonld.get("publisher"))[:1]),
        org if isinstance(org, str) else None,
        m.meta.get("application-name"),
    ):
        name = norm(raw)
        if name and len(name) <= 80:
            return name
    return domain


# case variants rather than translate(): translate() on every element's class cost most of the scan
_BYLINE_XPATH = etree.XPath(
    '//*[@rel="author"]|//*[@itemprop="author"]|//*[contains(@class,"byline") or contains(@class,"Byline") '
    'or contains(@class,"ByLine") or contains(@class,"BYLINE") or contains(@class,"author") '
    'or contains(@class,"Author") or contains(@class,"AUTHOR")]'
)
_BY_PREFIX = re.compile(
    r"^(?:(?:[Ww]ritten|[Pp]osted|[Rr]eported|[Ss]tory)\s*)?(?:[Bb]y|BY|[Aa]uthor|AUTHOR)(?::|\s+|(?=[A-Z])|$)\s*"
)


def byline(m: Meta, root: lxml.html.HtmlElement, kn: HtmlKnowledge) -> str | None:
    found = names(m.jsonld.get("author"))
    if found:
        return ", ".join(dict.fromkeys(found))
    for k in kn.meta_author_keys:
        val = m.meta.get(k)
        if val and not val.startswith(("http", "@")) and len(val) <= 100:
            return val
    return _byline_markup(root)


def _byline_markup(root: lxml.html.HtmlElement) -> str | None:
    """A short author element in the page (rel/itemprop author, byline/author classes)."""
    for el in _BYLINE_XPATH(root)[:20]:
        if el.tag in ("meta", "link", "script", "style", "body", "html", "article"):
            continue
        node = el
        skip = False
        for _ in range(8):  # not in comments or related-story teasers
            node = node.getparent()
            if node is None:
                break
            cls = f"{node.get('class', '')} {node.get('id', '')}".lower()
            if "comment" in cls or "related" in cls:
                skip = True
                break
        if skip:
            continue
        text = _BY_PREFIX.sub("", norm(el.text_content()))
        if text and 1 <= words(text) <= 8 and len(text) <= 80 and not text.startswith("http"):
            return text
    return None


def is_publication(name: str | None, site: str | None, domain: str | None) -> bool:
    """The publication named as author is not a byline."""
    if not name or not domain:
        return False
    return key(name) in {key(site or ""), key(domain), key(domain.split(".")[0])}
