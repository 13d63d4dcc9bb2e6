"""Reject what is not an article page before parsing, then parse once with a hardened lxml parser.

The parser never touches the network, refuses huge trees, never expands DTD entities and drops comments
and processing instructions (so an HTTrack "Mirrored from ... <crawl date>" comment can never become the
article date; :func:`saved_date` reads that date from the raw markup on purpose).
"""

from __future__ import annotations

import datetime as dt
import re

import lxml.html
from lxml import etree

from newsetl.errors import TerminalError
from newsetl.reasons import Reason

_PARSER = lxml.html.HTMLParser(
    encoding="utf-8",
    remove_comments=True,
    remove_pis=True,
    no_network=True,
    huge_tree=False,
    collect_ids=False,
    default_doctype=False,
)

_TAG = re.compile(
    r"<\s*(?:!doctype|html|head|body|meta|title|div|p|article|span|a|table|br|section|main|h[1-6]|ul|li|img|link|script|rss|feed|\?xml)\b",
    re.I,
)
_FEED_ROOT = re.compile(r"<\s*(?:rss|feed|rdf:RDF)\b", re.I)
_JS_HINT = re.compile(
    r"^\s*(?:/\*|//|\(function|!function|function\s|var\s|let\s|const\s|window\.|document\.|jQuery|\$\(|\"use strict\"|'use strict'|[@.#]?[\w-]+\s*\{|@(?:media|import|charset|font-face))"
)
SAVED_FROM = re.compile(r"(?:saved from url=\(\d+\)(\S+?)\s*-->|Mirrored from (\S+?) by HTTrack)", re.I)
_HTTRACK_SAVED = re.compile(r"by HTTrack Website Copier/[\w.]+ \[[^\]]*\], \w{3}, (\d{1,2} \w{3} \d{4})")


def precheck(html: str, max_chars: int) -> None:
    """Reject input that is not markup or obviously not an article page, before parsing."""
    if not isinstance(html, str):
        raise TerminalError(Reason.NOT_HTML, f"expected str, got {type(html).__name__}")
    head = html[:4096].lstrip("\ufeff \t\r\n")
    if not head:
        raise TerminalError(Reason.NOT_HTML, "empty document")
    if "\x00" in head:
        raise TerminalError(Reason.NOT_HTML, "binary content (NUL bytes)")
    if len(html) > max_chars:
        raise TerminalError(Reason.NO_ARTICLE, f"document too large ({len(html)} chars)")
    if _FEED_ROOT.search(head[:600]) and not re.search(r"<\s*html\b", head[:600], re.I):
        raise TerminalError(Reason.NO_ARTICLE, "RSS/Atom feed, not an article page")
    if not _TAG.search(html[:65536]):
        if _JS_HINT.match(head):
            raise TerminalError(Reason.NO_ARTICLE, "saved JavaScript/CSS, not an article page")
        raise TerminalError(Reason.NOT_HTML, "no HTML markup found")
    if head[0] != "<" and _JS_HINT.match(head):
        raise TerminalError(Reason.NO_ARTICLE, "saved JavaScript/CSS, not an article page")


def parse(html: str) -> lxml.html.HtmlElement:
    """The document tree; lxml's own failures become ``TerminalError("html_parse_error")``."""
    try:
        root = lxml.html.document_fromstring(html.encode("utf-8", "replace"), parser=_PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as err:
        raise TerminalError(Reason.HTML_PARSE_ERROR, f"lxml could not parse the document: {err}") from err
    if root is None:
        raise TerminalError(Reason.NOT_HTML, "parser returned no document")
    return root


def saved_date(html: str) -> dt.date | None:
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


def saved_url(html: str) -> str | None:
    """The URL a browser ("saved from url=") or HTTrack ("Mirrored from") noted in the saved page."""
    if "rom" not in html:
        return None
    found = SAVED_FROM.search(html[:8192]) or SAVED_FROM.search(html[-8192:])
    if not found:
        return None
    raw = found.group(1) or found.group(2)
    return raw if "://" in raw else f"http://{raw}"
