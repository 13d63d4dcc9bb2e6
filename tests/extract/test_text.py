from __future__ import annotations

import datetime as dt

import pytest

from newsetl.extract.text import byline_line, extract_text_meta, parse_dateline

TODAY = dt.date(2025, 1, 1)
P = "The two foreign ministers met in Islamabad for delegation-level talks lasting more than two hours."


def test_page_header_date_is_not_the_article_date() -> None:
    m = extract_text_meta(f"Monday December 05, 2022\n\nSome headline here\n\n{P}", today=TODAY)
    assert m.title == "Some headline here"
    assert m.page_date == dt.date(2022, 12, 5)
    assert m.published_date is None and m.date_source == "none"
    assert m.body == P


def test_date_line_under_title() -> None:
    m = extract_text_meta(f"Some headline here\n\nMarch 15, 2018\n\n{P}", today=TODAY)
    assert (m.published_date, m.date_source) == (dt.date(2018, 3, 15), "text:date_line")
    assert m.body == P


def test_date_line_after_page_date_is_implausible() -> None:
    m = extract_text_meta(f"March 1, 2018\n\nSome headline\n\nMarch 15, 2018\n\n{P}", today=TODAY)
    assert m.published_date is None  # published after the page was saved: impossible
    assert m.body == P


def test_date_prefix_form() -> None:
    m = extract_text_meta(f"date 2021-04-07 Russian FM in Pakistan\n\n{P}", today=TODAY)
    assert (m.title, m.published_date, m.date_source) == (
        "Russian FM in Pakistan", dt.date(2021, 4, 7), "text:date_prefix")  # fmt: skip
    m = extract_text_meta(f"Published: March 15, 2018 | Headline words\n\n{P}", today=TODAY)
    assert (m.title, m.published_date) == ("Headline words", dt.date(2018, 3, 15))


def test_future_date_never_taken() -> None:
    m = extract_text_meta(f"Headline\n\nMarch 15, 2031\n\n{P}", today=TODAY)
    assert m.published_date is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [("F.P. Report", "F.P. Report"), ("By Baqir Sajjad Syed", "By Baqir Sajjad Syed"),
     ("Staff Reporter", "Staff Reporter"), ("APP", "APP"), ("Our Correspondent", "Our Correspondent"),
     ("By Staff Reporter | March 15, 2018", "By Staff Reporter"), ("Reuters", "Reuters"),
     ("By the way, this is prose.", None), ("Pakistan and Russia", None), ("by the river", None)],
)  # fmt: skip
def test_byline(line: str, expected: str | None) -> None:
    assert byline_line(line) == expected


def test_byline_removed_from_body() -> None:
    m = extract_text_meta(f"Headline\n\nF.P. Report\n\nMOSCOW: {P}", today=TODAY)
    assert m.byline == "F.P. Report"
    assert m.dateline_city == "Moscow"
    assert m.body == f"MOSCOW: {P}"


@pytest.mark.parametrize(
    ("par", "city", "date", "agency"),
    [
        ("ISLAMABAD, Jun 16 (APP): The minister said.", "Islamabad", dt.date(2022, 6, 16), "APP"),
        ("MOSCOW: Foreign Minister said.", "Moscow", None, None),
        ("ISLAMABAD – Foreign Minister said.", "Islamabad", None, None),
        ("DERA ISMAIL KHAN: Police said.", "Dera Ismail Khan", None, None),
        ("Islamabad, June 16, 2021 (APP): Text.", "Islamabad", dt.date(2021, 6, 16), "APP"),
        ("BREAKING: Something happened.", None, None, None),
        ("The minister said: yes.", None, None, None),
    ],
)
def test_dateline(par: str, city: str | None, date: dt.date | None, agency: str | None) -> None:
    res = parse_dateline(par, dt.date(2022, 12, 5))
    if city is None:
        assert res is None
    else:
        assert res == (city, date, agency)


def test_dateline_date_needs_known_year() -> None:
    m = extract_text_meta(f"Headline\n\nISLAMABAD, Jun 16 (APP): {P}", today=TODAY)
    assert m.published_date is None and m.byline == "APP" and m.dateline_city == "Islamabad"
    m = extract_text_meta(f"Monday December 05, 2022\n\nHeadline\n\nISLAMABAD, Jun 16 (APP): {P}", today=TODAY)
    assert (m.published_date, m.date_source) == (dt.date(2022, 6, 16), "text:dateline")


def test_long_first_paragraph_is_not_a_title() -> None:
    long_par = " ".join([P] * 3)
    m = extract_text_meta(long_par, hint_title="Card title", today=TODAY)
    assert (m.title, m.title_source) == ("Card title", "link_card")
    assert m.body == long_par
    m = extract_text_meta(long_par, today=TODAY)
    assert m.title is None and m.body == long_par


def test_published_line_wins_over_an_earlier_updated_line() -> None:
    m = extract_text_meta(f"Some headline here\n\nUpdated: March 16, 2018\n\nPublished: March 15, 2018\n\n{P}", today=TODAY)
    assert (m.published_date, m.date_source) == (dt.date(2018, 3, 15), "text:date_line")
    assert m.body == P


def test_published_and_updated_on_one_line() -> None:
    m = extract_text_meta(f"Some headline here\n\nPublished: 15 Mar 2018 | Updated: 16 Mar 2018\n\n{P}", today=TODAY)
    assert (m.published_date, m.date_source) == (dt.date(2018, 3, 15), "text:date_line")
    assert m.body == P


def test_updated_line_alone_is_the_last_resort() -> None:
    m = extract_text_meta(f"Some headline here\n\nLast updated: March 16, 2018\n\n{P}", today=TODAY)
    assert (m.published_date, m.date_source) == (dt.date(2018, 3, 16), "text:updated_line")
    assert m.body == P


def test_dateline_after_the_update_is_not_the_publication_date() -> None:
    body = f"Some headline here\n\nUpdated: March 16, 2018\n\nISLAMABAD, March 20, 2018: {P}"
    m = extract_text_meta(body, today=TODAY)
    assert (m.published_date, m.date_source) == (dt.date(2018, 3, 16), "text:updated_line")
    assert m.dateline_city == "Islamabad"


def test_updated_date_prefix_is_not_the_publication_date() -> None:
    m = extract_text_meta(f"Updated 2021-04-08 Russian FM in Pakistan\n\nPublished: 7 April 2021\n\n{P}", today=TODAY)
    assert m.title == "Russian FM in Pakistan"
    assert (m.published_date, m.date_source) == (dt.date(2021, 4, 7), "text:date_line")
