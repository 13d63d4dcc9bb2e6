"""``extract_html``: one HTML page -> its article text and metadata (:class:`HtmlExtract`)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from newsetl.errors import TerminalError
from newsetl.extract.html import body as body_mod
from newsetl.extract.html import forum, metadata, pagekind
from newsetl.extract.html.dates import page_date
from newsetl.extract.html.knowledge import HtmlKnowledge, knowledge
from newsetl.extract.html.parse import parse, precheck, saved_date
from newsetl.extract.html.title import choose_title, section_names
from newsetl.extract.html.util import key, norm, words
from newsetl.reasons import Reason

# trafilatura and htmldate log extraction misses at WARNING/ERROR; they are expected here.
for _name in ("trafilatura", "htmldate", "courlan", "readability", "justext"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)


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
    extractor: str = "trafilatura"  # what gave the text: trafilatura, resiliparse, forum:<family>
    comments: list[str] = field(default_factory=list)  # a thread's later posts (its first post is the text)
    sections: list[str] = field(default_factory=list)  # the page's section names (article:section)


def extract_html(
    html: str, url: str | None = None, *, today: dt.date | None = None, kn: HtmlKnowledge | None = None
) -> HtmlExtract:
    """Extract the article text and metadata from one HTML page.

    Raises ``TerminalError`` with reason ``not_html``, ``no_article`` or ``html_parse_error`` for input
    that is not an article page or that lxml cannot parse. Any other exception is a bug and propagates.
    """
    try:
        return _extract(html, url, today or dt.date.today(), kn or knowledge())
    except RecursionError as err:  # lxml / trafilatura recurse over the tree
        raise TerminalError(Reason.HTML_PARSE_ERROR, "document nested too deeply") from err


def _extract(html: str, url: str | None, today: dt.date, kn: HtmlKnowledge) -> HtmlExtract:
    precheck(html, kn.max_input_chars)
    root = parse(html)
    body = root.find("body")
    if body is None or (len(body) == 0 and not norm(body.text)):
        if pagekind.has_refresh(root):
            raise TerminalError(Reason.NO_ARTICLE, "redirect stub (meta refresh, empty body)")
        raise TerminalError(Reason.NO_ARTICLE, "empty body")

    m = metadata.read_meta(root, kn)
    canonical = metadata.canonical_url(m, url, html)
    domain = metadata.registered_domain(canonical)

    text, extractor = body_mod.main_text(root, html, canonical or url, kn)
    # a page whose JSON-LD declares an article is no thread (and the search costs a scan of the page)
    thread = None if metadata.declares_article(m) else forum.find_thread(root, text, kn.forum_posts, today)
    comments: list[str] = []
    if thread is not None:  # the first post is the article, the later posts its comments
        text, comments = thread.posts[0].text, [p.text for p in thread.posts[1:]]
        extractor = f"forum:{thread.family}"
    n_words = words(text) + sum(words(c) for c in comments)
    if n_words < kn.min_article_words:
        if pagekind.has_refresh(root):
            raise TerminalError(Reason.NO_ARTICLE, f"redirect stub ({n_words} words of text)")
        raise TerminalError(Reason.NO_ARTICLE, f"too little text ({n_words} words < {kn.min_article_words})")
    error = pagekind.error_page(m)
    if error:
        raise TerminalError(Reason.NO_ARTICLE, error)
    if thread is None:
        anchors = pagekind.anchor_keys(root)
        share = pagekind.link_share(anchors, text)
        if share > kn.max_link_share:
            raise TerminalError(Reason.NO_ARTICLE, f"mostly a link list ({share:.0%} of words are link texts)")
        listing = pagekind.listing_reason(body, text, anchors, kn) or pagekind.listing_url(canonical or url, m)
        if listing:
            raise TerminalError(Reason.NO_ARTICLE, listing)

    site = metadata.site_name(m, domain)
    title, title_source = choose_title(root, m, site, domain, canonical or url, kn)
    if kn.strip_title_from_text and title:
        first, sep, rest = text.partition("\n\n")
        if sep and key(first) == key(title):
            text = rest
    byline = metadata.byline(m, root, kn)
    if metadata.is_publication(byline, site, domain):
        byline = None
    first_post = thread.posts[0] if thread is not None else None
    if first_post is not None and first_post.author:
        byline = first_post.author  # the thread's author, not the forum's

    post_date = (first_post.date, first_post.when, "html:post") if first_post and first_post.date else None
    found = page_date(root, html, m, canonical, url, today, saved_date(html), kn, post_date)
    date, published_at, date_source = found if found else (None, None, None)

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
        language=metadata.language(m),
        extractor=extractor,
        comments=comments,
        sections=section_names(m),
    )
