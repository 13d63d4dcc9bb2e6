"""Metadata stated in the text of a plain-text article: title, date, byline, dateline.

Works on a cleaned body (paragraphs separated by blank lines) and removes the lines it consumes
(page-header date, title, date line, byline) from the body. Rules:

- A date alone on the very first line ("Monday December 05, 2022") is the page header: when the page
  was saved, not when the article was published. It is never the article date; it bounds it (an
  article date after it is implausible) and supplies the year for a dateline "Jun 16".
- ``date 2021-04-07 Title`` (a label, a date and the title on one line): date_source ``text:date_prefix``.
- A date alone on a line right under the title: ``text:date_line``.
- A byline ("By Name", "F.P. Report", "Staff Reporter", an agency name) among the two lines under the
  title is taken out of the body.
- A dateline opening the first paragraph ("ISLAMABAD, Jun 16 (APP):", "MOSCOW:", "ISLAMABAD –") gives
  ``dateline_city`` (title-cased); its date, if any, is used only when no other date is stated and a
  year is known (stated in it, or from the page header).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from newsetl.extract.dates import (
    is_plausible,
    month_number,
    parse_date_fast,
    parse_date_line,
    parse_labelled_line,
    resolve_month_day,
)

_UPDATED_LABEL = re.compile(r"^(?:last\s+)?(?:updated|modified|edited)\b", re.I)
_LABEL_STARTS = frozenset("PpUuLlMmEeFfDdIiTt")
_LABEL_PREFIX = re.compile(r"^(?:date|dated|published|posted|updated|published on|posted on)\s*:?\s+", re.I)
_AGENCIES = (
    r"APP|AFP|AP|Reuters|PTI|IANS|ANI|TASS|Xinhua|NNI|INP|PPI|Online|Sputnik|RIA Novosti|Bloomberg|"
    r"Anadolu|AA|DPA|EFE|UNI|Agencies|Agency|Radio Pakistan|BBC|WAM|SPA|IRNA|KUNA|QNA"
)
_NAME = r"[A-Z][\w.'’\-]*(?:\s+(?:[A-Z][\w.'’\-]*|bin|ibn|al|de|van|von|ul|ud|ur))*"
_BYLINE = re.compile(
    r"(?i:by|written by|reported by|story by)\s+" + _NAME + r"(?:\s*(?:,|and|&)\s*" + _NAME + r"){0,3}"
    r"(?:\s*,\s*[\w ]{2,40})?|"
    r"(?:[A-Z]\.\s?){1,3}\s?(?:[A-Z][a-z]+\s)?Report|"  # "F.P. Report"
    r"(?i:(?:our|a|from our|special|staff|news|web|monitoring|sports|business|city|political|diplomatic|"
    r"foreign|national|own)?\s*(?:staff\s+)?(?:reporter|correspondent|report|desk|bureau|news desk|"
    r"web desk|monitoring desk|news service|staff report|special correspondent))(?:\s*[,|/-]\s*\w[\w ]{0,30})?|"
    r"(?:" + _AGENCIES + r")(?:\s*[/&,]\s*(?:" + _AGENCIES + r"))*",
)
_DL_DATE = r"(?P<mon>[A-Z][a-z]{2,8})\.?\s+(?P<day>\d{1,2})(?:,?\s+(?P<year>\d{4}))?"
_DL_DATE2 = r"(?P<day2>\d{1,2})\s+(?P<mon2>[A-Z][a-z]{2,8})\.?(?:,?\s+(?P<year2>\d{4}))?"
_DATELINE = re.compile(
    r"^(?P<city>[A-Z][A-Z.'’\-]+(?:\s[A-Z][A-Z.'’\-]+){0,3}"
    r"|[A-Z][a-z]+(?:\s[A-Z][a-z]+){0,2}(?=\s*,\s*(?:[A-Z][a-z]{2,8}\.?\s+\d|\d{1,2}\s+[A-Z])|\s*\())"
    r"(?:\s*,\s*(?:" + _DL_DATE + "|" + _DL_DATE2 + r"))?"
    r"(?:\s*\((?P<agency>[A-Za-z. ]{2,24})\))?"
    r"\s*(?::|[–—]|--?)\s+(?=\S)"
)
_NOT_CITIES = frozenset(
    ["BREAKING", "UPDATE", "UPDATED", "NOTE", "WATCH", "VIDEO", "PHOTOS", "PHOTO", "READ", "EXCLUSIVE", "OPINION", "ANALYSIS", "LIVE", "FILE", "EDITORIAL", "COMMENT", "Q", "A", "PS", "NB", "ALERT", "URGENT", "FLASH", "WARNING", "SOURCE", "SOURCES", "CAPTION", "REPORT", "NEWS", "ISPR", "FO", "PM", "COAS", "US", "UN", "EU", "NATO", "SCO"]
)


@dataclass(slots=True)
class TextMeta:
    body: str
    title: str | None = None
    title_source: str | None = None
    published_date: dt.date | None = None
    published_at: dt.datetime | None = None
    date_source: str = "none"
    byline: str | None = None
    dateline_city: str | None = None
    page_date: dt.date | None = None


def headline_like(text: str, max_words: int = 30) -> bool:
    words = len(text.split())
    if not 1 <= words <= max_words or len(text) > 300:
        return False
    return not (text.endswith(".") and not text.endswith("...") and words > 15)


def byline_line(text: str) -> str | None:
    """The byline when ``text`` is one ("By Name", "F.P. Report", "Staff Reporter", "APP")."""
    t = text.strip()
    if not t or len(t) > 80:
        return None
    for part in re.split(r"\s+[|•·]\s+|\s+[-–—]\s+", t):
        if part and _BYLINE.fullmatch(part):
            return part
    return None


def _split_date_prefix(line: str) -> tuple[tuple[dt.date, dt.datetime | None], str] | None:
    """``date 2021-04-07 Title`` -> (parsed date, "Title")."""
    m = _LABEL_PREFIX.match(line)
    if m is None:
        return None
    toks = line[m.end():].split()
    for k in (4, 3, 2, 1):  # longest date first ("March 15, 2018 Title" before "March")
        if len(toks) < k:
            continue
        parsed = parse_date_fast(" ".join(toks[:k]).rstrip(",;|-–—"))
        if parsed is not None:
            return parsed, " ".join(toks[k:]).lstrip("|-–—: ")
    return None


def parse_dateline(par: str, ref: dt.date | None) -> tuple[str, dt.date | None, str | None] | None:
    """(city, date if resolvable, agency) of a dateline opening ``par``."""
    if len(par) < 8 or not par[0].isupper():
        return None
    m = _DATELINE.match(par[:120])
    if m is None:
        return None
    city = m.group("city").strip(" .")
    if city.upper() in _NOT_CITIES or len(city) < 3:
        return None
    g = m.groupdict()
    mon_s, day_s, year_s = (g["mon"], g["day"], g["year"]) if g["mon"] else (g["mon2"], g["day2"], g["year2"])
    d: dt.date | None = None
    if mon_s and day_s:
        mon = month_number(mon_s)
        if mon is None:
            return None
        try:
            if year_s:
                d = dt.date(int(year_s), mon, int(day_s))
            elif ref is not None:
                d = resolve_month_day(mon, int(day_s), ref)
        except ValueError:
            d = None
    city_name = city.title() if city.isupper() else city
    return city_name, d, (g["agency"] or None)


def extract_text_meta(
    body: str, *, hint_title: str | None = None, forum: bool = False, today: dt.date | None = None
) -> TextMeta:
    """Title, date, byline and dateline of a cleaned plain-text body (see the module docstring).

    ``hint_title`` is a title found by the cleaner (link card); it is used when the first paragraph is
    not a headline or the text was a forum post (``forum``).
    """
    pars = body.split("\n\n") if body else []
    meta = TextMeta(body=body)
    i = 0
    # page header date ("Monday December 05, 2022") at the very top
    if len(pars) > 1 and (pd := parse_date_line(pars[0])) is not None:
        meta.page_date = pd[0]
        i = 1
    upper = meta.page_date or today

    def take_date(parsed: tuple[dt.date, dt.datetime | None] | None, source: str) -> bool:
        if parsed is None or meta.published_date is not None:
            return False
        if not is_plausible(parsed[0], today) or (meta.page_date and parsed[0] > meta.page_date):
            return False
        meta.published_date, meta.published_at = parsed
        meta.date_source = source
        return True

    updated: tuple[dt.date, dt.datetime | None] | None = None
    # title
    if i < len(pars):
        first = pars[i]
        pref = _split_date_prefix(first) if first[:1] in "DdPpUu " else None
        if pref is not None:
            if _UPDATED_LABEL.match(first):
                if is_plausible(pref[0][0], today):
                    updated = pref[0]
            else:
                take_date(pref[0], "text:date_prefix")
            if pref[1]:
                meta.title, meta.title_source = pref[1], "first_line"
                i += 1
            elif i + 1 < len(pars) and headline_like(pars[i + 1]):
                meta.title, meta.title_source = pars[i + 1], "first_line"
                i += 2
            else:
                i += 1
        elif hint_title and (forum or not headline_like(first)):
            meta.title, meta.title_source = hint_title, "link_card"
        elif headline_like(first) and byline_line(first) is None and parse_date_line(first) is None:
            meta.title, meta.title_source = first, "first_line"
            i += 1
        elif hint_title:
            meta.title, meta.title_source = hint_title, "link_card"
    # date lines / byline under the title (three lines at most, any order); an "Updated ..." date is
    # never the publication date: it bounds it and is used only when nothing else states a date
    for _ in range(3):
        if i >= len(pars) - 1:  # never consume the last paragraph
            break
        line = pars[i]
        labelled = parse_labelled_line(line) if line[:1] in _LABEL_STARTS else None
        if labelled:
            for kind, day, when in labelled:
                if kind == "updated":
                    if updated is None and is_plausible(day, today) and not (meta.page_date and day > meta.page_date):
                        updated = day, when
                elif updated is None or day <= updated[0]:
                    take_date((day, when), "text:date_line")
            i += 1
            continue
        if meta.published_date is None and (dl := parse_date_line(line)) is not None:
            if updated is None or dl[0] <= updated[0]:
                take_date(dl, "text:date_line")
            i += 1
            continue
        if meta.byline is None and (by := byline_line(line)) is not None:
            meta.byline = by
            i += 1
            continue
        break
    # dateline of the first paragraph
    if i < len(pars):
        dl_res = parse_dateline(pars[i], upper if meta.page_date else None)
        if dl_res is not None:
            city, d, agency = dl_res
            meta.dateline_city = city
            if d is not None and (updated is None or d <= updated[0]):
                take_date((d, None), "text:dateline")
            if agency and meta.byline is None and byline_line(agency):
                meta.byline = agency
    if meta.published_date is None and updated is not None:
        meta.published_date, meta.published_at = updated
        meta.date_source = "text:updated_line"
    meta.body = "\n\n".join(pars[i:])
    return meta
