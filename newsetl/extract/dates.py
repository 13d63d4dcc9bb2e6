"""Date parsing with a fast path (ISO and common formats) and dateparser only as a fallback.

(Initial version; the text-extraction work owns and extends this module.)
"""

from __future__ import annotations

import datetime as dt

MIN_DATE = dt.date(1900, 1, 1)


def is_plausible(d: dt.date, today: dt.date | None = None) -> bool:
    """Not before 1900 and not in the future (one day of timezone slack)."""
    today = today or dt.date.today()
    return MIN_DATE <= d <= today + dt.timedelta(days=1)


def parse_date(value: str, *, today: dt.date | None = None) -> tuple[dt.date, dt.datetime | None] | None:
    """Parse a stated date (``2021-04-07``, ``2021-04-07T10:00:00+05:00``, ``March 15, 2018`` ...).

    Returns (date, aware datetime in UTC when a time was stated) or None when the string is not a
    plausible date.
    """
    s = value.strip()
    if not s:
        return None
    try:
        parsed = dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
    if parsed is None:
        import dateparser

        parsed = dateparser.parse(s, settings={"STRICT_PARSING": True, "PREFER_DAY_OF_MONTH": "first"})
    if parsed is None:
        return None
    d = parsed.date()
    if not is_plausible(d, today):
        return None
    when = None
    if parsed.tzinfo is not None:
        when = parsed.astimezone(dt.UTC)
    return d, when
