"""The publication date of an HTML page, with the source it came from.

Sources: the page's structured data (JSON-LD, <meta>, <time> of the article), the URL, a date line the
page shows (a labelled "Published: ..." line or the post's date element) and htmldate's heuristics.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

from newsetl.extract.dates import is_plausible, labelled_dates, parse_date, parse_date_line
from newsetl.extract.html.knowledge import HtmlKnowledge
from newsetl.extract.html.metadata import ARTICLE_TYPES, Meta
from newsetl.extract.html.util import norm

Dated = tuple[dt.date, dt.datetime | None, str]

# /2018/08/14/, /2018/8/14/ or a slug starting 2018-08-14 (a dashed date needs two-digit month and day:
# "/t/2024-4-4-to-2024-5-0-upgrade" is a version number)
_URL_DATE = re.compile(
    r"/((?:19|20)\d{2})(?:/(0?[1-9]|1[0-2])/(0?[1-9]|[12]\d|3[01])|-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]))(?:[/_.-]|$)"
)
_BAD_TIME_CONTEXT = re.compile(
    r"comment|related|(?<!with-)(?<!with)(?<!has-)sidebar|widget|footer|recommend|trending|popular|modif|updat"
    r"|recent|more-?stories",
    re.I,
)


def _dates_something_else(el: Any) -> bool:
    """The element or one of its near ancestors is a comment, a related / recent-stories list, a
    sidebar or an "Updated" stamp; an embedded post (Instagram / X blockquote) dates the post."""
    node = el
    for _ in range(6):  # the element and a few ancestors ("with-sidebar" is the layout of the main column)
        if node is None:
            return False
        cls = f"{node.get('class', '')} {node.get('id', '')} {node.get('itemprop', '')}"
        if node.tag in ("aside", "nav", "footer", "blockquote") or _BAD_TIME_CONTEXT.search(cls):
            return True
        node = node.getparent()
    return False


def article_times(root: lxml.html.HtmlElement) -> list[str]:
    """datetime values of <time> elements that date the article itself, best first: an element marked
    itemprop=datePublished (outside related-story lists: "articles-recent" teasers carry their own),
    then the <time>s of the article container."""
    out: list[str] = []
    for el in root.xpath('//*[@itemprop="datePublished"][@datetime or @content]'):
        # the element's own itemprop is the marker: only its ancestors can say it dates something else
        if not _dates_something_else(el.getparent()):
            out.append(el.get("datetime") or el.get("content") or "")
    scopes = root.xpath("//article|//main|//*[@role='main']") or [root]
    for scope in scopes[:3]:
        for el in scope.iter("time"):
            value = el.get("datetime")
            if value and not _dates_something_else(el):
                out.append(value)
        if out:
            break
    return out


def _attempt(value: Any, today: dt.date) -> tuple[dt.date, dt.datetime | None] | None:
    if not isinstance(value, str) or not value.strip() or len(value) > 80:
        return None
    try:
        return parse_date(value, today=today)
    except (ValueError, OverflowError):  # a stated value out of range ("0001-01-01T00:00+05:00")
        return None


def url_date(u: str | None, today: dt.date) -> dt.date | None:
    """A /YYYY/MM/DD/ (or -) date in the URL's path."""
    if not u:
        return None
    found = _URL_DATE.search(urlsplit(u).path)
    if not found:
        return None
    try:
        month, day = (found.group(2), found.group(3)) if found.group(2) else (found.group(4), found.group(5))
        d = dt.date(int(found.group(1)), int(month), int(day))
    except ValueError:
        return None
    return d if is_plausible(d, today) else None


@dataclass(frozen=True, slots=True)
class Candidate:
    """One date the page states, and where: ``source`` is the date_source it would win as
    (``html:jsonld``, ``html:meta``, ``html:time``, ``url``, ``html:modified``), ``detail`` the key."""

    source: str
    detail: str
    date: dt.date
    when: dt.datetime | None


_MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified", "last-modified", "dc.date.modified",
                  "dcterms.modified")


def static_page(m: Meta, meta_published: bool) -> bool:
    """The JSON-LD date is a CMS's record of a static page, which shows no date: only a bare WebPage
    (no article object on the page) states it, and the <meta> tags state a modification time but no
    publication time (a CMS writes article:published_time for posts; its pages get only
    article:modified_time)."""
    if not m.jsonld.get("_page_dated") or meta_published or m.types & ARTICLE_TYPES:
        return False
    return any(m.meta.get(k) for k in _MODIFIED_META)


def structured_candidates(
    m: Meta, times: list[str], canonical: str | None, url: str | None, today: dt.date, kn: HtmlKnowledge
) -> list[Candidate]:
    """Every date the page's structured data and URL state, in the order of :func:`structured_date`,
    then the modification dates (``html:modified``: never a publication date, an upper bound)."""
    out: list[Candidate] = []
    metas: list[Candidate] = []
    for k in kn.meta_date_keys:
        got = _attempt(m.meta.get(k), today)
        if got:
            metas.append(Candidate("html:meta", k, got[0], got[1]))
    if not static_page(m, bool(metas)):
        for fld in ("datePublished", "dateCreated"):
            got = _attempt(m.jsonld.get(fld), today)
            if got:
                out.append(Candidate("html:jsonld", fld, got[0], got[1]))
    out.extend(metas)
    for value in times[:3]:
        got = _attempt(value, today)
        if got:
            out.append(Candidate("html:time", "time", got[0], got[1]))
    for u in (canonical, url):
        d = url_date(u, today)
        if d:
            out.append(Candidate("url", "path", d, None))
            break
    got = _attempt(m.jsonld.get("dateModified"), today)
    if got:
        out.append(Candidate("html:modified", "dateModified", got[0], got[1]))
    for k in _MODIFIED_META:
        got = _attempt(m.meta.get(k), today)
        if got:
            out.append(Candidate("html:modified", k, got[0], got[1]))
    return out


def structured_date(
    m: Meta, times: list[str], canonical: str | None, url: str | None, today: dt.date, kn: HtmlKnowledge
) -> Dated | None:
    """JSON-LD datePublished/dateCreated, then <meta> keys in order, then <time>, then the URL."""
    for c in structured_candidates(m, times, canonical, url, today, kn):
        if c.source != "html:modified":
            return c.date, c.when, c.source
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


def in_article_context(el: Any) -> bool:
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


def text_date(root: lxml.html.HtmlElement, today: dt.date, saved: dt.date | None) -> tuple[Dated | None, Dated | None]:
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
        if el is None or el in seen or not in_article_context(parent):
            continue
        line = norm(str(text))
        if len(line) > 120:  # a sentence of the story ("published on 5 May, the report ..."): no date line
            continue
        hits = labelled_dates(line)
        node = el
        for _ in range(2):  # label and date in sibling nodes ("<p><b>Published:</b> <span>4 Dec 2015")
            if hits or node is None or node in seen:
                break
            seen.add(node)
            # text nodes joined by spaces: "<div>Published</div><div>October 14, 2025</div>" is not glued
            # into "PublishedOctober 14, 2025"
            content = norm(" ".join(node.itertext()))
            if len(content) > 200:
                break
            hits = labelled_dates(content)
            el = node
            node = node.getparent()
        found.extend((el.sourceline or 0, kind, d, when) for kind, d, when in hits)
    for el in _DATE_ELEMENT_XPATH(root)[:200]:
        if not _DATE_CLASS.search(f"{el.get('class', '')} {el.get('id', '')}"):
            continue
        content = norm(el.text_content())
        if not content or len(content) > 80 or not in_article_context(el):
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
    first_update: Dated | None = None
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


_SCRIPTS = re.compile(r"<(script|style)\b.*?</\1\s*>", re.S | re.I)


def htmldate_date(
    root: lxml.html.HtmlElement, html: str, today: dt.date, extensive: bool = True
) -> dt.date | None:
    """htmldate's guess, original (not updated) date first: its fast search, then (``extensive``) its
    extensive one.

    The extensive search falls back to a bare year or month (a copyright line) and reports it as the
    1st of January / of the month: such a date is not a stated day and is not taken. The URL is not
    passed (an empty one, so htmldate does not read the canonical link either): URL dates are our own
    stricter ``url`` source ("/t/2024-4-4-upgrade" is a version number, not a date)."""
    from htmldate import find_date

    for ext in (False, True) if extensive else (False,):
        # the extensive search gets the markup without scripts and styles, not our tree: on a tree
        # htmldate deep-copies it first, and script text is where its text search spends its time
        # (measured on the 48 wcxb pages that need it: 40 -> 12 ms a page; 3 wrong dates fewer, none lost)
        found = find_date(
            _SCRIPTS.sub("", html) if ext else _without_quoted_times(root), extensive_search=ext,
            original_date=True, url="", max_date=today.isoformat(),
        )
        if not found:
            continue
        try:
            d = dt.date.fromisoformat(found)
        except ValueError:
            continue
        if ext and d.day == 1:
            return None
        if d.day == 1 and _future_date_cut_to_its_month(root, d, today):
            return None
        return d if is_plausible(d, today) else None
    return None


def _without_quoted_times(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """``root`` without the ``<time>`` elements of blockquotes (an embedded post's or a quote's time dates
    that post, as ``article_times`` reads it too); a copy only when there are some (htmldate copies the
    tree it is given anyway)."""
    if not root.xpath(".//blockquote//time"):
        return root
    import copy

    tree = copy.deepcopy(root)
    for node in tree.xpath(".//blockquote//time"):
        node.drop_tree()
    return tree


def _future_date_cut_to_its_month(root: lxml.html.HtmlElement, d: dt.date, today: dt.date) -> bool:
    """Whether htmldate's fast search made ``d`` (a 1st) out of a date past ``max_date``: when the page's
    dates all lie in the future, it falls back to their year and month and reports the 1st of that month
    (a page of 15 August 2018 read on 1 August gives 2018-08-01). Asked again without the bound, it then
    names a later day of that same month; a page that states the 1st names the 1st again."""
    from htmldate import find_date

    if (d.year, d.month) != (today.year, today.month):  # the cut lands in the bound's own month
        return False
    found = find_date(root, extensive_search=False, original_date=True, url="",
                      max_date=(today + dt.timedelta(days=400)).isoformat())
    try:
        unbounded = dt.date.fromisoformat(found) if found else None
    except ValueError:
        return False
    return unbounded is not None and unbounded > today and (unbounded.year, unbounded.month) == (d.year, d.month)


class _Sources:
    """The date each source states, computed lazily (the text scan and htmldate only when asked)."""

    def __init__(
        self,
        root: lxml.html.HtmlElement,
        html: str,
        m: Meta,
        canonical: str | None,
        url: str | None,
        today: dt.date,
        saved: dt.date | None,
        kn: HtmlKnowledge,
    ) -> None:
        self.root, self.html, self.today, self.saved = root, html, today, saved
        self.extensive = kn.htmldate_extensive
        cands = structured_candidates(m, article_times(root), canonical, url, today, kn)
        self.structured: dict[str, Dated] = {}
        for c in cands:
            if c.source != "html:modified":
                self.structured.setdefault(c.source, (c.date, c.when, c.source))
        self.modified = [(c.date, c.when) for c in cands if c.source == "html:modified"]
        # a static page's only dates are its CMS record's: htmldate would read the same ones
        self.static = "html:meta" not in self.structured and static_page(m, False)
        self._text: tuple[Dated | None, Dated | None] | None = None
        self._htmldate: Dated | bool | None = False

    def is_modification(self, d: Dated) -> bool:
        """The date is the page's stated modification date (same instant when both state a time)."""
        return any(day == d[0] and (when is None or d[1] is None or when == d[1]) for day, when in self.modified)

    def text(self) -> tuple[Dated | None, Dated | None]:
        if self._text is None:
            self._text = text_date(self.root, self.today, self.saved)
        return self._text

    def htmldate(self, extensive: bool = True) -> Dated | None:
        """htmldate's date; ``extensive=False``: only its fast search (evidence for the original-date
        check, where the extensive text search would cost 10+ ms for little)."""
        if self._htmldate is False:
            # published on or before the first stated update, unless the page's structured data says
            # otherwise (then the "Updated" line is about something else)
            updated = None if self.structured else self.text()[1]
            bound = updated[0] if updated else self.today
            d = htmldate_date(self.root, self.html, bound, extensive and self.extensive)
            # a bare text date equal to the save date is the site header's "today", not the article's
            ok = d is not None and not (self.saved and abs((self.saved - d).days) <= 1)
            self._htmldate = (d, None, "html:text") if ok and d else None
        return self._htmldate if isinstance(self._htmldate, tuple) else None

    def get(self, source: str) -> Dated | None:
        if source in self.structured:
            return self.structured[source]
        if source in ("html:label", "html:date_element"):
            found = self.text()[0]
            return found if found and found[2] == source else None
        if source == "html:label_updated":
            return self.text()[1]
        if source == "html:text":
            return None if self.static else self.htmldate()
        return None


# sources trusted to show that a "published" date equal to the modification date is not the original one
# (a date line in the text may be any date the story mentions)
_ORIGINAL_EVIDENCE = frozenset({"url", "html:post", "html:jsonld", "html:meta", "html:time", "html:text"})


def page_date(
    root: lxml.html.HtmlElement,
    html: str,
    m: Meta,
    canonical: str | None,
    url: str | None,
    today: dt.date,
    saved: dt.date | None,
    kn: HtmlKnowledge,
    post: Dated | None = None,
) -> Dated | None:
    """The article's original publication date and the source it came from, or None.

    Sources are tried in ``kn.date_source_order`` (measured precision, best first; see
    ``bench/eval_html_dates.py``). Original first: when the winner is also the stated modification date
    (a CMS that sets datePublished to the last edit) and the structured data or htmldate state an
    earlier day, the latest of those earlier days wins instead.
    """
    if saved and saved < today:
        today = saved  # nothing on a saved page was published after it was saved
    src = _Sources(root, html, m, canonical, url, today, saved, kn)
    if post is not None and is_plausible(post[0], today):
        src.structured["html:post"] = post  # a forum thread's first post
    chosen: Dated | None = None
    for name in kn.date_source_order:
        chosen = src.get(name)
        if chosen:
            break
    if chosen and src.is_modification(chosen):
        stated = [src.structured.get(name) for name in kn.date_source_order if name in _ORIGINAL_EVIDENCE]
        earlier = [d for d in stated if d and d[0] < chosen[0]]
        if not earlier:
            fast = src.htmldate(extensive=False)
            earlier = [fast] if fast and fast[0] < chosen[0] else []
        if earlier:
            chosen = max(earlier, key=lambda d: d[0])
    return local_day(chosen, src.structured.values()) if chosen else None


def local_day(chosen: Dated, stated: Any) -> Dated:
    """The day of the chosen instant in the site's own time zone: a <time> in UTC ("21:13Z") and a
    JSON-LD date with the site's offset ("00:13+03:00") state one instant on two days, and the page
    shows the local one."""
    when = chosen[1]
    if when is None or chosen[0] != when.date():
        return chosen  # no time stated, or already a local (non-UTC) day
    for d in stated:
        if d[1] == when and d[0] != chosen[0]:
            return d[0], when, chosen[2]
    return chosen
