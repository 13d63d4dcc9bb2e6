"""Required outcomes on the five bundled sample articles."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from newsetl.clean_extract import clean_extract
from newsetl.model import Article, RawDoc

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
TODAY = dt.date(2025, 1, 1)


def _article(prefix: str) -> Article:
    (path,) = SAMPLE.glob(f"{prefix}_*.txt")
    text = path.read_text(encoding="utf-8")
    doc = RawDoc(
        source_uri=str(path), record_index=0, format="txt", text=text, content_hash="x",
        size_bytes=path.stat().st_size,
    )  # fmt: skip
    return clean_extract(doc, today=TODAY)


def test_001_title_and_date_line_not_page_header() -> None:
    a = _article("001")
    assert a.title == "Pakistan, Russia to work for regional peace, stability"
    assert a.title_source == "first_line"
    assert a.published_date == dt.date(2018, 3, 15)
    assert a.date_source == "text:date_line"
    assert a.dateline_city == "Islamabad"
    assert not a.body.startswith("Monday December 05, 2022")
    assert "March 15, 2018" not in a.body
    assert a.body.startswith("ISLAMABAD: In another high-level meeting")


def test_003_date_prefix_and_tweets() -> None:
    a = _article("003")
    assert a.title == "Russian FM in Pakistan to hold top-level talks today"
    assert a.published_date == dt.date(2021, 4, 7)
    assert a.date_source == "text:date_prefix"
    assert "??" not in a.body
    assert "pic.twitter.com" not in a.body
    assert "(@" not in a.body
    assert a.dateline_city == "Islamabad"
    assert [(e.platform, e.handle, e.author, e.posted_date) for e in a.embeds] == [
        ("twitter", "@SMQureshiPTI", "Shah Mahmood Qureshi", dt.date(2021, 4, 6)),
        ("twitter", "@mfa_russia", "MFA Russia", dt.date(2021, 4, 6)),
    ]
    assert a.embeds[0].url == "https://pic.twitter.com/6sAazwuRIJ"
    assert "#SergeyLavrov" in a.embeds[0].text
    assert a.embeds[1].text.startswith("Russian Foreign Minister Sergey #Lavrov arrived")
    assert a.encoding_loss == 44  # 8+4+8 and 16 and 8 '?' left by lost emoji
    # the article text around the tweets stays
    assert "in a tweet said the Russian Foreign Minister's visit" in a.body
    assert a.body.rstrip().endswith("countering terrorism.")
    assert a.language == "en"


def test_000_byline_dateline_no_date() -> None:
    a = _article("000")
    assert a.title == "FM Bilawal: Pakistan intends to intensify cooperation with Russia in different sectors"
    assert a.published_date is None and a.published_at is None
    assert a.date_source == "none"
    assert a.byline == "F.P. Report"
    assert a.dateline_city in ("Moscow", "MOSCOW")
    assert "F.P. Report" not in a.body
    assert a.body.startswith("MOSCOW: Foreign Minister Bilawal Bhutto Zardari")


def test_002_title_keeps_typographic_apostrophe() -> None:
    a = _article("002")
    # typographic quotes are kept as written (normalize_text does not uncurl quotes)
    assert a.title == "Moscow to continue boosting Pakistan\u2019s counter-terror capacity: Lavrov"
    assert a.published_date is None
    assert a.date_source == "none"
    assert "\xa0" not in a.body
    assert a.body.startswith("Russian Foreign Minister Sergey Lavrov says")


def test_004_forum_post() -> None:
    a = _article("004")
    assert a.body.count("Lavrov planted a tree at the FO lawn") == 1
    assert a.body.count("Sergey Lavrov\u2019s two-day trip to Pakistan") == 1
    for chrome in ("FULL MEMBER", "Joined", "Messages", "Reaction score", "Vanguard One", "www.dawn.com"):
        assert chrome not in a.body
    assert a.comments == [
        "Looks like the Indian cow has run dry, now it's the turn of Pakistan.",
        "I guess now the Pakistanis will be more Russian than the Russians?",
    ]
    assert "Indian cow" not in a.body and "more Russian than the Russians" not in a.body
    assert a.title == "Qureshi-Lavrov talks: Russia to boost ties with Pakistan, supply military gear"
    assert a.title_source == "link_card"
    assert a.source_domain == "dawn.com"
    assert a.source_name == "Dawn"
    assert a.published_date is None and a.date_source == "none"  # not the forum's 2019-12-20 join date
    assert a.body.startswith("Russia\u2019s foreign minister on Wednesday said")
    assert a.body.endswith("through further high-level contacts.\"")
    assert a.ledger["forum_user_block"][0] == 10
    assert a.ledger["repeated_block"][0] == 46


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_samples_paragraphs_and_counts(prefix: str) -> None:
    a = _article(prefix)
    assert "\n\n" in a.body and "\n\n\n" not in a.body
    assert a.word_count == len(a.body.split())
    assert a.language == "en"
    assert not re.search(r"\?{2,}", a.body)
