from __future__ import annotations

import datetime as dt

import pytest

from newsetl.extract.dates import (
    is_plausible,
    labelled_dates,
    parse_date,
    parse_date_fast,
    parse_date_line,
    parse_labelled_line,
    resolve_month_day,
)

TODAY = dt.date(2025, 1, 1)
UTC = dt.UTC


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2021-04-07", dt.date(2021, 4, 7)),
        ("March 15, 2018", dt.date(2018, 3, 15)),
        ("Mar 15, 2018", dt.date(2018, 3, 15)),
        ("Mar. 15 2018", dt.date(2018, 3, 15)),
        ("15 March 2018", dt.date(2018, 3, 15)),
        ("15th March, 2018", dt.date(2018, 3, 15)),
        ("Monday December 05, 2022", dt.date(2022, 12, 5)),
        ("2018/03/15", dt.date(2018, 3, 15)),
        ("15.03.2018", dt.date(2018, 3, 15)),
        ("03/15/2018", dt.date(2018, 3, 15)),  # second number > 12: month-first
        ("04/03/2018", dt.date(2018, 3, 4)),  # ambiguous: day-first
        ("Tue Apr 06, 2021 3:10 pm", dt.date(2021, 4, 6)),
    ],
)
def test_fast_path_dates(value: str, expected: dt.date) -> None:
    assert parse_date_fast(value) is not None
    assert parse_date(value, today=TODAY) == (expected, None)


def test_iso_with_zone_gives_utc_datetime() -> None:
    d, when = parse_date("2021-04-07T10:00:00+05:00", today=TODAY)  # type: ignore[misc]
    assert d == dt.date(2021, 4, 7)
    assert when == dt.datetime(2021, 4, 7, 5, 0, tzinfo=UTC)


def test_epoch_seconds_and_ms() -> None:
    want = (dt.date(2021, 4, 7), dt.datetime(2021, 4, 7, tzinfo=UTC))
    assert parse_date("1617753600", today=TODAY) == want
    assert parse_date("1617753600000", today=TODAY) == want


def test_stated_time_with_zone() -> None:
    assert parse_date_line("Published: 15 Mar 2018 10:30 PKT") == (
        dt.date(2018, 3, 15), dt.datetime(2018, 3, 15, 5, 30, tzinfo=UTC))  # fmt: skip


def test_dateparser_fallback_is_strict() -> None:
    assert parse_date("le 7 avril 2021", today=TODAY, languages=["fr"]) == (dt.date(2021, 4, 7), None)
    assert parse_date("April 2021", today=TODAY) is None  # no day: not a date of record
    assert parse_date("2 hours ago", today=TODAY) is None
    assert parse_date("yesterday", today=TODAY) is None
    assert parse_date("hello world", today=TODAY) is None
    assert parse_date("", today=TODAY) is None


def test_plausibility() -> None:
    assert parse_date("2030-01-01", today=TODAY) is None
    assert parse_date("1850-01-01", today=TODAY) is None
    assert parse_date("2025-01-02", today=TODAY) is not None  # one day of timezone slack
    assert is_plausible(dt.date(1900, 1, 1), TODAY)
    assert not is_plausible(dt.date(1899, 12, 31), TODAY)


def test_invalid_calendar_dates() -> None:
    assert parse_date("February 30, 2020", today=TODAY) is None
    assert parse_date("2021-13-01", today=TODAY) is None


def test_date_line_and_resolve() -> None:
    assert parse_date_line("March 15, 2018") == (dt.date(2018, 3, 15), None)
    assert parse_date_line("Russia and Pakistan agreed on March 15, 2018 to talk") is None
    assert resolve_month_day(6, 16, dt.date(2022, 12, 5)) == dt.date(2022, 6, 16)
    assert resolve_month_day(12, 16, dt.date(2022, 12, 5)) == dt.date(2021, 12, 16)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fayes T Kantawala TFT Issue: 23 Jun 2017", [("published", dt.date(2017, 6, 23))]),
        ("Posted on 2019-03-05T10:00:00+05:00", [("published", dt.date(2019, 3, 5))]),
        ("Published on Monday, 5th March 2018", [("published", dt.date(2018, 3, 5))]),
        ("Print edition: 12/03/2018", [("published", dt.date(2018, 3, 12))]),
        ("Updated 19/09/2015", [("updated", dt.date(2015, 9, 19))]),
        ("Last modified: March 6, 2019", [("updated", dt.date(2019, 3, 6))]),
        ("Date: 12.03.2018", [("date", dt.date(2018, 3, 12))]),
        (
            "Published: March 5, 2019 | Updated: March 6, 2019",
            [("published", dt.date(2019, 3, 5)), ("updated", dt.date(2019, 3, 6))],
        ),
        ("Monday Aug 27, 2018", []),  # no label
        ("Issue 12", []),
        ("Candidates updated their papers 5 times", []),
    ],
)
def test_labelled_dates(text: str, expected: list[tuple[str, dt.date]]) -> None:
    assert [(kind, d) for kind, d, _when in labelled_dates(text)] == expected


def test_labelled_date_keeps_the_stated_time() -> None:
    assert labelled_dates("Published: March 5, 2019 10:30 am PKT") == [
        ("published", dt.date(2019, 3, 5), dt.datetime(2019, 3, 5, 5, 30, tzinfo=UTC))
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("TFT Issue: 04 Dec 2015", [("published", dt.date(2015, 12, 4))]),
        (
            "Posted on Monday, 5th March 2018 - Last updated 6 March 2018",
            [("published", dt.date(2018, 3, 5)), ("updated", dt.date(2018, 3, 6))],
        ),
        ("Published: 5 March 2019 by John Smith", None),  # more than dates on the line
        ("The budget was published: 5 March 2019", None),
        ("Published:", None),
        ("", None),
    ],
)
def test_parse_labelled_line(line: str, expected: list[tuple[str, dt.date]] | None) -> None:
    got = parse_labelled_line(line)
    assert (None if got is None else [(kind, d) for kind, d, _when in got]) == expected
