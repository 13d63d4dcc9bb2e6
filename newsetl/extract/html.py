"""HTML article extraction: main text via trafilatura, metadata via our own lxml pass.

One entry point, :func:`extract_html`. The page is parsed once with a hardened lxml HTML parser
(no network, no huge trees, comments and processing instructions dropped, so an HTTrack
"Mirrored from ... <crawl date>" comment can never become the article date); the same tree feeds
our metadata reader, trafilatura (which works on its own copy) and, only when nothing stated a
date, htmldate.

Pages that hold no article (section indexes, feeds saved as .html, saved scripts/stylesheets,
redirect stubs, link lists, too little text) raise ``TerminalError(Reason.NO_ARTICLE, ...)``; input that
is not markup raises ``TerminalError(Reason.NOT_HTML, ...)``; any library failure is wrapped into
``TerminalError(Reason.HTML_PARSE_ERROR, ...)``. Nothing else escapes.
"""

from __future__ import annotations

import datetime as dt
import html as htmllib
import json
import logging
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from newsetl.errors import TerminalError
from newsetl.extract.dates import is_plausible, labelled_dates, parse_date, parse_date_line
from newsetl.reasons import Reason

__all__ = ["MIN_ARTICLE_WORDS", "HtmlExtract", "extract_html"]

# trafilatura and htmldate log extraction misses at WARNING/ERROR; they are expected here.
for _name in ("trafilatura", "htmldate", "courlan", "readability", "justext"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)

MIN_ARTICLE_WORDS = 40
MAX_LINK_SHARE = 0.6  # share of extracted words that are anchor texts of the page -> a link list
MAX_INPUT_CHARS = 20_000_000
STRIP_TITLE_FROM_TEXT = True  # the body does not repeat the headline as its first paragraph
STRIP_SITE_FROM_TITLE = True  # drop a title segment that names the site ("... - Pakistan - DAWN.COM")
HTMLDATE_EXTENSIVE = False  # measured: same agreement on/off on the pk corpus, off is faster

# no network, no huge trees; the libxml2 HTML parser never expands DTD entities
_PARSER = lxml.html.HTMLParser(
    encoding="utf-8",
    remove_comments=True,
    remove_pis=True,
    no_network=True,
    huge_tree=False,
    collect_ids=False,
    default_doctype=False,
)

_WS = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
_TAG = re.compile(
    r"<\s*(?:!doctype|html|head|body|meta|title|div|p|article|span|a|table|br|section|main|h[1-6]|ul|li|img|link|script|rss|feed|\?xml)\b",
    re.I,
)
_FEED_ROOT = re.compile(r"<\s*(?:rss|feed|rdf:RDF)\b", re.I)
_JS_HINT = re.compile(
    r"^\s*(?:/\*|//|\(function|!function|function\s|var\s|let\s|const\s|window\.|document\.|jQuery|\$\(|\"use strict\"|'use strict'|[@.#]?[\w-]+\s*\{|@(?:media|import|charset|font-face))"
)
_SAVED_FROM = re.compile(r"(?:saved from url=\(\d+\)(\S+?)\s*-->|Mirrored from (\S+?) by HTTrack)", re.I)
_HTTRACK_SAVED = re.compile(r"by HTTrack Website Copier/[\w.]+ \[[^\]]*\], \w{3}, (\d{1,2} \w{3} \d{4})")
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?:[/_.-]|$)")
_LANG = re.compile(r"^([a-zA-Z]{2})(?:[-_][a-zA-Z0-9]+)*$")
_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|»|«|‹|›|·|•|/|~)\s+|\s*(?:\||::|»|‹|›)\s*|:\s+")
_NON_ALNUM = re.compile(r"[\W_]+")

_META_DATE_KEYS = (
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "date",
    "dc.date",
    "dc.date.issued",
    "dc.date.created",
    "dcterms.date",
    "dcterms.issued",
    "dcterms.created",
    "sailthru.date",
    "parsely-pub-date",
    "article.published",
    "published-date",
    "original-publish-date",
    "cxenseparse:recs:publishtime",
)
_META_AUTHOR_KEYS = (
    "author",
    "article:author",
    "dc.creator",
    "dcterms.creator",
    "parsely-author",
    "sailthru.author",
    "byl",
    "twitter:creator",
)
_ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "backgroundnewsarticle",
    "reviewnewsarticle",
    "blogposting",
    "socialmediaposting",
    "liveblogposting",
    "report",
    "scholarlyarticle",
    "techarticle",
    "webpage",
}


@dataclass(slots=True)
class HtmlExtract:
    text: str  # main article text, paragraphs separated by "\n\n"
    title: str | None
    title_source: str | None  # "jsonld:name"/"jsonld:headline", "dc:title", "og:title", "twitter:title",
    # "parsely-title", "meta:title", "weibo:title" (Readability's order), "title" (cleaned <title>), "h1"
    date: dt.date | None
    published_at: dt.datetime | None  # aware, UTC, when a time is stated
    date_source: str | None  # "html:jsonld", "html:meta", "html:time", "url", "html:label",
    # "html:date_element" (a labelled / post-date line in the page), "html:text" (htmldate),
    # "html:label_updated" (only an "Updated ..." line stated a date)
    site_name: str | None
    domain: str | None  # registered domain of the canonical URL
    canonical_url: str | None
    byline: str | None
    language: str | None  # ISO 639-1


# --------------------------------------------------------------------------------------------
# small helpers


def _norm(s: str | None) -> str:
    return _WS.sub(" ", s).strip() if s else ""


_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]{2,8});")


def _clean_meta(s: str | None) -> str:
    """Whitespace-normalised metadata text; double-escaped entities (``&#039;``) decoded."""
    s = _norm(s)
    if "&" in s and _ENTITY.search(s):
        s = _norm(htmllib.unescape(s))
    return s


def _key(s: str) -> str:
    """Comparison key: lowercase alphanumerics only."""
    return _NON_ALNUM.sub("", s.lower())


def _words(s: str) -> int:
    return len(_WORD.findall(s))


def _precheck(html: str) -> None:
    """Reject input that is not markup or obviously not an article page, before parsing."""
    if not isinstance(html, str):
        raise TerminalError(Reason.NOT_HTML, f"expected str, got {type(html).__name__}")
    head = html[:4096].lstrip("\ufeff \t\r\n")
    if not head:
        raise TerminalError(Reason.NOT_HTML, "empty document")
    if "\x00" in head:
        raise TerminalError(Reason.NOT_HTML, "binary content (NUL bytes)")
    if len(html) > MAX_INPUT_CHARS:
        raise TerminalError(Reason.NO_ARTICLE, f"document too large ({len(html)} chars)")
    if _FEED_ROOT.search(head[:600]) and not re.search(r"<\s*html\b", head[:600], re.I):
        raise TerminalError(Reason.NO_ARTICLE, "RSS/Atom feed, not an article page")
    if not _TAG.search(html[:65536]):
        if _JS_HINT.match(head):
            raise TerminalError(Reason.NO_ARTICLE, "saved JavaScript/CSS, not an article page")
        raise TerminalError(Reason.NOT_HTML, "no HTML markup found")
    if head[0] != "<" and _JS_HINT.match(head):
        raise TerminalError(Reason.NO_ARTICLE, "saved JavaScript/CSS, not an article page")


def _parse(html: str) -> lxml.html.HtmlElement:
    try:
        root = lxml.html.document_fromstring(html.encode("utf-8", "replace"), parser=_PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as err:
        raise TerminalError(Reason.HTML_PARSE_ERROR, f"lxml could not parse the document: {err}") from err
    if root is None:
        raise TerminalError(Reason.NOT_HTML, "parser returned no document")
    return root


_JSONLD_WRAPPER = re.compile(r"^(?:\s*//)?\s*(?:<!\[CDATA\[|<!--)|(?://\s*)?(?:\]\]>|-->)\s*$")


def _iter_jsonld(root: lxml.html.HtmlElement) -> Iterator[dict[str, Any]]:
    """Every JSON object in ld+json scripts, @graph members and lists flattened (not deeper)."""
    for script in root.xpath('//script[contains(translate(@type,"LDJSON","ldjson"),"ld+json")]'):
        raw = (script.text or "").strip()
        if not raw or len(raw) > 500_000:
            continue
        if raw[0] not in "{[":  # CDATA / HTML-comment wrappers some CMSs add
            raw = _JSONLD_WRAPPER.sub("", raw).strip()
        try:
            data = json.loads(raw)
        except ValueError:
            try:  # common breakage: raw newlines/tabs inside strings
                data = json.loads(_WS.sub(" ", raw))
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


def _types(obj: dict[str, Any]) -> set[str]:
    t = obj.get("@type")
    if isinstance(t, str):
        return {t.lower()}
    if isinstance(t, list):
        return {x.lower() for x in t if isinstance(x, str)}
    return set()


def _names(value: Any) -> list[str]:
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
        name = _clean_meta(name)
        if name and not name.startswith("http") and len(name) <= 100:
            out.append(name)
    return out


@dataclass(slots=True)
class _Meta:
    meta: dict[str, str]
    jsonld: dict[str, Any]
    title_tag: str
    h1s: list[str]
    h2s: list[str]
    titles: dict[str, str]  # title metadata (Readability's keys), the last <meta> of a key wins
    jsonld_title: tuple[str, str] | None  # (title, "jsonld:name"/"jsonld:headline") of the article object
    canonical: str | None
    lang: str | None
    time_values: list[str]
    html_tag_lang: str | None


def _read_meta(root: lxml.html.HtmlElement) -> _Meta:
    meta: dict[str, str] = {}
    titles: dict[str, str] = {}
    for el in root.iter("meta"):
        content = el.get("content")
        if content is None:
            continue
        content = _clean_meta(content)
        if not content:
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            val = el.get(attr)
            if val:
                for k in val.lower().split():  # space-separated properties
                    meta.setdefault(k, content)
        _collect_title_meta(el, content, titles)
    # JSON-LD: keep the first article-like object's fields, plus a publisher name from anywhere
    jsonld: dict[str, Any] = {}
    for obj in _iter_jsonld(root):
        types = _types(obj)
        if types & _ARTICLE_TYPES or "headline" in obj or "datePublished" in obj:
            is_page = types == {"webpage"}
            for field in (
                "headline",
                "name",
                "datePublished",
                "dateCreated",
                "author",
                "publisher",
                "url",
                "articleSection",
            ):
                if field in obj and field not in jsonld and not (is_page and field in ("name",)):
                    jsonld[field] = obj[field]
        elif "organization" in types or "newsmediaorganization" in types:
            jsonld.setdefault("_org", obj.get("name"))
    title_el = root.find(".//title")
    title_tag = _clean_meta(title_el.text_content()) if title_el is not None else ""
    h1s = [t for t in (_norm(h.text_content()) for h in root.iter("h1")) if t][:5]
    h2s = [t for t in (_norm(h.text_content()) for h in root.iter("h2")) if t][:20]
    canonical = None
    for link in root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        if "canonical" in rel and link.get("href"):
            canonical = link.get("href", "").strip()
            break
    lang = root.get("lang") or root.get("xml:lang")
    time_values = _article_times(root)
    return _Meta(
        meta, jsonld, title_tag, h1s, h2s, titles, _jsonld_title(root, title_tag, h1s + h2s),
        canonical, lang, time_values, lang,
    )  # fmt: skip


_BAD_TIME_CONTEXT = re.compile(
    r"comment|related|sidebar|widget|footer|recommend|trending|popular|modif|updat", re.I
)


def _article_times(root: lxml.html.HtmlElement) -> list[str]:
    """datetime values of <time> elements that date the article itself, best first."""
    out: list[str] = []
    for el in root.xpath('//*[@itemprop="datePublished"][@datetime or @content]'):
        out.append(el.get("datetime") or el.get("content") or "")
    scopes = root.xpath("//article|//main|//*[@role='main']") or [root]
    for scope in scopes[:3]:
        for el in scope.iter("time"):
            value = el.get("datetime")
            if not value:
                continue
            bad = False
            node = el
            for _ in range(6):  # the element and a few ancestors
                if node is None:
                    break
                cls = f"{node.get('class', '')} {node.get('id', '')} {node.get('itemprop', '')}"
                if node.tag in ("aside", "nav", "footer") or _BAD_TIME_CONTEXT.search(cls):
                    bad = True
                    break
                node = node.getparent()
            if not bad:
                out.append(value)
        if out:
            break
    return out


# --------------------------------------------------------------------------------------------
# fields


def _resolve_url(value: str | None, base: str | None) -> str | None:
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


def _registered_domain(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return None
    if not host or "." not in host:
        return None
    try:
        from tld import get_fld

        fld = get_fld(host, fix_protocol=True, fail_silently=True)
    except Exception:
        fld = None
    if isinstance(fld, str) and fld:
        return fld
    labels = host.split(".")
    return ".".join(labels[-2:])


def _canonical(m: _Meta, url: str | None, html: str) -> str | None:
    page_url = url
    if not page_url and "rom" in html:
        found = _SAVED_FROM.search(html[:8192]) or _SAVED_FROM.search(html[-8192:])
        if found:
            raw = found.group(1) or found.group(2)
            page_url = raw if "://" in raw else f"http://{raw}"
    for candidate in (m.canonical, m.meta.get("og:url"), m.meta.get("twitter:url")):
        resolved = _resolve_url(candidate, page_url)
        if resolved:
            # a canonical pointing at the site root while the page is deeper is a CMS default
            if urlsplit(resolved).path in ("", "/") and page_url and urlsplit(page_url).path not in ("", "/"):
                continue
            return resolved
    return _resolve_url(page_url, None)


def _language(m: _Meta) -> str | None:
    for raw in (
        m.html_tag_lang,
        m.meta.get("og:locale"),
        m.meta.get("content-language"),
        m.meta.get("language"),
    ):
        if raw:
            found = _LANG.match(raw.strip().split(",")[0].strip())
            if found:
                return found.group(1).lower()
    return None


def _site_name(m: _Meta, domain: str | None) -> str | None:
    for raw in (
        m.meta.get("og:site_name"),
        *(_names(m.jsonld.get("publisher"))[:1]),
        m.jsonld.get("_org") if isinstance(m.jsonld.get("_org"), str) else None,
        m.meta.get("application-name"),
    ):
        name = _norm(raw)
        if name and len(name) <= 80:
            return name
    return domain


def _byline(m: _Meta, root: lxml.html.HtmlElement) -> str | None:
    names = _names(m.jsonld.get("author"))
    if names:
        return ", ".join(dict.fromkeys(names))
    for key in _META_AUTHOR_KEYS:
        val = m.meta.get(key)
        if val and not val.startswith(("http", "@")) and len(val) <= 100:
            return val
    return _byline_markup(root)


_BYLINE_XPATH = (
    '//*[@rel="author"]|//*[@itemprop="author"]|//*[@class and (contains(translate(@class,"BYLINE","byline"),"byline") '
    'or contains(translate(@class,"AUTHOR","author"),"author-name") or contains(translate(@class,"AUTHOR","author"),"author"))]'
)
_BY_PREFIX = re.compile(
    r"^(?:(?:[Ww]ritten|[Pp]osted|[Rr]eported|[Ss]tory)\s*)?(?:[Bb]y|BY|[Aa]uthor|AUTHOR)(?::|\s+|(?=[A-Z])|$)\s*"
)


def _byline_markup(root: lxml.html.HtmlElement) -> str | None:
    """A short author element in the page (rel/itemprop author, byline/author classes)."""
    for el in root.xpath(_BYLINE_XPATH)[:20]:
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
        text = _BY_PREFIX.sub("", _norm(el.text_content()))
        if text and 1 <= _words(text) <= 8 and len(text) <= 80 and not text.startswith("http"):
            return text
    return None


# section names that sit between a headline and the site name ("... | Sports - Geo.tv")
_SECTION_WORDS = frozenset(
    {
        "pakistan",
        "world",
        "national",
        "international",
        "sports",
        "sport",
        "business",
        "newspaper",
        "opinion",
        "editorial",
        "editorials",
        "entertainment",
        "showbiz",
        "lifestyle",
        "health",
        "technology",
        "sci",
        "tech",
        "science",
        "latest",
        "top",
        "stories",
        "news",
        "blogs",
        "blog",
        "columns",
        "column",
        "letters",
        "magazine",
        "politics",
        "economy",
        "markets",
        "weekly",
        "region",
        "regional",
        "local",
        "city",
        "karachi",
        "lahore",
        "islamabad",
        "peshawar",
        "quetta",
        "culture",
        "arts",
        "style",
        "food",
        "travel",
    }
)
_SECTION_PHRASES = frozenset({"topstories", "latestnews", "breakingnews", "scitech", "filmtv"})


def _strip_site(title: str, site_keys: set[str], section_keys: frozenset[str] = frozenset()) -> str:
    """Remove leading/trailing separator-delimited segments naming the site, and the section name
    between the headline and a removed trailing site segment ("... - Pakistan - DAWN.COM")."""
    parts = _SEPARATORS.split(title)
    if len(parts) < 2 or _key(title) in site_keys:  # the title is the site's name (a home page)
        return title
    seps = _SEPARATORS.findall(title)

    def is_site(seg: str) -> bool:
        if not seg.strip():
            return True  # a dangling separator ("Headline | Site |")
        k = _key(seg)
        if not k:
            return False  # punctuation ("»…") belongs to the headline
        return any(k == s or (len(k) >= 4 and (k in s or s in k) and _words(seg) <= 5) for s in site_keys)

    def is_section(seg: str) -> bool:
        k = _key(seg)
        if not k or _words(seg) > 3:
            return False
        if k in section_keys or k in _SECTION_PHRASES:
            return True
        return all(w in _SECTION_WORDS for w in _WORD.findall(seg.lower()))

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
        if _words(rest) >= 3 or len(rest) >= 12:
            hi -= 1
    if (lo, hi) == (0, len(parts)):
        return title
    # rebuild with the original separators
    out = parts[lo]
    for i in range(lo + 1, hi):
        out += seps[i - 1] + parts[i]
    return out.strip()


# ---- title: Mozilla Readability's rule (metadata as stated, else the cleaned <title>), then the site part


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
_TITLE_PROPERTY = re.compile(r"^(?:dc|dcterm|og|twitter|weibo:(?:article|webpage)):title$")
_TITLE_NAME = re.compile(r"^(?:(?:dc|dcterm|og|twitter|parsely|weibo:(?:article|webpage))[-:])?title$")
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
        k = _WS.sub("", name.lower()).replace(".", ":")
        if _TITLE_NAME.match(k):
            titles[k] = content


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


def _jsonld_title(root: lxml.html.HtmlElement, title_tag: str, headings: list[str]) -> tuple[str, str] | None:
    """name/headline of the first schema.org article object (Readability's _getJSONLD)."""
    for script in root.xpath('//script[@type="application/ld+json"]')[:20]:
        raw = (script.text or "").strip()
        if not raw or len(raw) > 500_000:
            continue
        raw = _JSONLD_WRAPPER.sub("", raw).strip()
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
            page = _readability_title(title_tag, headings)
            if _text_similarity(headline, page) > 0.75 and not _text_similarity(name, page) > 0.75:
                return _clean_meta(headline), "jsonld:headline"
            return _clean_meta(name), "jsonld:name"
        if isinstance(name, str):
            return _clean_meta(name), "jsonld:name"
        if isinstance(headline, str):
            return _clean_meta(headline), "jsonld:headline"
        return None  # Readability stops at the first article object
    return None


def _wc(s: str) -> int:
    return len(s.split())


def _readability_title(orig: str, headings: list[str], n_h1: int = 0, h1: str = "") -> str:
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
    cur = _norm(cur)
    n = _wc(cur)
    if n <= 4 and (not hier or n != _wc(_TITLE_SEP_CHARS.sub("", orig)) - 1):
        cur = orig
    return cur


def _site_keys(m: _Meta, site: str | None, domain: str | None) -> set[str]:
    keys = {k for k in (_key(site or ""), _key(domain or "")) if k}
    if domain:
        keys.add(_key(domain.split(".")[0]))
    keys.update(_key(p) for p in _names(m.jsonld.get("publisher")) if _key(p))
    return keys


def _section_keys(m: _Meta) -> frozenset[str]:
    raw = [m.meta.get("article:section"), m.meta.get("section"), m.jsonld.get("articleSection")]
    out: set[str] = set()
    for value in raw:
        for v in value if isinstance(value, list) else [value]:
            if isinstance(v, str) and _key(v):
                out.add(_key(v))
    return frozenset(out)


def _title(m: _Meta, site: str | None, domain: str | None) -> tuple[str | None, str | None]:
    """The headline: Readability's choice, minus a leading/trailing segment naming the site."""
    found: tuple[str, str] | None = m.jsonld_title if m.jsonld_title and m.jsonld_title[0] else None
    if found is None:
        for key, source in _TITLE_META_ORDER:
            value = m.titles.get(key)
            if value:
                found = value, source
                break
    site_keys = _site_keys(m, site, domain)
    if found is None and m.title_tag:
        # a site part we recognise is cut exactly; only an unrecognised one is left to Readability's guess
        stripped = _strip_site(m.title_tag, site_keys, _section_keys(m)) if STRIP_SITE_FROM_TITLE else ""
        if stripped and stripped != m.title_tag:
            found = stripped, "title"
        else:
            headings = m.h1s + m.h2s
            found = _readability_title(m.title_tag, headings, len(m.h1s), m.h1s[0] if m.h1s else ""), "title"
    if found is None:
        return (m.h1s[0], "h1") if m.h1s else (None, None)
    title, source = found
    if STRIP_SITE_FROM_TITLE:
        title = _strip_site(title, site_keys, _section_keys(m)) or title
    if source == "title":
        # the visible headline when it is the <title> without its site part
        tk = _key(title)
        for h in m.h1s:
            if tk and _key(h) == tk:
                return h, "h1"
    return title, source


def _date(
    m: _Meta, canonical: str | None, url: str | None, today: dt.date
) -> tuple[dt.date, dt.datetime | None, str] | None:
    def attempt(value: Any) -> tuple[dt.date, dt.datetime | None] | None:
        if not isinstance(value, str) or not value.strip() or len(value) > 80:
            return None
        try:
            return parse_date(value, today=today)
        except Exception:
            return None

    for field in ("datePublished", "dateCreated"):
        got = attempt(m.jsonld.get(field))
        if got:
            return got[0], got[1], "html:jsonld"
    for key in _META_DATE_KEYS:
        got = attempt(m.meta.get(key))
        if got:
            return got[0], got[1], "html:meta"
    for value in m.time_values[:3]:
        got = attempt(value)
        if got:
            return got[0], got[1], "html:time"
    for u in (canonical, url):
        if u:
            found = _URL_DATE.search(urlsplit(u).path)
            if found:
                try:
                    d = dt.date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
                except ValueError:
                    continue
                if is_plausible(d, today):
                    return d, None, "url"
    return None


# text nodes that may hold a labelled date (dates.labelled_dates matches the label itself); plain
# contains() keeps the scan in libxml2: translate() for case folding cost 69 ms/page, an EXSLT regex 28 ms
_LABEL_TEXT_XPATH = etree.XPath(
    "//body//text()[contains(., 'ublish') or contains(., 'UBLISH') or contains(., 'osted') or "
    "contains(., 'OSTED') or contains(., 'pdat') or contains(., 'PDAT') or contains(., 'odified') or "
    "contains(., 'ODIFIED') or contains(., 'dited') or contains(., 'DITED') or contains(., 'ssue') or "
    "contains(., 'SSUE') or contains(., 'dition') or contains(., 'DITION') or contains(., 'date') or "
    "contains(., 'Date') or contains(., 'DATE')]"
)
# candidates for an element holding the article's own visible date; _DATE_CLASS decides
_DATE_ELEMENT_XPATH = etree.XPath(
    "//body//*[contains(@class, 'date') or contains(@class, 'time') or contains(@class, 'Date') "
    "or contains(@class, 'posted') or contains(@id, 'date') or contains(@id, 'time')]"
)
_DATE_CLASS = re.compile(
    r"(?:post|entry|article|story|news|publish(?:ed)?)[-_]?(?:date|time|on)|pub-?date|date[-_]?(?:published|posted)"
    r"|posted[-_]on",
    re.I,
)
_NOT_ARTICLE_CONTEXT = re.compile(
    r"comment|related|sidebar|widget|footer|recommend|trending|popular|more-?stories|latest|also-?read", re.I
)
_UPDATED_CLASS = re.compile(r"updat|modif", re.I)
_NON_TEXT_TAGS = frozenset({"script", "style", "noscript", "template", "textarea", "option", "title"})


_ARTICLE_CONTAINER = re.compile(
    r"(?:^|\s)(?:post|entry|article|story)[-_]?(?:detail|details|content|body|wrapper|header|meta|info|date|time)"
    r"(?:[-_][a-z]+)*\d*(?:\s|$)",
    re.I,
)


def _in_article_context(el: Any) -> bool:
    """Not inside navigation, asides, footers, comments or related-story lists; climbing stops at the
    article's own container (``<article>``, "post_detail", "entry-content"): some themes wrap the whole
    main column in a "sidebar_content" box."""
    node = el
    for _ in range(10):
        if node is None:
            return True
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in ("aside", "nav", "footer") or tag in _NON_TEXT_TAGS:
            return False
        attrs = f"{node.get('class', '')} {node.get('id', '')}"
        if _NOT_ARTICLE_CONTEXT.search(attrs):
            return False
        if tag == "article" or _ARTICLE_CONTAINER.search(attrs):
            return True
        node = node.getparent()
    return True


_Dated = tuple[dt.date, dt.datetime | None, str]


def _text_date(
    root: lxml.html.HtmlElement, today: dt.date, saved: dt.date | None
) -> tuple[_Dated | None, _Dated | None]:
    """A date line the page shows for the article when its metadata states none.

    In document order: a labelled published date ("Published: ...", "Posted on ...", "TFT Issue: ...")
    or an element classed as the post's date ("post-date-time", "entry-date"). An "Updated"/"Modified"
    date is never preferred to a published one: it bounds it and is returned apart (second item) as the
    last resort. A bare "Date:" label is taken only when it is not the HTTrack save date (a site
    header's "today").
    """
    found: list[tuple[int, str, dt.date, dt.datetime | None]] = []  # (order, kind, date, when)
    seen: set[Any] = set()
    for text in _LABEL_TEXT_XPATH(root)[:200]:
        parent = text.getparent()
        el = parent.getparent() if getattr(text, "is_tail", False) and parent is not None else parent
        if el is None or el in seen or not _in_article_context(parent):
            continue
        line = _norm(str(text))
        if len(line) > 120:  # a sentence of the story ("published on 5 May, the report ..."): no date line
            continue
        hits = labelled_dates(line)
        node = el
        for _ in range(2):  # label and date in sibling nodes ("<p><b>Published:</b> <span>4 Dec 2015")
            if hits or node is None or node in seen:
                break
            seen.add(node)
            content = _norm(node.text_content())
            if len(content) > 200:
                break
            hits = labelled_dates(content)
            el = node
            node = node.getparent()
        found.extend((el.sourceline or 0, kind, d, when) for kind, d, when in hits)
    for el in _DATE_ELEMENT_XPATH(root)[:200]:
        if not _DATE_CLASS.search(f"{el.get('class', '')} {el.get('id', '')}"):
            continue
        content = _norm(el.text_content())
        if not content or len(content) > 80 or not _in_article_context(el):
            continue
        got = parse_date_line(content)
        if got is None:
            continue
        kind = "updated" if _UPDATED_CLASS.search(f"{el.get('class', '')} {el.get('id', '')}") else "element"
        found.append((el.sourceline or 0, kind, got[0], got[1]))
    if not found:
        return None, None
    found.sort(key=lambda f: f[0])  # document order (stable: a node's labels keep their order)
    upper = today
    updated = [(d, when) for _, kind, d, when in found if kind == "updated" and is_plausible(d, today)]
    first_update: _Dated | None = None
    if updated:
        d_up, when_up = min(updated, key=lambda u: u[0])
        first_update = d_up, when_up, "html:label_updated"
        upper = min(upper, d_up)  # published on or before the first stated update
    for _, kind, d, when in found:
        if kind in ("published", "element") and is_plausible(d, upper):
            return (d, when, "html:label" if kind == "published" else "html:date_element"), first_update
    for _, kind, d, when in found:
        if kind == "date" and is_plausible(d, upper) and not (saved and abs((saved - d).days) <= 1):
            return (d, when, "html:label"), first_update
    return None, first_update


def _saved_date(html: str) -> dt.date | None:
    """The save date an HTTrack mirror stamps into the page (a comment, gone from the parsed tree)."""
    if "HTTrack" not in html[:4096]:
        return None
    found = _HTTRACK_SAVED.search(html[:4096])
    if not found:
        return None
    try:
        return dt.datetime.strptime(found.group(1), "%d %b %Y").date()
    except ValueError:
        return None


def _htmldate(
    root: lxml.html.HtmlElement, canonical: str | None, today: dt.date, extensive: bool
) -> dt.date | None:
    try:
        from htmldate import find_date

        found = find_date(
            root,
            extensive_search=extensive,
            original_date=True,
            url=canonical,
            max_date=today.isoformat(),
        )
    except Exception:
        return None
    if not found:
        return None
    try:
        d = dt.date.fromisoformat(found)
    except ValueError:
        return None
    return d if is_plausible(d, today) else None


# --------------------------------------------------------------------------------------------
# body


_BLOCK_SPLIT = re.compile(r"\n+")


def _body_text(document: Any) -> str:
    text = getattr(document, "text", None) or ""
    paras = (_norm(p) for p in _BLOCK_SPLIT.split(text))
    return "\n\n".join(p for p in paras if p)


def _anchor_keys(root: lxml.html.HtmlElement) -> set[str]:
    anchors = {_norm(a.text_content()).lower() for a in root.iter("a")}
    anchors.discard("")
    return anchors


def _link_share(anchors: set[str], text: str) -> float:
    """Share of the text's words that sit in paragraphs equal to an anchor text of the page."""
    if not anchors:
        return 0.0
    total = linked = 0
    for para in text.split("\n\n"):
        n = _words(para)
        total += n
        if para.lower() in anchors:
            linked += n
    return linked / total if total else 0.0


_TEASER_END = re.compile(r"(?:\.\.\.|…|\[…\]|\[\.\.\.\]|\[&hellip;\])\s*$")
_LISTING_BODY_CLASSES = {
    "archive",
    "category",
    "paged",
    "search",
    "search-results",
    "tag",
    "blog",
    "home",
    "date",
}
_SINGLE_BODY_CLASSES = {"single", "single-post", "singular", "page-template", "postid", "attachment"}


def _listing_reason(body: lxml.html.HtmlElement, text: str, anchors: set[str]) -> str | None:
    """Why the page is a section index / archive listing of teasers, or None."""
    # CMS body classes (WordPress body_class() and its imitators): archive/category/paged pages
    classes = set((body.get("class") or "").lower().split())
    if (
        classes & _LISTING_BODY_CLASSES
        and not classes & _SINGLE_BODY_CLASSES
        and not any(c.startswith("postid-") for c in classes)
    ):
        found = sorted(classes & _LISTING_BODY_CLASSES)
        return f"section index (page marked as {'/'.join(found)})"
    paras = text.split("\n\n")
    long_paras = [p for p in paras if _words(p) >= 12]
    teasers = sum(1 for p in long_paras if _TEASER_END.search(p))
    if teasers >= 3 and 2 * teasers >= len(long_paras):
        return f"section index ({teasers} of {len(long_paras)} paragraphs are truncated teasers)"
    short = Counter(p.lower() for p in paras if _words(p) <= 4 and p.lower() in anchors)
    repeated = [p for p, n in short.items() if n >= 3]
    if repeated and sum(short[p] for p in repeated) >= max(3, len(long_paras) // 2):
        return f"section index (repeated {repeated[0]!r} links)"
    return None


_ERROR_TITLE = re.compile(
    r"^(?:error\s*)?(?:404|410|500)\b|\b(?:page|article|content)\s+(?:was\s+)?not\s+found\b|\bpage\s+(?:does\s+not|doesn.t)\s+exist",
    re.I,
)
_LISTING_PATH = re.compile(
    r"/(?:category|categories|tag|tags|topic|topics|section|sections|archives?|author)(?:/|\.html?$|$)", re.I
)


def _error_page(m: _Meta) -> str | None:
    for text in (m.title_tag, m.meta.get("og:title"), m.h1s[0] if m.h1s else None):
        if text and len(text) <= 120 and _ERROR_TITLE.search(text):
            return f"error page ({text[:60]!r})"
    return None


def _listing_url(url: str | None, m: _Meta) -> str | None:
    """A category/tag/archive URL without any article-level date metadata."""
    if not url:
        return None
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    if not _LISTING_PATH.search(path):
        return None
    if m.jsonld.get("datePublished") or any(
        k in m.meta for k in ("article:published_time", "og:published_time")
    ):
        return None
    return f"section index (URL {path[:60]!r})"


_PRUNE_HIDDEN = [
    "//*[@hidden]",
    "//*[contains(translate(@style,' ',''),'display:none')]",
    "//*[contains(translate(@style,' ',''),'visibility:hidden')]",
]


def _main_text(root: lxml.html.HtmlElement, url: str | None) -> str:
    import trafilatura

    document = trafilatura.bare_extraction(
        root,
        url=url,
        favor_recall=True,
        include_comments=False,
        include_tables=True,
        with_metadata=False,
        prune_xpath=_PRUNE_HIDDEN,
    )
    return _body_text(document) if document is not None else ""


# --------------------------------------------------------------------------------------------


def extract_html(html: str, url: str | None = None, *, today: dt.date | None = None) -> HtmlExtract:
    """Extract the article text and metadata from one HTML page.

    Raises ``TerminalError`` with reason ``not_html``, ``no_article`` or ``html_parse_error``;
    never any other exception.
    """
    try:
        return _extract(html, url, today or dt.date.today())
    except TerminalError:
        raise
    except RecursionError as err:
        raise TerminalError(Reason.HTML_PARSE_ERROR, "document nested too deeply") from err
    except Exception as err:  # library failure on odd input: quarantine, never crash the batch
        raise TerminalError(Reason.HTML_PARSE_ERROR, f"{type(err).__name__}: {err}"[:500]) from err


def _extract(html: str, url: str | None, today: dt.date) -> HtmlExtract:
    _precheck(html)
    root = _parse(html)
    body = root.find("body")
    if body is None or (len(body) == 0 and not _norm(body.text)):
        if root.xpath('//meta[translate(@http-equiv,"REFSH","refsh")="refresh"]'):
            raise TerminalError(Reason.NO_ARTICLE, "redirect stub (meta refresh, empty body)")
        raise TerminalError(Reason.NO_ARTICLE, "empty body")

    m = _read_meta(root)
    canonical = _canonical(m, url, html)
    domain = _registered_domain(canonical)

    text = _main_text(root, canonical or url)
    n_words = _words(text)
    if n_words < MIN_ARTICLE_WORDS:
        if root.xpath('//meta[translate(@http-equiv,"REFSH","refsh")="refresh"]'):
            raise TerminalError(Reason.NO_ARTICLE, f"redirect stub ({n_words} words of text)")
        raise TerminalError(Reason.NO_ARTICLE, f"too little text ({n_words} words < {MIN_ARTICLE_WORDS})")
    anchors = _anchor_keys(root)
    share = _link_share(anchors, text)
    if share > MAX_LINK_SHARE:
        raise TerminalError(Reason.NO_ARTICLE, f"mostly a link list ({share:.0%} of words are link texts)")
    error = _error_page(m)
    if error:
        raise TerminalError(Reason.NO_ARTICLE, error)
    listing = _listing_reason(body, text, anchors) or _listing_url(canonical or url, m)
    if listing:
        raise TerminalError(Reason.NO_ARTICLE, listing)

    site = _site_name(m, domain)
    title, title_source = _title(m, site, domain)
    if STRIP_TITLE_FROM_TEXT and title:
        first, sep, rest = text.partition("\n\n")
        if sep and _key(first) == _key(title):
            text = rest
    byline = _byline(m, root)
    if byline and domain and _key(byline) in {_key(site or ""), _key(domain), _key(domain.split(".")[0])}:
        byline = None  # the publication named as author is not a byline
    language = _language(m)

    date: dt.date | None = None
    published_at: dt.datetime | None = None
    date_source: str | None = None
    saved = _saved_date(html)
    if saved and saved < today:
        today = saved  # nothing on a saved page was published after it was saved
    found = _date(m, canonical, url, today)
    updated: _Dated | None = None
    if found is None:
        found, updated = _text_date(root, today, saved)
    if found:
        date, published_at, date_source = found
    else:
        d = _htmldate(root, canonical or url, updated[0] if updated else today, extensive=HTMLDATE_EXTENSIVE)
        # a bare text date equal to the save date is the site header's "today", not the article's
        if d and not (saved and abs((saved - d).days) <= 1):
            date, date_source = d, "html:text"
        elif updated:  # only an "Updated ..." line: the best stated date there is, marked as such
            date, published_at, date_source = updated

    return HtmlExtract(
        text=text,
        title=title,
        title_source=title_source,
        date=date,
        published_at=published_at,
        date_source=date_source,
        site_name=site,
        domain=domain,
        canonical_url=canonical,
        byline=byline,
        language=language,
    )
