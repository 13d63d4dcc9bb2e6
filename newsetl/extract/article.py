"""``extract_article``: one RawDoc -> one clean Article (body, title, date, source, byline, language).

- HTML (``doc.body_is_html`` or format ``html``): ``newsetl.extract.html.extract_html`` (imported lazily),
  then ``clean_text`` on its text; fields stated by a structured record override what the page says.
- Structured records (json, jsonl, csv, feed): ``doc.fields`` (title -> ``field:title``, date ->
  ``field:date``, url -> canonical_url and source_domain, source -> source_name, author -> byline).
- Plain text: ``newsetl.extract.text.extract_text_meta`` on the cleaned body.

A date is never invented: without a stated, plausible date, ``published_date`` is None and
``date_source`` is ``"none"``. Dates of forum join lines and embedded tweets never reach the article
(the cleaner removes them before any date is looked for).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from newsetl.clean import clean_text
from newsetl.errors import TerminalError
from newsetl.extract.dates import is_plausible, parse_date
from newsetl.extract.language import detect_language, normalize_language
from newsetl.extract.text import extract_text_meta, parse_dateline
from newsetl.model import Article, CleanText, RawDoc

STRUCTURED_FORMATS = frozenset({"json", "jsonl", "csv", "feed"})

# registered domain -> publisher name (Pakistani and international outlets seen in the corpora)
KNOWN_SOURCES: dict[str, str] = {
    "dawn.com": "Dawn",
    "tribune.com.pk": "The Express Tribune",
    "thenews.com.pk": "The News",
    "geo.tv": "Geo News",
    "nation.com.pk": "The Nation",
    "pakobserver.net": "Pakistan Observer",
    "thefrontierpost.com": "The Frontier Post",
    "dailytimes.com.pk": "Daily Times",
    "brecorder.com": "Business Recorder",
    "app.com.pk": "Associated Press of Pakistan",
    "radio.gov.pk": "Radio Pakistan",
    "arynews.tv": "ARY News",
    "samaa.tv": "Samaa",
    "dunyanews.tv": "Dunya News",
    "pakistantoday.com.pk": "Pakistan Today",
    "mofa.gov.pk": "Ministry of Foreign Affairs of Pakistan",
    "ispr.gov.pk": "ISPR",
    "defence.pk": "Pakistan Defence Forum",
    "bbc.co.uk": "BBC",
    "bbc.com": "BBC",
    "reuters.com": "Reuters",
    "apnews.com": "Associated Press",
    "aljazeera.com": "Al Jazeera",
    "tass.com": "TASS",
    "tass.ru": "TASS",
    "rt.com": "RT",
    "ria.ru": "RIA Novosti",
    "sputniknews.com": "Sputnik",
    "mid.ru": "Ministry of Foreign Affairs of Russia",
    "theguardian.com": "The Guardian",
    "nytimes.com": "The New York Times",
    "washingtonpost.com": "The Washington Post",
    "thehindu.com": "The Hindu",
    "hindustantimes.com": "Hindustan Times",
    "timesofindia.indiatimes.com": "The Times of India",
    "indiatimes.com": "The Times of India",
    "arabnews.com": "Arab News",
    "xinhuanet.com": "Xinhua",
    "globaltimes.cn": "Global Times",
    "bloomberg.com": "Bloomberg",
    "ft.com": "Financial Times",
    "thediplomat.com": "The Diplomat",
    "twitter.com": "Twitter",
    "x.com": "X",
}
_SECOND_LEVEL = frozenset({"com", "co", "org", "net", "gov", "edu", "ac", "gob", "or", "ne", "go", "nic", "mil"})


def registered_domain(host_or_url: str | None) -> str | None:
    """``https://www.dawn.com/news/1`` -> ``dawn.com``; ``m.tribune.com.pk`` -> ``tribune.com.pk``."""
    if not host_or_url:
        return None
    s = host_or_url.strip().lower()
    host = urlsplit(s).hostname if "//" in s else s.split("/")[0]
    if not host or "." not in host:
        return None
    host = host.rstrip(".")
    labels = host.split(".")
    if host in KNOWN_SOURCES:
        return host
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


def source_name_for(domain: str | None) -> str | None:
    """A readable publisher name: the known-sources map, else the domain's first label capitalised."""
    if not domain:
        return None
    if domain in KNOWN_SOURCES:
        return KNOWN_SOURCES[domain]
    label = domain.split(".")[0]
    return label.replace("-", " ").title() if label else None


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
    if " ".join(first.casefold().split()) == " ".join(title.casefold().split()):
        return rest
    return body


def _finish(doc: RawDoc, art: Article, ct: CleanText, body: str, stated_lang: str | None) -> Article:
    if not body.strip():
        raise TerminalError("empty_body", "no article text left after cleaning", doc.source_uri)
    art.body = body
    art.word_count = len(body.split())
    lang = detect_language(body)
    if lang == "und" and stated_lang:
        lang = normalize_language(stated_lang) or "und"
    art.language = lang
    art.encoding_loss = ct.encoding_loss
    art.comments = ct.comments
    art.embeds = ct.embeds
    art.ledger = ct.ledger
    if art.source_domain and not art.source_name:
        art.source_name = source_name_for(art.source_domain)
    if art.published_date is None:
        art.published_at, art.date_source = None, "none"
    return art


def _set_date(art: Article, value: str | None, source: str, today: dt.date | None) -> None:
    if art.published_date is not None or not value:
        return
    parsed = parse_date(value, today=today)
    if parsed is not None:
        art.published_date, art.published_at = parsed
        art.date_source = source


def extract_article(doc: RawDoc, *, today: dt.date | None = None) -> Article:
    """Clean ``doc`` and extract its metadata; raise TerminalError("empty_body", ...) when nothing is left,
    or whatever ``extract_html`` raises (e.g. "no_article") for a page without an article."""
    art = Article(article_id=doc.article_id, source_uri=doc.source_uri, format=doc.format, body="")
    fields = doc.fields or {}
    f_title = _clean_field(fields.get("title"))
    f_url = _clean_field(fields.get("url"))
    f_source = _clean_field(fields.get("source"))
    f_author = _clean_field(fields.get("author"))
    f_lang = _clean_field(fields.get("language"))

    if doc.body_is_html or doc.format == "html":
        from newsetl.extract.html import extract_html  # written concurrently; imported only when needed

        hx = extract_html(doc.text, url=f_url)
        ct = clean_text(hx.text or "")
        if f_title:
            art.title, art.title_source = f_title, "field:title"
        elif hx.title:
            art.title, art.title_source = " ".join(hx.title.split()), hx.title_source
        _set_date(art, fields.get("date"), "field:date", today)
        if art.published_date is None and hx.date is not None and is_plausible(hx.date, today):
            art.published_date, art.published_at = hx.date, hx.published_at
            art.date_source = hx.date_source or "html"
        art.canonical_url = f_url or hx.canonical_url
        art.source_domain = registered_domain(art.canonical_url) or registered_domain(hx.domain)
        art.source_name = f_source or hx.site_name
        art.byline = f_author or hx.byline
        art.extractor = hx.extractor
        body = _strip_title_par(ct.body, art.title)
        first = body.split("\n\n", 1)[0]
        dl = parse_dateline(first, None) if first else None
        if dl is not None:
            art.dateline_city = dl[0]
        return _finish(doc, art, ct, body, f_lang or hx.language)

    ct = clean_text(doc.text)
    if doc.format in STRUCTURED_FORMATS or fields:
        art.canonical_url = f_url
        art.source_domain = registered_domain(f_url)
        art.source_name = f_source
        art.byline = f_author
        _set_date(art, fields.get("date"), "field:date", today)
        if f_title:
            art.title, art.title_source = f_title, "field:title"
            body = _strip_title_par(ct.body, f_title)
            first = body.split("\n\n", 1)[0]
            dl = parse_dateline(first, None) if first else None
            if dl is not None:
                art.dateline_city = dl[0]
                if not art.byline and dl[2]:
                    art.byline = dl[2]
            return _finish(doc, art, ct, body, f_lang)
        # no title field: read the text like a plain-text article
    meta = extract_text_meta(
        ct.body, hint_title=ct.hints.get("title"), forum="forum_user_block" in ct.ledger, today=today
    )
    if art.title is None:
        art.title, art.title_source = meta.title, meta.title_source
    if art.published_date is None and meta.published_date is not None:
        art.published_date, art.published_at, art.date_source = meta.published_date, meta.published_at, meta.date_source
    art.byline = art.byline or meta.byline
    art.dateline_city = meta.dateline_city
    if not art.source_domain and ct.hints.get("source_domain"):
        art.source_domain = registered_domain(ct.hints["source_domain"])
    return _finish(doc, art, ct, meta.body, f_lang)


