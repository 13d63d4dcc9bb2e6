"""Dates written in running text, in English, Russian and Urdu: ``find_date`` / ``date_at``.

Forms (any case form of a month name, abbreviations with or without a dot, an optional weekday in
front, an optional time before or after, Urdu (۰-۹) and Arabic-Indic (٠-٩) digits):

- day month [year]: "4 December 2023", "4th Dec", "4 декабря 2023 года", "4 дек", "17 ноя",
  "08 نومبر ، 2024", "15نومبر2024ء", "یکم نومبر" (the 1st), "ہفتہ 9 نومبر 2024", "Среда, 4 декабря"
- month day [, year] (English): "Dec 4", "Dec. 4, 2023", "December 4th 2023"
- numeric day-first: "17.11.2019", "17/11/2019", "17-11-2019" (month-first only when the second number
  cannot be a month: "12/20/2024"); ISO "2019-11-17"

A match is a :class:`TextDate`: the day and month, the year when stated, where it starts and ends, and
the time when one was stated with it. ``TextDate.resolve(ref)`` gives the calendar date: the stated
year, else the latest such day not after ``ref`` (the record's retrieval time). Digits and the Arabic
letter variants of Urdu text (ي/ی, ك/ک) are folded one character for one, so positions stay those of
the original string. Every search is guarded by a digit test.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_FOLD = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩يكى", "01234567890123456789یکی")
_EN_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_RU_MONTHS = (
    r"январ[ьяеюи]|янв|феврал[ьяеюи]|февр?|март[ауеом]?|мар|апрел[ьяеюи]|апр|ма[йяею]|июн[ьяеюи]?|"
    r"июл[ьяеюи]?|август[ауеом]?|авг|сентябр[ьяеюи]|сент?|октябр[ьяеюи]|окт|ноябр[ьяеюи]|нояб?|"
    r"декабр[ьяеюи]|дек"
)
UR_MONTHS = ("جنوری", "فروری", "مارچ", "اپریل", "مئی", "جون", "جولائی", "اگست", "ستمبر", "اکتوبر", "نومبر", "دسمبر")
_UR_VARIANTS = {"مئ": 5, "جولائ": 7, "جنوري": 1}
_UR_MONTH_RE = "|".join(sorted([*UR_MONTHS, *_UR_VARIANTS], key=len, reverse=True))
_MONTH_NUM: dict[str, int] = {m: i + 1 for i, m in enumerate(UR_MONTHS)} | _UR_VARIANTS
_RU_NUM = {"янв": 1, "фев": 2, "мар": 3, "апр": 4, "май": 5, "мая": 5, "мае": 5, "маю": 5, "июн": 6, "июл": 7,
           "авг": 8, "сен": 9, "окт": 10, "ноя": 11, "дек": 12}  # fmt: skip
_EN_NUM = {m: i + 1 for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                           "nov", "dec"))}  # fmt: skip
_NB = r"(?![^\W\d_])"  # not followed by a letter
_MON = rf"(?:(?:{_EN_MONTHS}|{_RU_MONTHS}){_NB}\.?|(?:{_UR_MONTH_RE}))"
_WEEKDAY = (
    r"(?:(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?|"
    r"понедельник|вторник|сред[аыу]|четверг|пятниц[аыу]|суббот[аыу]|воскресенье|"
    r"(?:пн|вт|ср|чт|пт|сб|вс)\.?|پیر|منگل|بدھ|جمعرات|جمعہ|ہفتہ|اتوار|سنیچر)[,،]?\s+)?"
)
_TIME = r"(?:[01]?\d|2[0-3])[:.][0-5]\d(?::[0-5]\d)?(?:\s*[ap]\.?\s?m\.?)?"
_YEAR = r"(?:19|20)\d{2}(?!\d)(?:\s*(?:года|год|г\.|г(?![^\W\d_])|ء))?"
_DAY = r"(?:(?<!\d)(?:[12]\d|3[01]|0?[1-9])(?!\d)(?:st|nd|rd|th|-?го|-е)?|یکم)"
_DATE = re.compile(
    rf"(?P<pre>{_TIME}\s+)?"
    rf"{_WEEKDAY}"
    rf"(?:(?P<d>{_DAY})\s*(?:of\s+)?(?P<m>{_MON})(?:\s*[,،]?\s*(?P<y>{_YEAR}))?"
    rf"|(?P<m2>(?:{_EN_MONTHS}){_NB})\.?\s+(?P<d2>{_DAY})(?:\s*,?\s*(?P<y2>{_YEAR}))?"
    rf"|(?<!\d)(?P<a>[0-3]?\d)(?P<sep>[./-])(?P<b>[0-3]?\d)(?P=sep)(?P<y3>(?:19|20)\d{{2}})(?!\d)"
    rf"|(?<![\d.])(?P<y4>(?:19|20)\d{{2}})-(?P<m4>[01]?\d)-(?P<d4>[0-3]?\d)(?!\d))"
    rf"(?P<post>\s*(?:[,|،]\s*|\s(?:at|в)\s+)?{_TIME})?",
    re.I,
)
_DIGIT_OR_URDU_DAY = re.compile(r"[0-9۰-۹٠-٩]|یکم")


def fold(text: str) -> str:
    """Urdu/Arabic-Indic digits to ASCII and Arabic letter variants to their Urdu forms (same length)."""
    return text.translate(_FOLD)


def has_digit(text: str) -> bool:
    return _DIGIT_OR_URDU_DAY.search(text) is not None


def month_of(token: str) -> int | None:
    """Month number of a month name or abbreviation in English, Russian (any case form) or Urdu."""
    t = fold(token).strip().rstrip(".").lower()
    if t in _MONTH_NUM:
        return _MONTH_NUM[t]
    if t[:1].isascii():
        return _EN_NUM.get(t[:3])
    return _RU_NUM.get(t[:3])


@dataclass(frozen=True, slots=True)
class TextDate:
    """A date found in text: day, month, the year if stated, its span, and the clock time if stated."""

    day: int
    month: int
    year: int | None
    start: int
    end: int
    has_time: bool = False

    def resolve(self, ref: dt.date | None) -> dt.date | None:
        """The stated date, or (no year) the latest such day on or before ``ref``; None when impossible."""
        if self.year is not None:
            try:
                return dt.date(self.year, self.month, self.day)
            except ValueError:
                return None
        if ref is None:
            return None
        for year in range(ref.year, ref.year - 5, -1):  # 29 Feb: back to a leap year
            try:
                d = dt.date(year, self.month, self.day)
            except ValueError:
                continue
            if d <= ref:
                return d
        return None


def _day(s: str) -> int:
    return 1 if s == "یکم" else int(re.match(r"\d+", s).group())  # type: ignore[union-attr]


def _year(s: str | None) -> int | None:
    return int(s[:4]) if s else None


def _from_match(m: re.Match[str]) -> TextDate | None:
    g = m.groupdict()
    if g["d"]:
        day, month, year = _day(g["d"]), month_of(g["m"]), _year(g["y"])
    elif g["d2"]:
        day, month, year = _day(g["d2"]), month_of(g["m2"]), _year(g["y2"])
    elif g["a"]:
        a, b = int(g["a"]), int(g["b"])
        day, month = (b, a) if b > 12 and a <= 12 else (a, b)
        year = int(g["y3"])
    else:
        day, month, year = int(g["d4"]), int(g["m4"]), int(g["y4"])
    if month is None or not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    try:
        dt.date(year or 2000, month, day)  # 2000 is a leap year: "29 Feb" without a year is possible
    except ValueError:
        return None
    return TextDate(day, month, year, m.start(), m.end(), bool(g["pre"] or g["post"]))


# where a date can start: a digit run, a month or weekday name, "یکم" (trying the date pattern only
# there is several times faster than scanning every position with it)
_CANDIDATE = re.compile(
    r"(?<![0-9])[0-9]|(?<![^\W\d_])(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|"
    r"sat|sun|пон|вто|сред|чет|пят|суб|вос|пн|вт|ср|чт|пт|сб|вс|پیر|منگل|بدھ|جمع|ہفتہ|اتوار|سنیچر|یکم)",
    re.I,
)


def date_starts(folded: str, start: int = 0) -> list[int]:
    """Positions in folded text (see :func:`fold`) where a date may start."""
    return [m.start() for m in _CANDIDATE.finditer(folded, start)]


def find_date(text: str, start: int = 0, end: int | None = None) -> TextDate | None:
    """The first date in ``text[start:end]`` (positions are of ``text``)."""
    end = len(text) if end is None else end
    if not has_digit(text[start:end]):
        return None
    folded = fold(text[:end])
    for c in _CANDIDATE.finditer(folded, start):
        m = _DATE.match(folded, c.start())
        if m is not None and (found := _from_match(m)) is not None:
            return found
    return None


def date_at(text: str, pos: int = 0) -> TextDate | None:
    """The date that starts exactly at ``pos``."""
    m = _DATE.match(fold(text), pos)
    return _from_match(m) if m else None


def full_date(text: str) -> TextDate | None:
    """``text`` is one date and nothing else (surrounding spaces aside)."""
    s = text.strip()
    if not s or len(s) > 80 or not has_digit(s):
        return None
    m = _DATE.fullmatch(fold(s))
    return _from_match(m) if m else None
