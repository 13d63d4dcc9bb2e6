"""Dates written in text in English, Russian and Urdu (newsetl.extract.textdate)."""

from __future__ import annotations

import datetime as dt

import pytest

from newsetl.extract.textdate import TextDate, date_at, find_date, full_date, month_of


@pytest.mark.parametrize(
    ("text", "day", "month", "year"),
    [
        ("4 December 2023", 4, 12, 2023), ("4th Dec", 4, 12, None), ("Dec 4", 4, 12, None),
        ("Dec. 4, 2023", 4, 12, 2023), ("December 4th 2023", 4, 12, 2023),
        ("Tue Apr 06, 2021 3:10 pm", 6, 4, 2021),
        # Russian: every case form and abbreviation
        ("4 декабря 2023 года", 4, 12, 2023), ("4 дек", 4, 12, None), ("4 дек.", 4, 12, None),
        ("17 ноя", 17, 11, None), ("1 мая", 1, 5, None), ("31 мая 2020 г.", 31, 5, 2020),
        ("12 марта", 12, 3, None), ("3 сентября 2019г", 3, 9, 2019), ("Среда, 4 декабря", 4, 12, None),
        ("9 февр. 2021", 9, 2, 2021), ("5 июня", 5, 6, None), ("6 июля", 6, 7, None),
        # Urdu: month names, Urdu and Arabic-Indic digits, ء, Arabic comma, یکم
        ("08 نومبر ، 2024", 8, 11, 2024), ("15نومبر2024ء", 15, 11, 2024), ("یکم نومبر", 1, 11, None),
        ("ہفتہ 9 نومبر 2024", 9, 11, 2024), ("۰۸ نومبر ۲۰۲۴", 8, 11, 2024), ("٠٨ مئی ٢٠٢٤", 8, 5, 2024),
        ("5 جولائی", 5, 7, None), ("12 فروری 2019", 12, 2, 2019),
        # numeric
        ("17.11.2019", 17, 11, 2019), ("17/11/2019", 17, 11, 2019), ("12/20/2024", 20, 12, 2024),
        ("2019-11-17", 17, 11, 2019), ("17:13  17.11.2019", 17, 11, 2019),
    ],
)  # fmt: skip
def test_full_dates(text: str, day: int, month: int, year: int | None) -> None:
    td = full_date(text)
    assert td is not None and (td.day, td.month, td.year) == (day, month, year)


@pytest.mark.parametrize("text", ["in 5 markets", "31 нояб", "2024", "5 may be", "45 December", "Marching 5"])
def test_not_dates(text: str) -> None:
    assert full_date(text) is None


def test_find_date_positions_are_of_the_original() -> None:
    s = "کر دیا۰۸ نومبر ، ۲۰۲۴"
    td = find_date(s)
    assert td is not None and s[td.start : td.end] == "۰۸ نومبر ، ۲۰۲۴"
    td = find_date("МОСКВА, 17 ноя — РИА Новости.")
    assert td is not None and (td.start, td.end, td.day, td.month) == (8, 14, 17, 11)
    assert date_at("x 4 Dec", 2) is not None and date_at("x 4 Dec", 0) is None


def test_resolve_against_retrieval_time() -> None:
    nov17 = TextDate(17, 11, None, 0, 6)
    assert nov17.resolve(dt.date(2020, 5, 31)) == dt.date(2019, 11, 17)  # the latest such day not after it
    assert nov17.resolve(dt.date(2019, 11, 17)) == dt.date(2019, 11, 17)
    assert nov17.resolve(None) is None
    assert TextDate(29, 2, None, 0, 1).resolve(dt.date(2023, 6, 1)) == dt.date(2020, 2, 29)
    assert TextDate(4, 12, 2023, 0, 1).resolve(None) == dt.date(2023, 12, 4)


def test_month_names() -> None:
    assert [month_of(m) for m in ("декабря", "дек.", "Dec", "december", "نومبر", "мая", "май", "марта")] == [
        12, 12, 12, 12, 11, 5, 5, 3]  # fmt: skip
    assert month_of("xyz") is None
