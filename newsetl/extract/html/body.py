"""The article's main text, paragraphs separated by blank lines."""

from __future__ import annotations

import re
from typing import Any

import lxml.html

from newsetl.extract.html.util import norm

_BLOCK_SPLIT = re.compile(r"\n+")
_PRUNE_HIDDEN = [
    "//*[@hidden]",
    "//*[contains(translate(@style,' ',''),'display:none')]",
    "//*[contains(translate(@style,' ',''),'visibility:hidden')]",
]


def body_text(document: Any) -> str:
    text = getattr(document, "text", None) or ""
    paras = (norm(p) for p in _BLOCK_SPLIT.split(text))
    return "\n\n".join(p for p in paras if p)


def main_text(root: lxml.html.HtmlElement, url: str | None) -> str:
    """trafilatura's main text (recall mode, tables, no comments, hidden elements pruned)."""
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
    return body_text(document) if document is not None else ""
