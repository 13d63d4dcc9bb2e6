from __future__ import annotations

import datetime as dt
import sys
import types
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsetl.clean_extract import clean_extract
from newsetl.errors import TerminalError
from newsetl.extract.article import registered_domain, source_name_for
from newsetl.model import RawDoc

TODAY = dt.date(2025, 1, 1)
P1 = "Russia and Pakistan agreed on Wednesday to expand cooperation in energy, trade and defence, officials said."
P2 = "The two foreign ministers met in Islamabad for delegation-level talks lasting more than two hours."


def _doc(text: str, fmt: str = "txt", **kw: object) -> RawDoc:
    return RawDoc(source_uri="mem://x", record_index=0, format=fmt, text=text, content_hash="h",
                  size_bytes=len(text), **kw)  # type: ignore[arg-type]  # fmt: skip


def test_structured_record_uses_fields() -> None:
    doc = _doc(
        f"Russia, Pakistan expand ties\n\nISLAMABAD: {P1}\n\n{P2}",
        "jsonl",
        fields={"title": " Russia, Pakistan  expand ties ", "date": "2021-04-07T10:00:00+05:00",
                "url": "https://www.dawn.com/news/1616717", "source": "Dawn", "author": "Baqir Sajjad"},
    )  # fmt: skip
    a = clean_extract(doc, today=TODAY)
    assert (a.title, a.title_source) == ("Russia, Pakistan expand ties", "field:title")
    assert (a.published_date, a.date_source) == (dt.date(2021, 4, 7), "field:date")
    assert a.published_at == dt.datetime(2021, 4, 7, 5, tzinfo=dt.UTC)
    assert a.canonical_url == "https://www.dawn.com/news/1616717"
    assert (a.source_domain, a.source_name, a.byline) == ("dawn.com", "Dawn", "Baqir Sajjad")
    assert a.body == f"ISLAMABAD: {P1}\n\n{P2}"  # the title repeated as first paragraph is dropped
    assert a.dateline_city == "Islamabad"
    assert a.article_id == "mem://x#0" and a.format == "jsonl"


def test_structured_bad_date_is_not_invented() -> None:
    doc = _doc(f"{P1}\n\n{P2}", "csv", fields={"title": "T", "date": "sometime last week"})
    a = clean_extract(doc, today=TODAY)
    assert a.published_date is None and a.date_source == "none"
    assert a.source_name is None


def test_structured_without_title_reads_text() -> None:
    a = clean_extract(_doc(f"A headline\n\n{P1}\n\n{P2}", "json", fields={"url": "https://tribune.com.pk/story/1"}))
    assert (a.title, a.title_source) == ("A headline", "first_line")
    assert (a.source_domain, a.source_name) == ("tribune.com.pk", "The Express Tribune")


def test_empty_body_raises() -> None:
    with pytest.raises(TerminalError) as ei:
        clean_extract(_doc("Vanguard One\nFULL MEMBER\n- Joined\n- Dec 20, 2019\n- Messages\n- 10"))
    assert ei.value.reason == "empty_body" and ei.value.source_uri == "mem://x"
    with pytest.raises(TerminalError):
        clean_extract(_doc("   \n\n "))


def test_title_only_text_raises_empty_body() -> None:
    with pytest.raises(TerminalError):
        clean_extract(_doc("https://www.dawn.com/news/1\n#tag"))


def test_word_count_and_language() -> None:
    a = clean_extract(_doc(f"Headline\n\n{P1}\n\n{P2}"), today=TODAY)
    assert a.word_count == len(P1.split()) + len(P2.split())
    assert a.language == "en"


@dataclass
class _FakeExtract:
    text: str
    title: str | None
    title_source: str | None
    date: dt.date | None
    published_at: dt.datetime | None
    date_source: str | None
    site_name: str | None
    domain: str | None
    canonical_url: str | None
    byline: str | None
    language: str | None
    extractor: str = "trafilatura"


def test_html_doc_uses_extract_html(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, str | None]] = []

    def fake_extract_html(html: str, url: str | None = None) -> _FakeExtract:
        calls.append((html, url))
        return _FakeExtract(
            text=f"Russia to boost ties\n\nMOSCOW: {P1}\n\nShare this:\n\n{P2}",
            title="Russia to boost ties", title_source="og:title", date=dt.date(2021, 4, 7),
            published_at=None, date_source="html:meta", site_name="DAWN.COM", domain="www.dawn.com",
            canonical_url="https://www.dawn.com/news/1", byline="Reuters", language="en",
        )  # fmt: skip

    monkeypatch.setitem(sys.modules, "newsetl.extract.html", types.SimpleNamespace(extract_html=fake_extract_html))
    a = clean_extract(_doc("<html>...</html>", "html", body_is_html=True), today=TODAY)
    assert calls == [("<html>...</html>", None)]
    assert (a.title, a.title_source) == ("Russia to boost ties", "og:title")
    assert (a.published_date, a.date_source) == (dt.date(2021, 4, 7), "html:meta")
    assert (a.source_domain, a.source_name, a.canonical_url) == ("dawn.com", "DAWN.COM", "https://www.dawn.com/news/1")
    assert a.body == f"MOSCOW: {P1}\n\n{P2}"
    assert a.dateline_city == "Moscow"
    assert a.ledger["share_bar"][0] == 1
    assert a.extractor == "trafilatura"


def test_html_future_date_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    def fake(html: str, url: str | None = None) -> _FakeExtract:
        return _FakeExtract(f"{P1}\n\n{P2}", None, None, dt.date(2031, 1, 1), None, "url", None, None, None, None, None)

    monkeypatch.setitem(sys.modules, "newsetl.extract.html", types.SimpleNamespace(extract_html=fake))
    a = clean_extract(_doc("<p>x</p>", "html", body_is_html=True), today=TODAY)
    assert a.published_date is None and a.date_source == "none"


def test_html_no_article_propagates(monkeypatch: pytest.MonkeyPatch) -> None:
    def fake(html: str, url: str | None = None) -> _FakeExtract:
        raise TerminalError("no_article", "index page")

    monkeypatch.setitem(sys.modules, "newsetl.extract.html", types.SimpleNamespace(extract_html=fake))
    with pytest.raises(TerminalError) as ei:
        clean_extract(_doc("<p>x</p>", "html", body_is_html=True))
    assert ei.value.reason == "no_article"


@pytest.mark.parametrize(
    ("value", "domain", "name"),
    [("https://www.dawn.com/news/1", "dawn.com", "Dawn"), ("m.tribune.com.pk", "tribune.com.pk", "The Express Tribune"),
     ("https://news.bbc.co.uk/x", "bbc.co.uk", "BBC"), ("www.some-paper.net", "some-paper.net", "Some Paper"),
     ("not a url", None, None)],
)  # fmt: skip
def test_domains(value: str, domain: str | None, name: str | None) -> None:
    assert registered_domain(value) == domain
    assert source_name_for(domain) == name


# --- junk records, field types, titles and dates through the batch path --------------------------------
def _records(rows: list[object], name: str = "recs.jsonl", mtime: float | None = None) -> list[RawDoc]:
    import json

    from newsetl.ingest import read_bytes
    from newsetl.settings import IngestConfig

    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()
    docs, rejects = read_bytes(f"/data/{name}", data, IngestConfig(), mtime=mtime)
    assert rejects == []
    return docs


LONG = f"{P1} {P2}"
RU_BODY = ("Учёные из университета испытали новый способ лечения болезни, сообщили в пресс-службе института "
           "в понедельник вечером. По их словам, результаты опыта превзошли ожидания, и работа продолжится "
           "в следующем году при поддержке министерства и нескольких частных фондов.")  # fmt: skip
UR_BODY = ("وزیراعظم نے کابینہ کے اجلاس میں ملک کی معاشی صورتحال پر تفصیلی بریفنگ لی اور اہم فیصلے کیے۔ "
           "اجلاس میں وفاقی وزرا نے شرکت کی اور مختلف منصوبوں پر غور کیا گیا، جبکہ آئندہ بجٹ کی تیاری کے "
           "حوالے سے بھی ہدایات جاری کی گئیں۔")  # fmt: skip


def test_wrong_field_types_are_quarantined_with_their_reason() -> None:
    from newsetl.clean_extract import clean_extract_batch

    docs = _records([
        {"title": 5, "content": ["not", "a", "string"]},
        {"title": "Good title", "content": {"html": None}},
        {"title": {"id": 7}, "body": LONG},
        {"title": "Fine", "content": LONG},
        {"title": {"rendered": "WordPress title"}, "content": {"rendered": LONG, "protected": False}},
    ])  # fmt: skip
    arts, rej = clean_extract_batch(docs)
    assert [a.title for a in arts] == ["Fine", "WordPress title"]  # a value object is its string
    assert [(r.reason, r.article_id) for r in rej] == [
        ("wrong_field_type", "/data/recs.jsonl#0"), ("wrong_field_type", "/data/recs.jsonl#1"),
        ("wrong_field_type", "/data/recs.jsonl#2")]  # fmt: skip
    assert rej[0].detail.startswith("title is a number (5)") and "ingest.field_map" in rej[0].detail
    assert rej[1].detail.startswith("content is an object")
    assert rej[2].detail.startswith("title is an object")
    assert all(r.stage == "extract" for r in rej)


def test_short_body_is_junk_and_the_minimum_is_configurable() -> None:
    from newsetl.clean_extract import clean_extract_batch
    from newsetl.settings import ExtractConfig

    docs = _records([{"title": "Stub", "content": ["First short paragraph.", "Second one."]}])
    arts, rej = clean_extract_batch(docs)
    assert arts == [] and [r.reason for r in rej] == ["too_short"]
    assert rej[0].detail.startswith("5 words of text after cleaning, fewer than extract.min_body_words (25)")
    arts, rej = clean_extract_batch(docs, ExtractConfig(min_body_words=5))
    assert rej == [] and arts[0].body == "First short paragraph.\n\nSecond one."  # a list of strings: paragraphs


def test_title_field_affixes_and_glued_date() -> None:
    a = clean_extract(_records([{"title": "Senators rally - World - DAWN.COM", "url": "https://www.dawn.com/news/1",
                                 "content": LONG}])[0])  # fmt: skip
    assert (a.title, a.title_source, a.source_name) == ("Senators rally", "field:title", "Dawn")
    a = clean_extract(_records([{"title": "سابق ٹیسٹ کرکٹر انتقال کر گئے08 نومبر ، 2024", "content": UR_BODY}])[0])
    assert a.title == "سابق ٹیسٹ کرکٹر انتقال کر گئے"
    assert (a.published_date, a.date_source) == (dt.date(2024, 11, 8), "text:title_date")


def test_day_and_month_take_the_year_of_the_retrieval_time() -> None:
    rec = {"title": "Учёные нашли способ", "content": f"МОСКВА, 4 дек - РИА Новости. {RU_BODY}",
           "scraped_at": "2024-01-10T08:00:00Z"}  # fmt: skip
    a = clean_extract(_records([rec])[0])
    assert (a.published_date, a.date_source) == (dt.date(2023, 12, 4), "text:dateline+fetch_year")
    assert (a.dateline_city, a.byline) == ("Москва", "РИА Новости")
    rec = {"title": "پاکستان ٹیم کا اعلان08 نومبر", "content": UR_BODY}
    mtime = dt.datetime(2024, 11, 20, tzinfo=dt.UTC).timestamp()  # no fetch field: the file's time
    a = clean_extract(_records([rec], mtime=mtime)[0])
    assert (a.title, a.published_date, a.date_source) == (
        "پاکستان ٹیم کا اعلان", dt.date(2024, 11, 8), "text:title_date+mtime_year")  # fmt: skip
    a = clean_extract(_records([rec])[0])  # neither: the date is not invented
    assert (a.title, a.published_date, a.date_source) == ("پاکستان ٹیم کا اعلان", None, "none")


def test_dateline_in_a_record_body_beats_a_date_glued_to_its_title() -> None:
    rec = {"title": "Бюджет принят | 4 декабря 2023 года", "content": f"МОСКВА, 3 дек - РИА Новости. {RU_BODY}",
           "fetched_at": "2023-12-05"}  # fmt: skip
    a = clean_extract(_records([rec])[0])
    assert (a.title, a.published_date, a.date_source) == ("Бюджет принят", dt.date(2023, 12, 3),
                                                          "text:dateline+fetch_year")  # fmt: skip


def test_batch_learns_a_source_s_title_affix() -> None:
    from newsetl.clean_extract import clean_extract_batch

    rows = [{"title": f"Story {w} about the city - Art & Culture - Images", "content": LONG}
            for w in ("one", "two", "three", "four")]  # fmt: skip
    rows.append({"title": "A headline - with its own - part", "content": LONG})
    arts, rej = clean_extract_batch(_records(rows))
    assert rej == []
    assert [a.title for a in arts] == ["Story one about the city", "Story two about the city",
                                       "Story three about the city", "Story four about the city",
                                       "A headline - with its own - part"]  # fmt: skip
    assert {a.title_source for a in arts} == {"field:title"}


def test_relative_links_are_no_domain() -> None:
    assert registered_domain("index.html") is None
    assert registered_domain("132252.html") is None
    assert registered_domain("https://www.dawn.com/index.html") == "dawn.com"


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(["a", "ب", " ", "\n", "\t", "\u00a0", "\u2003", "\u3000", "\x1c", "\x85", "😀",
                                         "\u200b", "\ud800", "é"]), max_size=40))  # fmt: skip
def test_word_count_is_split(text: str) -> None:
    from newsetl.extract.article import word_count

    assert word_count(text) == len(text.split())


def test_no_astral_character_is_whitespace() -> None:
    from newsetl.extract.article import _space_table

    assert not any(chr(cp).isspace() for cp in range(0x10000, 0x110000)) and not _space_table()[0x10000:].any()


def _urlsplit_host(s: str) -> str | type[ValueError] | None:
    from urllib.parse import urlsplit

    try:
        return urlsplit(s).hostname
    except ValueError:
        return ValueError


_URL_PARTS = st.sampled_from(["https:", "http:", "//", "/", "www.", "dawn.com", "m.tribune.com.pk", ":8080", "user@",
                              "?q=1", "#top", "[::1]", "[", "]", "\t", "\n", " ", "\x01", "index.html", "a", ".", "é",
                              "ftp:", "x+y:", "1:", "\u2100"])  # fmt: skip


@settings(max_examples=1000, deadline=None)
@given(st.lists(_URL_PARTS, max_size=10).map("".join))
def test_url_head_holds_the_host(s: str) -> None:
    """registered_domain caches by url_head: urlsplit reads the same host (or the same error) from it."""
    from newsetl.extract.article import url_head

    assert _urlsplit_host(url_head(s)) == _urlsplit_host(s)


def _old_registered_domain(host_or_url: str) -> str | None:
    """registered_domain as it was before its cache (2994aab)."""
    from urllib.parse import urlsplit

    from newsetl.extract.article import _FILE_EXTENSIONS, _SECOND_LEVEL
    from newsetl.extract.sources import load_sources

    if not host_or_url:
        return None
    s = host_or_url.strip().lower()
    host = urlsplit(s).hostname if "//" in s else s.split("/")[0]
    if not host or "." not in host:
        return None
    host = host.rstrip(".")
    labels = host.split(".")
    if labels[-1] in _FILE_EXTENSIONS or not labels[-1].isalpha() or "" in labels:
        return None
    if host in load_sources().publishers:
        return host
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


@settings(max_examples=500, deadline=None)
@given(st.lists(_URL_PARTS, max_size=10).map("".join))
def test_cached_registered_domain_is_the_uncached(s: str) -> None:
    try:
        want: str | type[ValueError] | None = _old_registered_domain(s)
    except ValueError:
        want = ValueError
    for _ in range(2):  # the second from the cache
        try:
            got: str | type[ValueError] | None = registered_domain(s)
        except ValueError:
            got = ValueError
        assert got == want
