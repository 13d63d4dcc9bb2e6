"""Forum threads: the first post is the article, the later posts are its comments.

A thread is found by the markup of the forum software that rendered it (``forum_posts`` in
``config/html.yaml``: one XPath per family — Discourse, XenForo, vBulletin, phpBB, Invision, ...,
schema.org microdata — selecting every post's text element). It is taken as a thread only when

- at least two posts are found (a lone post is just the article: the main-text extractor handles it),
- and the first post starts the page's main text (one of its first five paragraphs of five words or
  more is in it; the thread title, the poster's name and panel come before the post):
  on a news page whose reader comments carry the same microdata, the main text starts with the
  article, not with a comment.

Each post's text is its block elements as paragraphs; its author and date come from the post's own
container (the largest ancestor holding no other post).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import lxml.html
from lxml import etree

from newsetl.extract.dates import is_plausible, parse_date
from newsetl.extract.html.knowledge import ForumFamily
from newsetl.extract.html.util import key, norm, words

_BLOCKS = frozenset({
    "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "tr", "section", "article", "header", "footer", "figure", "figcaption", "details", "summary",
    "aside", "hr",
})  # fmt: skip
_SKIP = frozenset({"script", "style", "noscript", "template", "button", "svg", "form", "select", "textarea"})
_NEWLINES = re.compile(r"\n+")
_DATE_XPATH = etree.XPath(
    ".//time/@datetime | .//*[@itemprop='datePublished' or @itemprop='dateCreated']/@content"
    " | .//*[@itemprop='datePublished' or @itemprop='dateCreated']/@datetime | .//@data-time"
    " | .//@data-timestamp | .//*[contains(@class,'relativetime')]/@title"
)
_AUTHOR_XPATH = etree.XPath(
    ".//*[@itemprop='author']//*[@itemprop='name'] | .//*[@itemprop='author'][not(*)]"
    " | .//*[contains(@class,'username')] | .//*[contains(@class,'author')]"
)


_MARKS = etree.XPath(
    "//body//@class | //body//@id | //body//@itemtype | //body//@component | //body//@data-role | //body//@slot",
    smart_strings=False,
)


@dataclass(slots=True)
class Post:
    text: str  # paragraphs separated by blank lines
    author: str | None
    date: dt.date | None
    when: dt.datetime | None


@dataclass(slots=True)
class Thread:
    family: str  # which forum_posts entry found it
    posts: list[Post]


@lru_cache(maxsize=64)
def _compiled(xpath: str) -> etree.XPath:
    return etree.XPath(xpath)


def element_text(el: Any) -> str:
    """An element's text as paragraphs: block elements and <br> break lines, scripts and forms are
    skipped (iterative: a deep tree does not recurse)."""
    parts: list[str] = []
    skipping = 0
    for event, node in etree.iterwalk(el, events=("start", "end")):
        tag = node.tag if isinstance(node.tag, str) else ""
        if event == "start":
            if tag in _SKIP or not tag:
                skipping += 1
                continue
            if skipping:
                continue
            if tag in _BLOCKS or tag == "br":
                parts.append("\n")
            if node.text:
                parts.append(node.text)
        else:
            if tag in _SKIP or not tag:
                skipping -= 1
            elif not skipping and tag in _BLOCKS:
                parts.append("\n")
            if not skipping and node is not el and node.tail:
                parts.append(node.tail)
    paras = (norm(p) for p in _NEWLINES.split("".join(parts)))
    return "\n\n".join(p for p in paras if p)


def _outermost(found: list[Any]) -> list[Any]:
    inside = set(found)
    return [el for el in found if not any(a in inside for a in el.iterancestors())]


def _containers(bodies: list[Any]) -> list[Any]:
    """For each post's text element, the largest ancestor that holds no other post."""
    count: dict[Any, int] = {}
    for b in bodies:
        for a in b.iterancestors():
            count[a] = count.get(a, 0) + 1
    out = []
    for b in bodies:
        node = b
        for a in b.iterancestors():
            if count[a] > 1:
                break
            node = a
        out.append(node)
    return out


# what sits beside a post and dates something else: the poster's pane (an <aside>, "Joined ...", the
# profile box, the signature) and the page's side column ("community created ...")
_NOT_POST_DATE = re.compile(
    r"join|regdate|registered|member-?since|user-?(?:extras|stats)|profile|(?<!post-)signature"
    r"|(?:^|[\s_-])side(?:bar)?(?:$|[\s_-])",
    re.I,
)


def _about_the_poster(el: Any, container: Any) -> bool:
    """The date element sits in the poster's pane or the side column, not in the post's own header."""
    node = el
    for _ in range(8):
        if node is None or node is container:  # the post's own box ("post has-profile") is the post
            return False
        if node.tag in ("aside", "nav") or _NOT_POST_DATE.search(f"{node.get('class', '')} {node.get('id', '')}"):
            return True
        node = node.getparent()
    return False


def _post_date(container: Any, today: dt.date) -> tuple[dt.date | None, dt.datetime | None]:
    """The earliest date the post's container states: its posting date comes before an "edited" one."""
    found: list[tuple[dt.date, dt.datetime | None]] = []
    for raw in _DATE_XPATH(container)[:12]:
        if _about_the_poster(raw.getparent(), container):
            continue
        value = str(raw).strip()
        if not value or len(value) > 40:
            continue
        try:
            got = parse_date(value, today=today, fallback=False)
        except (ValueError, OverflowError):
            got = None
        if got and is_plausible(got[0], today):
            found.append(got)
    return min(found, key=lambda g: g[0]) if found else (None, None)


def _post_author(container: Any) -> str | None:
    stated = container.get("data-author")
    if stated and 1 <= words(stated) <= 6:
        return norm(stated)
    for el in _AUTHOR_XPATH(container)[:4]:
        name = norm(el.text_content())
        if name and 1 <= words(name) <= 5 and len(name) <= 60:
            return name
    return None


def find_thread(
    root: lxml.html.HtmlElement, main_text: str, families: dict[str, ForumFamily], today: dt.date
) -> Thread | None:
    """The page's thread (see the module docstring), or None."""
    lead = [key(p) for p in main_text.split("\n\n") if words(p) >= 5][:5]
    marks = " ".join(_MARKS(root))  # the page's class/id/... values: far shorter than its markup
    for family, spec in families.items():
        if not any(h in marks for h in spec.hints):
            continue
        bodies = _outermost(_compiled(spec.xpath)(root))
        if len(bodies) < 2:
            continue
        first = key(element_text(bodies[0]))
        if not first or not any(p and p in first for p in lead):
            continue  # the main text does not start with the first post: comments under an article
        texts = [element_text(b) for b in bodies]
        posts = []
        seen: set[str] = set()
        for text, box in zip(texts, _containers(bodies), strict=True):
            if not text or key(text) in seen:  # a post rendered twice (app and crawler views)
                continue
            seen.add(key(text))
            d, when = _post_date(box, today)
            posts.append(Post(text, _post_author(box), d, when))
        if len(posts) >= 2:
            return Thread(family, posts)
    return None
