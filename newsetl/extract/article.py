"""``extract_article``: one RawDoc plus its cleaned text -> one Article (title, date, source, byline, language).

Cleaning runs before this step (``newsetl.clean_extract`` sequences HTML parsing, cleaning and this);
this package never imports ``newsetl.clean``.

- HTML (``hx``, what ``newsetl.extract.html.extract_html`` read from the page): its title, date, site
  and byline; fields stated by a structured record override what the page says.
- Structured records (json, jsonl, csv, feed): ``doc.fields`` (title -> ``field:title``, date ->
  ``field:date``, url -> canonical_url and source_domain, source -> source_name, author -> byline).
- Plain text: ``newsetl.extract.text.extract_text_meta`` on the cleaned body.

Every title goes through ``newsetl.extract.title.clean_title`` (site and section affixes stripped with
the record's own site name and domain and ``config/sources.yaml``); a date glued to the end of the
title is cut off and used when nothing better states the date (``text:title_date``), then the date
of a forum thread's header line the cleaner found (``text:thread_date``). A date stated
without its year takes it from the record's retrieval time: a crawl/fetch timestamp field
(``date_source`` suffix ``+fetch_year``), else the file's modification time (``+mtime_year``).

A date is never invented: without a stated, plausible date, ``published_date`` is None and
``date_source`` is ``"none"``. Junk is not an article: a title or body field of the wrong type raises
``TerminalError(Reason.WRONG_FIELD_TYPE)``, a body under ``extract.min_body_words`` words after cleaning
``TerminalError(Reason.TOO_SHORT)``, no body at all ``TerminalError(Reason.EMPTY_BODY)``.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from newsetl.errors import TerminalError
from newsetl.extract.dates import is_plausible, parse_date, parse_date_fast
from newsetl.extract.language import detect_language, normalize_language
from newsetl.extract.sources import SourceKnowledge, load_sources
from newsetl.extract.text import extract_text_meta, find_dateline, glued_date_line, resolve_stated
from newsetl.extract.textdate import TextDate
from newsetl.extract.title import (
    clean_title,
    has_title_key,
    learn_affixes,
    split_title_date,
    strip_learned,
    title_key,
)
from newsetl.ingest.records import TYPE_ERROR
from newsetl.model import Article, CleanText, RawDoc
from newsetl.reasons import Reason
from newsetl.settings import ExtractConfig

STRUCTURED_FORMATS = frozenset({"json", "jsonl", "csv", "feed"})
_SECOND_LEVEL = frozenset({"com", "co", "org", "net", "gov", "edu", "ac", "gob", "or", "ne", "go", "nic", "mil"})
_DEFAULT = ExtractConfig()
_FILE_EXTENSIONS = frozenset({"html", "htm", "shtml", "xhtml", "php", "asp", "aspx", "jsp", "cgi", "xml", "json",
                              "txt", "pdf", "jpg", "png", "gif", "css", "js"})  # fmt: skip


def registered_domain(host_or_url: str | None, knowledge: SourceKnowledge | None = None) -> str | None:
    """``https://www.dawn.com/news/1`` -> ``dawn.com``; ``m.tribune.com.pk`` -> ``tribune.com.pk``."""
    if not host_or_url:
        return None
    s = host_or_url.strip().lower()
    if "//" in s:  # a URL: its host is in what comes before its third "/" (see url_head)
        return _registered_domain(url_head(s), True, knowledge or load_sources())
    return _registered_domain(s.split("/")[0], False, knowledge or load_sources())


def url_head(url: str) -> str:
    """``url`` up to its third ``/`` (``https://www.dawn.com`` of ``https://www.dawn.com/news/1``): a
    scheme holds no ``/`` and the netloc follows the first two, so urlsplit finds the same scheme, netloc
    and host in it (tested), and the domains of a site's many URLs are one cache entry."""
    return "/".join(url.split("/", 3)[:3])


@functools.lru_cache(maxsize=4096)  # per site: a few thousand sites cover a large run's records
def _registered_domain(s: str, is_url: bool, knowledge: SourceKnowledge) -> str | None:
    host = urlsplit(s).hostname if is_url else s
    if not host or "." not in host:
        return None
    host = host.rstrip(".")
    labels = host.split(".")
    if labels[-1] in _FILE_EXTENSIONS or not labels[-1].isalpha() or "" in labels:
        return None  # "index.html", "132252.html": a relative link, not a host
    if host in knowledge.publishers:
        return host
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


def source_name_for(domain: str | None, knowledge: SourceKnowledge | None = None) -> str | None:
    """A readable publisher name: the publishers of ``config/sources.yaml``, else the domain's first
    label capitalised."""
    if not domain:
        return None
    pub = (knowledge or load_sources()).publisher(domain)
    if pub:
        return pub
    label = domain.split(".")[0]
    return label.replace("-", " ").title() if label else None


def check_fields(doc: RawDoc) -> None:
    """Raise ``wrong_field_type`` for a record whose title or body field holds a number, an object ..."""
    why = (doc.fields or {}).get(TYPE_ERROR)
    if why:
        raise TerminalError(
            Reason.WRONG_FIELD_TYPE,
            f"{why}: a title must be a string and a body a string or a list of strings; fix the record or "
            "map the right fields with ingest.field_map",
            doc.source_uri,
        )


def retrieval_day(fields: dict[str, str], mtime: float | None) -> tuple[dt.date, str] | None:
    """(the day the record was fetched, "fetch") from a crawl/fetch timestamp field, else (the file's
    modification day, "mtime"), else None."""
    raw = fields.get("retrieved")
    if raw:
        parsed = parse_date_fast(raw)
        if parsed is not None:
            return (parsed[1].date() if parsed[1] else parsed[0]), "fetch"
    if mtime:
        try:
            return dt.datetime.fromtimestamp(mtime, dt.UTC).date(), "mtime"
        except (OverflowError, OSError, ValueError):
            return None
    return None


def _clean_field(v: str | None) -> str | None:
    if v is None:
        return None
    v = " ".join(v.split())
    return v or None


def _strip_title_par(body: str, title: str | None) -> str:
    """Drop a first paragraph that repeats the title."""
    if not title or not body:
        return body
    first, _sep, rest = body.partition("\n\n")
    if has_title_key(first, title_key(title)):
        return rest
    return body


@functools.cache
def _space_table() -> np.ndarray:
    table = np.zeros(0x110000, dtype=bool)  # no astral character is whitespace (tested)
    table[[cp for cp in range(0x10000) if chr(cp).isspace()]] = True
    return table


def word_count(text: str) -> int:
    """``len(text.split())`` without building the list: the runs of non-whitespace, counted in numpy
    (a 5 KB body: 8 us instead of 27)."""
    # take and one comparison (a space before a non-space: True > False): the same runs as fancy
    # indexing and ``a & ~b``, in ~60% of their time (measured)
    space = _space_table().take(np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4"))
    if not len(space):
        return 0
    return int(np.count_nonzero(space[:-1] > space[1:])) + (not space[0])


METADATA_LINES = "metadata_lines"  # ledger rule: leading paragraphs taken out as title, date or byline


def _ledger(ct: CleanText, body: str) -> tuple[dict[str, tuple[int, int]], dict[str, list[tuple[int, int]]] | None]:
    """The cleaner's ledger plus the leading paragraphs extraction took out of the body (title, date and
    byline lines: rule ``metadata_lines``), with their spans in the cleaner's input when known."""
    ledger, spans = dict(ct.ledger), None if ct.spans is None else dict(ct.spans)
    if body == ct.body:
        return ledger, spans
    n_removed = len(ct.body) - len(body)
    if not ct.body.endswith(body) or (body and ct.body[n_removed - 2:n_removed] != "\n\n"):
        return ledger, None  # not a removal of whole leading paragraphs: positions unknown
    k = ct.body[:n_removed].count("\n\n") if body else ct.body.count("\n\n") + 1
    ledger[METADATA_LINES] = (k, n_removed)
    if spans is not None and ct.par_spans is not None and len(ct.par_spans) >= k:
        spans[METADATA_LINES] = list(ct.par_spans[:k])
    else:
        spans = None
    return ledger, spans


def _set_date(art: Article, value: str | None, source: str, today: dt.date | None) -> None:
    if art.published_date is not None or not value:
        return
    parsed = parse_date(value, today=today)
    if parsed is not None:
        art.published_date, art.published_at = parsed
        art.date_source = source


class _Ctx:
    """What one record's extraction needs besides the document."""

    def __init__(self, doc: RawDoc, config: ExtractConfig, today: dt.date | None) -> None:
        self.cfg = config
        self.kn = load_sources(config.sources)
        self.today = today
        self.fields = doc.fields or {}
        self.retrieved = retrieval_day(self.fields, doc.mtime)
        self.title_date: TextDate | None = None


def _first_par_dateline(art: Article, body: str, ctx: _Ctx) -> None:
    first = body.split("\n\n", 1)[0]
    if first and art.published_date is None:
        glued = glued_date_line(first)  # "17:13 17.11.2019 Фото: ..."
        if glued is not None and is_plausible(glued[0], ctx.today):
            art.published_date, art.published_at, art.date_source = glued[0], glued[1], "text:date_line"
    dl = find_dateline(first, ctx.kn, anywhere=240) if first else None
    if dl is None:
        return
    art.dateline_city = art.dateline_city or dl.city
    if not art.byline and dl.agency and dl.agency.strip():
        art.byline = dl.agency.strip()
    if art.published_date is None and dl.date is not None:
        d, source = resolve_stated(dl.date, None, ctx.retrieved, "text:dateline")
        if d is not None and is_plausible(d, ctx.today):
            art.published_date, art.published_at, art.date_source = d, None, source


def _finish_title(art: Article, raw: str | None, ctx: _Ctx, site_names: list[str | None],
                  sections: list[Any] | None = None) -> None:  # fmt: skip
    """Normalise the title; a date glued to its end is cut off and kept as a date candidate."""
    shown = art.title_source == "h1"  # a headline the page shows keeps a "| tail" nothing names as the site
    title = clean_title(raw, site_names=site_names, domain=art.source_domain, url=art.canonical_url,
                        sections=sections or (), knowledge=ctx.kn, guess_tail=not shown)  # fmt: skip
    if title:
        head, td = split_title_date(title)
        if td is not None:
            title = clean_title(head, site_names=site_names, domain=art.source_domain, url=art.canonical_url,
                                knowledge=ctx.kn, guess_tail=not shown) or head  # fmt: skip
            ctx.title_date = td
    art.title = title
    if title is None:
        art.title_source = None


def _finish(doc: RawDoc, art: Article, ct: CleanText, body: str, stated_lang: str | None, ctx: _Ctx,
            thread_words: int = 0) -> Article:  # fmt: skip
    if not body.strip():
        raise TerminalError(Reason.EMPTY_BODY, "no article text left after cleaning", doc.source_uri)
    words = word_count(body)
    if words + thread_words < ctx.cfg.min_body_words:  # a forum thread's short first post: its replies count
        raise TerminalError(
            Reason.TOO_SHORT,
            f"{words} words of text after cleaning, fewer than extract.min_body_words ({ctx.cfg.min_body_words}):"
            " not an article (a stub, a caption or a placeholder); lower the limit if such records are wanted",
            doc.source_uri,
        )
    if art.published_date is None and ctx.title_date is not None:  # after every date the text states
        d, source = resolve_stated(ctx.title_date, None, ctx.retrieved, "text:title_date")
        if d is not None and is_plausible(d, ctx.today):
            art.published_date, art.published_at, art.date_source = d, None, source
    if art.published_date is None and ct.hints.get("date"):  # a forum copy's thread date
        _set_date(art, ct.hints["date"], "text:thread_date", ctx.today)
    art.body = body
    art.word_count = words
    lang = detect_language(body)
    if lang == "und" and stated_lang:
        lang = normalize_language(stated_lang) or "und"
    art.language = lang
    art.encoding_loss = ct.encoding_loss
    art.comments = ct.comments
    art.embeds = ct.embeds
    art.ledger, art.ledger_spans = _ledger(ct, body)
    if (doc.fields or {}).get("url_unresolved"):  # a relative link with no page to resolve it against
        art.ledger["relative_url_dropped"] = (1, 0)
        if art.ledger_spans is not None:
            art.ledger_spans["relative_url_dropped"] = []  # nothing was taken out of the text
    if art.source_domain and not art.source_name:
        art.source_name = source_name_for(art.source_domain, ctx.kn)
    if art.published_date is None:
        art.published_at, art.date_source = None, "none"
    return art


def extract_article(
    doc: RawDoc,
    ct: CleanText,
    *,
    hx: Any = None,
    config: ExtractConfig | None = None,
    today: dt.date | None = None,
) -> Article:
    """Metadata of ``doc`` from its cleaned text ``ct`` (and, for an HTML page, ``hx``: what
    ``extract_html`` read from it). Raises TerminalError (Reason.WRONG_FIELD_TYPE, EMPTY_BODY, TOO_SHORT)."""
    check_fields(doc)
    ctx = _Ctx(doc, config or _DEFAULT, today)
    art = Article(article_id=doc.article_id, source_uri=doc.source_uri, format=doc.format, body="")
    fields = ctx.fields
    f_title = _clean_field(fields.get("title"))
    f_url = _clean_field(fields.get("url"))
    f_source = _clean_field(fields.get("source"))
    f_author = _clean_field(fields.get("author"))
    f_lang = _clean_field(fields.get("language"))

    if hx is not None:
        art.canonical_url = f_url or hx.canonical_url
        art.source_domain = registered_domain(art.canonical_url, ctx.kn) or registered_domain(hx.domain, ctx.kn)
        art.source_name = f_source or hx.site_name
        art.byline = f_author or hx.byline
        _set_date(art, fields.get("date"), "field:date", today)
        if art.published_date is None and hx.date is not None and is_plausible(hx.date, today):
            art.published_date, art.published_at = hx.date, hx.published_at
            art.date_source = hx.date_source or "html"
        art.extractor = hx.extractor
        raw_title, art.title_source = (f_title, "field:title") if f_title else (hx.title, hx.title_source)
        _finish_title(art, raw_title, ctx, [f_source, hx.site_name], getattr(hx, "sections", None))
        body = _strip_title_par(ct.body, art.title)
        _first_par_dateline(art, body, ctx)
        replies = list(getattr(hx, "comments", ()))  # a forum thread's later posts
        art = _finish(doc, art, ct, body, f_lang or hx.language, ctx, sum(len(c.split()) for c in replies))
        art.comments = [*ct.comments, *replies]
        return art

    if doc.format in STRUCTURED_FORMATS or fields:
        art.canonical_url = f_url
        art.source_domain = registered_domain(f_url, ctx.kn)
        art.source_name = f_source
        art.byline = f_author
        _set_date(art, fields.get("date"), "field:date", today)
        if f_title:
            art.title_source = "field:title"
            _finish_title(art, f_title, ctx, [f_source])
            body = _strip_title_par(ct.body, art.title)
            _first_par_dateline(art, body, ctx)
            return _finish(doc, art, ct, body, f_lang, ctx)
        # no title field: read the text like a plain-text article
    meta = extract_text_meta(
        ct.body, hint_title=ct.hints.get("title"), forum="forum_user_block" in ct.ledger, today=today,
        retrieved=ctx.retrieved, knowledge=ctx.kn,
    )  # fmt: skip
    if not art.source_domain and ct.hints.get("source_domain"):
        art.source_domain = registered_domain(ct.hints["source_domain"], ctx.kn)
    if art.published_date is None and meta.published_date is not None:
        art.published_date, art.published_at, art.date_source = meta.published_date, meta.published_at, meta.date_source
    art.title_source = meta.title_source
    _finish_title(art, meta.title, ctx, [f_source])
    art.byline = art.byline or meta.byline
    art.dateline_city = meta.dateline_city
    return _finish(doc, art, ct, meta.body, f_lang, ctx)


def batch_source(art: Article) -> str:
    """The source a title belongs to for learning its affixes: the domain, else the publisher name,
    else the folder of the file."""
    if art.source_domain:
        return art.source_domain
    if art.source_name:
        return "name:" + art.source_name.casefold()
    uri = art.source_uri
    return "dir:" + (uri.rsplit("/", 1)[0] if "/" in uri else uri)


def finish_batch_titles(arts: list[Article], config: ExtractConfig | None = None) -> None:
    """The cross-record title pass over one batch: affixes learned from the batch's titles (per
    :func:`batch_source`) and those listed in ``title_affixes`` of ``config/sources.yaml`` are stripped."""
    cfg = config or _DEFAULT
    if not arts:
        return
    kn = load_sources(cfg.sources)
    pairs = [(batch_source(a), a.title) for a in arts]
    known = {src: kn.title_affixes.get(src) or kn.title_affixes.get(src.removeprefix("name:"), frozenset())
             for src in {p[0] for p in pairs}}  # fmt: skip
    known = {k: v for k, v in known.items() if v}
    if cfg.learn_title_affixes:
        learned = learn_affixes(pairs, min_count=cfg.affix_min_count, min_share=cfg.affix_min_share,
                                known=known, knowledge=kn)  # fmt: skip
    else:
        learned = {k: frozenset(v) for k, v in known.items()}
    if not learned:
        return
    for a, (src, title) in zip(arts, pairs, strict=True):
        keys = learned.get(src)
        if keys and title:
            a.title = strip_learned(title, keys, site_names=[a.source_name], domain=a.source_domain,
                                    url=a.canonical_url, knowledge=kn) or title  # fmt: skip
