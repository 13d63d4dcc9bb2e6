from __future__ import annotations

import datetime as dt

import pytest

from newsetl.extract.dates import (
    is_plausible,
    parse_date,
    parse_date_fast,
    parse_date_line,
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
