from __future__ import annotations

import datetime as dt
import sys
import types
from dataclasses import dataclass

import pytest

from newsetl.errors import TerminalError
from newsetl.extract.article import extract_article, registered_domain, source_name_for
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
    a = extract_article(doc, today=TODAY)
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
    a = extract_article(doc, today=TODAY)
    assert a.published_date is None and a.date_source == "none"
    assert a.source_name is None


def test_structured_without_title_reads_text() -> None:
    a = extract_article(_doc(f"A headline\n\n{P1}", "json", fields={"url": "https://tribune.com.pk/story/1"}))
    assert (a.title, a.title_source) == ("A headline", "first_line")
    assert (a.source_domain, a.source_name) == ("tribune.com.pk", "The Express Tribune")


def test_empty_body_raises() -> None:
    with pytest.raises(TerminalError) as ei:
        extract_article(_doc("Vanguard One\nFULL MEMBER\n- Joined\n- Dec 20, 2019\n- Messages\n- 10"))
    assert ei.value.reason == "empty_body" and ei.value.source_uri == "mem://x"
    with pytest.raises(TerminalError):
        extract_article(_doc("   \n\n "))


def test_title_only_text_raises_empty_body() -> None:
    with pytest.raises(TerminalError):
        extract_article(_doc("https://www.dawn.com/news/1\n#tag"))


def test_word_count_and_language() -> None:
    a = extract_article(_doc(f"Headline\n\n{P1}\n\n{P2}"), today=TODAY)
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
    a = extract_article(_doc("<html>...</html>", "html", body_is_html=True), today=TODAY)
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
        return _FakeExtract(P1, None, None, dt.date(2031, 1, 1), None, "url", None, None, None, None, None)

    monkeypatch.setitem(sys.modules, "newsetl.extract.html", types.SimpleNamespace(extract_html=fake))
    a = extract_article(_doc("<p>x</p>", "html", body_is_html=True), today=TODAY)
    assert a.published_date is None and a.date_source == "none"


def test_html_no_article_propagates(monkeypatch: pytest.MonkeyPatch) -> None:
    def fake(html: str, url: str | None = None) -> _FakeExtract:
        raise TerminalError("no_article", "index page")

    monkeypatch.setitem(sys.modules, "newsetl.extract.html", types.SimpleNamespace(extract_html=fake))
    with pytest.raises(TerminalError) as ei:
        extract_article(_doc("<p>x</p>", "html", body_is_html=True))
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
