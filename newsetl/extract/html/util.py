"""Small string helpers shared by the HTML extraction modules."""

from __future__ import annotations

import html as htmllib
import re

WS = re.compile(r"\s+")
WORD = re.compile(r"\w+")
_NON_ALNUM = re.compile(r"[\W_]+")
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]{2,8});")


def norm(s: str | None) -> str:
    """Whitespace collapsed and stripped ("" for None)."""
    return WS.sub(" ", s).strip() if s else ""


def clean_meta(s: str | None) -> str:
    """Whitespace-normalised metadata text; double-escaped entities (``&#039;``) decoded."""
    s = norm(s)
    if "&" in s and _ENTITY.search(s):
        s = norm(htmllib.unescape(s))
    return s


def key(s: str) -> str:
    """Comparison key: lowercase alphanumerics only."""
    return _NON_ALNUM.sub("", s.lower())


def words(s: str) -> int:
    return len(WORD.findall(s))
