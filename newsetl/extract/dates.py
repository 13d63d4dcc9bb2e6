"""Date parsing: a fast path (ISO and common written forms) first, dateparser only as a fallback.

``parse_date`` answers "which day does this stated date string name?" and refuses anything that is not a
plausible publication date (before 1900, in the future). It never guesses: relative expressions
("2 hours ago", "yesterday") are not dates of record and are rejected.

Numeric day/month ambiguity (``03/04/2018``): day-first unless the first number cannot be a day
(``> 31``) or the second cannot be a month (``> 12``). The corpora are Pakistani/British news, which write
day-first.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from newsetl.extract.textdate import date_at, full_date, month_of

MIN_DATE = dt.date(1900, 1, 1)

MONTHS: dict[str, int] = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}  # fmt: skip

_MONTH = r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_TIME = (
    r"(?:\s*,?\s*(?:at\s+)?(?P<h>\d{1,2})[:.](?P<mi>\d{2})(?::(?P<s>\d{2}))?\s*(?P<ampm>[ap]\.?m\.?)?"
    r"\s*(?P<tz>utc|gmt|z|[+-]\d{2}:?\d{2}|pkt|pst)?)?"
)
_TZ_OFFSETS = {"utc": 0, "gmt": 0, "z": 0, "pkt": 5 * 60}

# "March 15, 2018", "Monday December 05, 2022", "Mar. 15 2018 10:30 am"
_MDY = re.compile(_WEEKDAY + _MONTH + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})" + _TIME, re.I)
# "15 March 2018", "Friday, 15th Mar, 2018"
_DMY = re.compile(_WEEKDAY + r"(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r",?\s+(?P<y>\d{4})" + _TIME, re.I)
# "2018/03/15", "2018.03.15"
_YMD = re.compile(r"(?P<y>\d{4})[/.](?P<m>\d{1,2})[/.](?P<d>\d{1,2})" + _TIME, re.I)
# "15.03.2018", "15/03/2018", "15-03-2018"
_NUM_DMY = re.compile(r"(?P<a>\d{1,2})[/.-](?P<b>\d{1,2})[/.-](?P<y>\d{4})" + _TIME, re.I)
_ISO_SHAPE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}(?:$|[T ])")
_EPOCH = re.compile(r"\d{9,10}|\d{12,13}")
_DIGIT = re.compile(r"\d")
_RELATIVE = re.compile(r"\b(?:ago|yesterday|today|tomorrow|last|next|this)\b", re.I)

_LINE_LABEL = re.compile(
    r"^(?:published|posted|updated|date|dated|last updated|дата(?: публикации)?|опубликовано|обновлено|"
    r"تاریخ(?: اشاعت)?|شائع(?: شدہ)?|اشاعت)(?:\s+on)?\s*:?\s*",
    re.I,
)


def is_plausible(d: dt.date, today: dt.date | None = None) -> bool:
    """Not before 1900 and not in the future (one day of timezone slack)."""
    today = today or dt.date.today()
    return MIN_DATE <= d <= today + dt.timedelta(days=1)


def _mk(y: int, m: int, d: int, g: dict[str, Any] | None = None) -> tuple[dt.date, dt.datetime | None] | None:
    try:
        day = dt.date(y, m, d)
    except ValueError:
        return None
    when = None
    if g and g.get("h") is not None and g.get("tz"):
        tz = g["tz"].lower()
        if tz in _TZ_OFFSETS:
            off = _TZ_OFFSETS[tz]
        elif tz[0] in "+-":
            digits = tz[1:].replace(":", "")
            off = (int(digits[:2]) * 60 + int(digits[2:])) * (1 if tz[0] == "+" else -1)
        else:
            off = None
        hour = int(g["h"])
        ampm = (g.get("ampm") or "").lower().replace(".", "")
        if ampm == "pm" and hour < 12:
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
        if off is not None and hour < 24 and int(g["mi"]) < 60:
            local = dt.datetime(y, m, d, hour, int(g["mi"]), int(g.get("s") or 0),
                                tzinfo=dt.timezone(dt.timedelta(minutes=off)))  # fmt: skip
            when = local.astimezone(dt.UTC)
    return day, when


def parse_date_fast(value: str) -> tuple[dt.date, dt.datetime | None] | None:
    """Fast path only (no dateparser, no plausibility check): ISO, written and numeric forms, epochs."""
    s = value.strip()
    if not s or len(s) > 80:
        return None
    if s[0].isdigit() and len(s) >= 8:
        if s[4:5] == "-":
            try:
                parsed = dt.datetime.fromisoformat(s.replace("Z", "+00:00").replace("z", "+00:00"))
            except ValueError:
                parsed = None
            if parsed is not None:
                when = parsed.astimezone(dt.UTC) if parsed.tzinfo is not None else None
                return parsed.date(), when
        if _EPOCH.fullmatch(s):
            n = int(s)
            secs = n / 1000 if len(s) >= 12 else n
            when = dt.datetime.fromtimestamp(secs, dt.UTC)
            return when.date(), when
    m = _MDY.fullmatch(s) or _DMY.fullmatch(s)
    if m:
        g = m.groupdict()
        return _mk(int(g["y"]), MONTHS[g["mon"].lower().rstrip(".")], int(g["d"]), g)
    m = _YMD.fullmatch(s)
    if m:
        g = m.groupdict()
        return _mk(int(g["y"]), int(g["m"]), int(g["d"]), g)
    m = _NUM_DMY.fullmatch(s)
    if m:
        g = m.groupdict()
        a, b = int(g["a"]), int(g["b"])
        day, mon = (b, a) if b > 12 and a <= 12 else (a, b)
        return _mk(int(g["y"]), mon, day, g)
    if not s.isascii():  # Russian and Urdu month names, Urdu digits: "4 декабря 2023 года", "08 نومبر ، 2024"
        td = full_date(s)
        if td is not None and td.year is not None:
            return _mk(td.year, td.month, td.day)
    return None


def _known_shape(s: str) -> bool:
    return bool(
        _ISO_SHAPE.match(s) or _MDY.fullmatch(s) or _DMY.fullmatch(s) or _YMD.fullmatch(s) or _NUM_DMY.fullmatch(s)
    )


def parse_date(
    value: str, *, today: dt.date | None = None, languages: list[str] | None = None, fallback: bool = True
) -> tuple[dt.date, dt.datetime | None] | None:
    """Parse a stated date (``2021-04-07``, ``2021-04-07T10:00:00+05:00``, ``March 15, 2018`` ...).

    Returns (date, aware datetime in UTC when a time and zone were stated) or None when the string is
    not a plausible date. dateparser (strict: day, month and year required; absolute dates only) runs
    only when the fast path fails and the string looks like it could hold a date.
    """
    s = value.strip()
    if not s:
        return None
    res = parse_date_fast(s)
    if res is None and _known_shape(s):
        return None  # a fast-path shape with impossible values ("2021-13-01"): do not let dateparser reorder it
    if res is None and s[0] in "PpUuDdLl" and _labelled_date(s):
        # "Updated 19/09/2015": strict dateparser rejects a label word before a date (checked for every
        # label x fast-path form: all None), so answer without loading it (0.6 s per process + 1.3 ms)
        return None
    if res is None and fallback and 6 <= len(s) <= 80 and _DIGIT.search(s) is not None and not _RELATIVE.search(s):
        import dateparser

        try:
            parsed = dateparser.parse(
                s,
                languages=languages or ["en"],
                settings={
                    "STRICT_PARSING": True,
                    "PREFER_DAY_OF_MONTH": "first",
                    "DATE_ORDER": "DMY",
                    "PARSERS": ["timestamp", "custom-formats", "absolute-time"],
                },
            )
        except Exception:  # dateparser raises assorted errors on odd input; a non-date is not an error
            parsed = None
        if parsed is not None:
            when = parsed.astimezone(dt.UTC) if parsed.tzinfo is not None else None
            res = (parsed.date(), when)
    if res is None or not is_plausible(res[0], today):
        return None
    return res


def _labelled_date(s: str) -> bool:
    """A line label ("Updated", "Published on:", "Date") followed by a date of a fast-path shape."""
    m = _LINE_LABEL.match(s)
    if m is None or m.end() == 0:
        return False
    rest = s[m.end():].lstrip("-–—|").strip()
    return bool(rest) and (parse_date_fast(rest) is not None or _known_shape(rest))


def resolve_month_day(month: int, day: int, ref: dt.date) -> dt.date | None:
    """The latest date with this month and day on or before ``ref`` (a dateline "Jun 16" read against a
    known date, e.g. the date the page was saved)."""
    for year in (ref.year, ref.year - 1):
        try:
            d = dt.date(year, month, day)
        except ValueError:
            continue
        if d <= ref:
            return d
    return None


def month_number(name: str) -> int | None:
    """Month number of an English, Russian (any case form) or Urdu month name or abbreviation."""
    return MONTHS.get(name.lower().rstrip(".")) or month_of(name)


def parse_date_line(line: str) -> tuple[dt.date, dt.datetime | None] | None:
    """A line that is nothing but a date ("March 15, 2018", "Published: 15 Mar 2018"); fast path only."""
    s = line.strip()
    if not s or len(s) > 60 or _DIGIT.search(s) is None:
        return None
    if s[0] in "PpUuDdДдОоتشا":
        s = _LINE_LABEL.sub("", s, count=1)
    return parse_date_fast(s)


# "Published: 04 Dec 2015", "TFT Issue: 04 Dec 2015", "Updated on March 5, 2019 10:30 am", "Posted 2019-03-05"
_DATE_LABEL = re.compile(
    r"(?<![^\W\d_])(?P<label>first\s+published|published|posted|last\s+updated|updated|update|last\s+modified|"
    r"modified|edited|print\s+edition|(?:tft\s+)?issue|dated|date|"
    r"дата\s+публикации|опубликовано|обновлено|изменено|дата|"
    r"تاریخ\s+اشاعت|شائع\s+شدہ|شائع|آخری\s+اپ\s+ڈیٹ|اپ\s+ڈیٹ|تاریخ)(?![^\W\d_])"
    r"(?:\s+(?:on|at|в))?\s*[:\-–—|]?\s*",
    re.I,
)
_ISO_AT = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")
_UPDATED_LABELS = frozenset({"updated", "update", "last updated", "modified", "last modified", "edited",
                             "обновлено", "изменено", "اپ ڈیٹ", "آخری اپ ڈیٹ"})  # fmt: skip
_GENERIC_LABELS = frozenset({"date", "dated", "дата", "تاریخ"})


def _date_at(text: str, pos: int) -> tuple[tuple[dt.date, dt.datetime | None], int] | None:
    """The fast-path date that starts at ``pos`` (written, numeric or ISO form) and where it ends."""
    for rx in (_MDY, _DMY, _YMD, _NUM_DMY, _ISO_AT):
        m = rx.match(text, pos)
        if m:
            parsed = parse_date_fast(m.group(0))
            return (parsed, m.end()) if parsed is not None else None
    if not text.isascii():
        td = date_at(text, pos)
        if td is not None and td.year is not None:
            mk = _mk(td.year, td.month, td.day)
            return (mk, td.end) if mk is not None else None
    return None


_LINE_FILLER = re.compile(r"[\s|•·,;/()\-–—]*")


def parse_labelled_line(line: str) -> list[tuple[str, dt.date, dt.datetime | None]] | None:
    """A line made only of labelled dates ("Published: 5 Mar 2019 | Updated: 6 Mar 2019") -> its dates
    (as :func:`labelled_dates`); None when anything else is on the line."""
    s = line.strip()
    if not s or len(s) > 120 or s[0] not in "PpUuLlMmEeFfDdIiTtДдОоИиتشآا":
        return None
    out: list[tuple[str, dt.date, dt.datetime | None]] = []
    pos = 0
    while pos < len(s):
        m = _DATE_LABEL.match(s, pos)
        if m is None:
            return None
        found = _date_at(s, m.end())
        if found is None:
            return None
        (d, when), end = found
        out.append((_label_kind(m.group("label")), d, when))
        pos = _LINE_FILLER.match(s, end).end()  # type: ignore[union-attr]  # matches the empty string
    return out or None


def _label_kind(label: str) -> str:
    label = " ".join(label.lower().split())
    return "updated" if label in _UPDATED_LABELS else "date" if label in _GENERIC_LABELS else "published"


def labelled_dates(text: str) -> list[tuple[str, dt.date, dt.datetime | None]]:
    """Every ``label date`` in ``text``, in order, as (kind, date, aware datetime or None).

    kind is ``published`` (published, posted, first published, print edition, issue; опубликовано,
    شائع), ``updated`` (updated, last updated, modified, edited; обновлено, изменено, اپ ڈیٹ: never a
    publication date) or ``date`` (date, dated, дата, تاریخ: says nothing about which date it is).
    Fast path only; no plausibility check.
    """
    out: list[tuple[str, dt.date, dt.datetime | None]] = []
    if len(text) > 2000 or _DIGIT.search(text) is None:
        return out
    for m in _DATE_LABEL.finditer(text):
        found = _date_at(text, m.end())
        if found is not None:
            (d, when), _end = found
            out.append((_label_kind(m.group("label")), d, when))
    return out
