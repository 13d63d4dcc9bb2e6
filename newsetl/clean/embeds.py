"""Social-media embeds pasted as text (Twitter/X blockquotes, Instagram captions).

A Twitter embed pasted from a page reads ``<tweet text> pic.twitter.com/xyz— Name (@handle) April 6, 2021``,
sometimes with the tweet text starting on the lines above. The embed (and its date, which is the tweet's
date and never the article's) is moved out of the body into an ``EmbeddedPost``.
"""

from __future__ import annotations

import datetime as dt
import re

from newsetl.model import EmbeddedPost

_TWEET_END = re.compile(
    r"^(?P<text>.*?)\s*(?P<url>(?:https?://)?(?:pic\.twitter\.com|t\.co|pic\.x\.com)/\w+)?\s*"
    r"(?:[—–]|\s-{1,2}\s|--)\s*(?P<author>[^()\n—–]{0,80}?)\s*\(@(?P<handle>\w{1,15})\)\s*"
    r"(?P<date>(?:[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4}|\d{1,2} [A-Z][a-z]{2,8} \d{4}))\s*"
    r"(?P<status>https?://(?:twitter|x)\.com/\S+)?$"
)
_INSTA = re.compile(
    r"^(?P<text>.*?)\s*A post shared by (?P<author>[^()\n]{0,80}?)\s*\(@(?P<handle>[\w.]{1,30})\)"
    r"(?:\s*on (?P<date>[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4}).*)?$"
)
_TAGGED = re.compile(r"(?:^|[\s.,(])[#@]\w")
MAX_TWEET_CHARS = 320  # 280 plus room for links and lost characters
_EMBED_DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y")


def _embed_date(s: str) -> dt.date | None:
    """The date an embed prints ("April 6, 2021", "Apr. 6, 2021", "6 April 2021")."""
    s = s.replace(".", "").replace("Sept ", "Sep ")
    for fmt in _EMBED_DATE_FORMATS:
        try:
            return dt.datetime.strptime(s, fmt).date()
        except ValueError:
            continue
    return None


def find_embeds(lines: list[str]) -> tuple[list[EmbeddedPost], list[tuple[int, int]]]:
    """Embedded posts in ``lines`` and the line spans [start, end) they occupy."""
    posts: list[EmbeddedPost] = []
    spans: list[tuple[int, int]] = []
    for i, line in enumerate(lines):
        if "(@" not in line:
            continue
        platform = "twitter"
        m = _TWEET_END.match(line) if ("—" in line or "–" in line or "-" in line) else None
        if m is None:
            if "post shared by" not in line:
                continue
            m = _INSTA.match(line)
            if m is None:
                continue
            platform = "instagram"
        text = m.group("text").strip()
        start = i
        # the tweet text may begin on the lines above: take them while they look like tweet text
        k = i - 1
        lower = spans[-1][1] if spans else 0
        while k >= lower and len(text) < MAX_TWEET_CHARS:
            prev = lines[k]
            if not prev:
                k -= 1
                continue
            if len(prev) + len(text) > MAX_TWEET_CHARS or not _TAGGED.search(prev):
                break
            text = f"{prev}\n{text}" if text else prev
            start = k
            k -= 1
        gd = m.groupdict()
        posted = _embed_date(gd["date"]) if gd.get("date") else None
        url = gd.get("url") or gd.get("status")
        if url and not url.startswith("http"):
            url = "https://" + url
        posts.append(
            EmbeddedPost(
                platform=platform,
                text=text,
                handle="@" + gd["handle"],
                author=(gd.get("author") or "").strip() or None,
                posted_date=posted,
                url=url,
            )
        )
        spans.append((start, i + 1))
    return posts, spans
