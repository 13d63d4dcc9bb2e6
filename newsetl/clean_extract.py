"""The clean + extract step of a batch: HTML parsing, then text cleaning, then metadata, then the
batch's cross-record title pass. ``newsetl.clean`` and ``newsetl.extract`` do not import each other;
this module sequences them (``process_batch`` calls :func:`clean_extract_batch`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from newsetl.clean import clean_text
from newsetl.errors import TerminalError
from newsetl.extract.article import check_fields, extract_article, finish_batch_titles
from newsetl.model import Article, CleanText, RawDoc, Rejection
from newsetl.reasons import Reason
from newsetl.settings import ExtractConfig, strict_errors

STAGE = "extract"


def clean_extract(doc: RawDoc, config: ExtractConfig | None = None, *, today: dt.date | None = None,
                  memo: dict[str, CleanText] | None = None) -> Article:  # fmt: skip
    """One record: an HTML page is parsed first (``newsetl.extract.html``), its text cleaned, then its
    metadata read; any other record is cleaned, then read. Raises TerminalError for what is no article.
    ``memo``: the cleaned texts of the batch so far (see :func:`cleaned`)."""
    check_fields(doc)
    hx = parse_page(doc)
    if hx is not None:
        return extract_article(doc, clean_text(hx.text or ""), hx=hx, config=config, today=today)
    return extract_article(doc, cleaned(doc.text, memo), config=config, today=today)


def cleaned(text: str, memo: dict[str, CleanText] | None) -> CleanText:
    """``clean_text(text)``, once per distinct text of a batch (``memo``): ~7% of the records of a real
    batch repeat another's text exactly, and the cleaner is a pure function of its text. Each caller
    gets its own containers (the lists and dicts), so no two articles share one."""
    if memo is None:
        return clean_text(text)
    ct = memo.get(text)
    if ct is None:
        ct = memo[text] = clean_text(text)
    return CleanText(
        body=ct.body,
        comments=list(ct.comments),
        embeds=[dataclasses.replace(e) for e in ct.embeds],
        ledger=dict(ct.ledger),
        encoding_loss=ct.encoding_loss,
        hints=dict(ct.hints),
        spans=None if ct.spans is None else {k: list(v) for k, v in ct.spans.items()},
        par_spans=None if ct.par_spans is None else list(ct.par_spans),
    )


def is_page(doc: RawDoc) -> bool:
    return doc.body_is_html or doc.format == "html"


def parse_page(doc: RawDoc) -> Any:
    """What ``newsetl.extract.html`` reads from an HTML record (None for any other record): its text is
    what the cleaner is given."""
    if not is_page(doc):
        return None
    from newsetl.extract.html import extract_html  # heavy (lxml, trafilatura): only for HTML

    url = " ".join((doc.fields or {}).get("url", "").split()) or None
    return extract_html(doc.text, url=url)


def cleaner_input(doc: RawDoc) -> str:
    """The text ``clean_text`` is given for ``doc``: the text extracted from the page for HTML, else the
    record's text."""
    hx = parse_page(doc)
    return doc.text if hx is None else (hx.text or "")


def clean_extract_batch(
    docs: list[RawDoc], config: ExtractConfig | None = None, *, today: dt.date | None = None
) -> tuple[list[Article], list[Rejection]]:
    """Every record of a batch (a rejection row for each that is no article, with the reason), then the
    batch's title pass (:func:`newsetl.extract.article.finish_batch_titles`)."""
    arts: list[Article] = []
    rejections: list[Rejection] = []
    memo: dict[str, CleanText] = {}
    for d in docs:
        try:
            arts.append(clean_extract(d, config, today=today, memo=memo))
        except TerminalError as exc:
            rejections.append(Rejection(d.source_uri, STAGE, exc.reason, exc.detail, d.article_id))
        except Exception as exc:  # a bug must not abort the run: quarantine with the error
            if strict_errors():  # but it must fail a test ($NEWSETL_STRICT, set by tests/conftest.py)
                raise
            rejections.append(Rejection(d.source_uri, STAGE, Reason.INTERNAL_ERROR, f"{type(exc).__name__}: {exc}",
                                        d.article_id))  # fmt: skip
    finish_batch_titles(arts, config)
    return arts, rejections
