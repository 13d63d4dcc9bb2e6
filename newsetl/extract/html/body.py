"""The article's main text, paragraphs separated by blank lines, and the extractor that gave it.

Measured on the dev pages (``bench/eval_html.py``, ``bench/RESULTS.md``), one extractor is not best
everywhere, so the choice is made per page:

1. trafilatura in its fast recall mode (no fallback extractors): the cheapest of its modes and, once
   checked as below, as good as its default (which runs two fallback extractors on every page);
2. when that text is shorter than ``checked_below_words``, resiliparse's main-content text (about
   2 ms) measures how much article text the page holds: when trafilatura's text is under
   ``fallback_share`` of it, trafilatura missed the main block (it kept an intro, a sidebar or a table of
   contents) and resiliparse's text is the body. (A longer trafilatura text is its main block: where
   resiliparse has three times more, the rest is mostly a comment thread.) Paragraphs of the page's
   comment containers are not counted, nor kept.

The winner's name (``trafilatura`` or ``resiliparse``) is the ``extractor`` column.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from newsetl.extract.html.knowledge import HtmlKnowledge
from newsetl.extract.html.util import norm, words

_BLOCK_SPLIT = re.compile(r"\n+")
_HIDDEN = etree.XPath(
    "//body//*[@hidden or (@style and (contains(@style,'display:none') or contains(@style,'display: none') "
    "or contains(@style,'visibility:hidden') or contains(@style,'visibility: hidden')))]"
)
_MARK = "data-newsetl-hidden"
_PRUNE = [f"//*[@{_MARK}]"]
_TEXT_NODES = etree.XPath(
    ".//text()[not(ancestor::script or ancestor::style or ancestor::noscript or ancestor::template)]"
)


def body_text(text: str | None) -> str:
    """Lines to paragraphs: whitespace collapsed, blank lines between, empty lines dropped."""
    paras = (norm(p) for p in _BLOCK_SPLIT.split(text or ""))
    return "\n\n".join(p for p in paras if p)


def _text_len(el: lxml.html.HtmlElement) -> int:
    """Characters of text an element shows (scripts and styles not counted)."""
    return sum(len(t.strip()) for t in _TEXT_NODES(el))


def mark_hidden(root: lxml.html.HtmlElement, max_share: float) -> None:
    """Mark hidden elements (menus, modals, templates) for trafilatura to prune, except one holding more
    than ``max_share`` of the page's text: some pages ship the article hidden until a script shows it."""
    hidden = _HIDDEN(root)
    body = root.find("body")
    if not hidden or body is None:
        return
    raw_total = len(body.text_content())
    total: int | None = None
    for el in hidden:
        raw = len(el.text_content())
        if raw > 2000 or raw > max_share * raw_total:  # big enough to matter: measure without scripts
            if total is None:
                total = _text_len(body) or 1
            if _text_len(el) > max_share * total:
                continue
        el.set(_MARK, "1")


def _trafilatura(root: lxml.html.HtmlElement, url: str | None, *, fast: bool, favor_recall: bool) -> str:
    import trafilatura

    document = trafilatura.bare_extraction(
        root,
        url=url,
        fast=fast,
        favor_recall=favor_recall,
        include_comments=False,
        include_tables=True,
        with_metadata=False,
        prune_xpath=_PRUNE,
    )
    return body_text(getattr(document, "text", None)) if document is not None else ""


def _resiliparse(html: str) -> str:
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.html import HTMLTree

    tree = HTMLTree.parse(html)
    return body_text(
        extract_plain_text(
            tree, main_content=True, list_bullets=True, alt_texts=False, links=False, form_fields=False,
            noscript=False,
        )
    )


# readers' comment sections (WordPress "comments"/"comment-list"/#respond, Disqus): trafilatura leaves them
# out, resiliparse's main content does not always
_COMMENTS = etree.XPath(
    "//body//*[starts-with(@id,'comment') or starts-with(@id,'Comment') or starts-with(@class,'comment') "
    "or starts-with(@class,'Comment') or contains(@class,' comment') or @id='respond' "
    "or starts-with(@id,'disqus')][not(self::article or self::main)]"
)


def _comment_text(root: lxml.html.HtmlElement) -> str:
    """The text of the page's comment containers (outermost only), whitespace-normalised."""
    found = _COMMENTS(root)
    if not found:
        return ""
    inside = set(found)
    outer = [el for el in found if not any(a in inside for a in el.iterancestors())]
    return norm(" ".join(el.text_content() for el in outer))


def main_text(root: lxml.html.HtmlElement, html: str, url: str | None, kn: HtmlKnowledge) -> tuple[str, str]:
    """(text, extractor): see the module docstring."""
    mark_hidden(root, kn.max_hidden_share)
    text = _trafilatura(root, url, fast=True, favor_recall=True)
    if words(text) >= kn.checked_below_words:
        return text, "trafilatura"
    yardstick = _resiliparse(html)
    if words(text) >= kn.fallback_share * words(yardstick):
        return text, "trafilatura"
    comments = _comment_text(root)
    if comments:  # the yardstick measures the article, not its comment thread
        yardstick = "\n\n".join(p for p in yardstick.split("\n\n") if p not in comments)
        if words(text) >= kn.fallback_share * words(yardstick):
            return text, "trafilatura"
    return yardstick, "resiliparse"
