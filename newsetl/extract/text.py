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
- A dateline opening the first paragraph gives ``dateline_city`` (title-cased) and, when it states one,
  a date (used only when no other date is stated): English "ISLAMABAD, Jun 16 (APP):", "MOSCOW:",
  "ISLAMABAD –", Russian "МОСКВА, 4 дек — РИА Новости.", "Москва. 12 ноября. INTERFAX.RU -",
  "КРАСНОДАР, 1 ноября, ФедералПресс.", Urdu "اسلام آباد۔4دسمبر (اے پی پی):", "لاہور، 4 دسمبر
  (نمائندہ خصوصی):". A mixed-case dateline of a known city (``config/sources.yaml`` cities) glued after a
  lede sentence is found too ("... проверка Санкт-Петербург, 14 ноября. Трагедия ..."). A dateline
  without a year takes it from the page header (``text:dateline``) or else from the record's retrieval
  time: ``text:dateline+fetch_year`` (a crawl/fetch timestamp field) or ``text:dateline+mtime_year`` (the
  file's modification time).
- A first paragraph opening with a full numeric date ("08.11.2019 34-летний ..."), a full date and a
  time ("17:13 17.11.2019 Фото: ..."), or a full date then a capitalised word ("November 17, 2019 Damir
  Mujezinovic In an ...") is a date line glued to the text: ``text:date_line``.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from newsetl.extract.dates import (
    is_plausible,
    parse_date_fast,
    parse_date_line,
    parse_labelled_line,
)
from newsetl.extract.sources import SourceKnowledge, load_sources, name_key
from newsetl.extract.textdate import TextDate, find_date, has_digit

_UPDATED_LABEL = re.compile(r"^(?:last\s+)?(?:updated|modified|edited)\b", re.I)
_LABEL_STARTS = frozenset("PpUuLlMmEeFfDdIiTtОоДдИитشآا")
_LABEL_PREFIX = re.compile(
    r"^(?:date|dated|published|posted|updated|published on|posted on|дата|опубликовано|تاریخ|تاریخ اشاعت)\s*:?\s+",
    re.I,
)
_NAME = r"[A-Z][\w.'’\-]*(?:\s+(?:[A-Z][\w.'’\-]*|bin|ibn|al|de|van|von|ul|ud|ur))*"
_BYLINE_GRAMMAR = (
    r"(?i:by|written by|reported by|story by)\s+" + _NAME + r"(?:\s*(?:,|and|&)\s*" + _NAME + r"){0,3}"
    r"(?:\s*,\s*[\w ]{2,40})?|"
    r"(?:[A-Z]\.\s?){1,3}\s?(?:[A-Z][a-z]+\s)?Report|"  # "F.P. Report"
    r"(?i:(?:our|a|from our|special|staff|news|web|monitoring|sports|business|city|political|diplomatic|"
    r"foreign|national|own)?\s*(?:staff\s+)?(?:reporter|correspondent|report|desk|bureau|news desk|"
    r"web desk|monitoring desk|news service|staff report|special correspondent))(?:\s*[,|/-]\s*\w[\w ]{0,30})?"
)


@functools.lru_cache(maxsize=4)
def _byline_re(kn: SourceKnowledge) -> re.Pattern[str]:
    """The byline grammar plus the agencies of ``config/sources.yaml`` ("APP", "Reuters/AFP")."""
    names = sorted((re.escape(a) for a in kn.agencies if a.isascii()), key=len, reverse=True)
    agencies = "|".join(names) or "(?!)"
    return re.compile(_BYLINE_GRAMMAR + r"|(?:" + agencies + r")(?:\s*[/&,]\s*(?:" + agencies + r"))*")


_DL_DATE = r"(?P<mon>[A-Z][a-z]{2,8})\.?\s+(?P<day>\d{1,2})(?:,?\s+(?P<year>\d{4}))?"
_DL_DATE2 = r"(?P<day2>\d{1,2})\s+(?P<mon2>[A-Z][a-z]{2,8})\.?(?:,?\s+(?P<year2>\d{4}))?"
_CAPS = r"A-ZА-ЯЁ"
# a dateline without a date (or an English one with it): "MOSCOW:", "ISLAMABAD –", "Islamabad (APP):"
_DATELINE = re.compile(
    rf"^(?P<city>[{_CAPS}][{_CAPS}.'’\-]+(?:\s[{_CAPS}][{_CAPS}.'’\-]+){{0,3}}"
    r"|[A-Z][a-z]+(?:\s[A-Z][a-z]+){0,2}(?=\s*,\s*(?:[A-Z][a-z]{2,8}\.?\s+\d|\d{1,2}\s+[A-Z])|\s*\())"
    r"(?:\s*,\s*(?:" + _DL_DATE + "|" + _DL_DATE2 + r"))?"
    r"(?:\s*\((?P<agency>[A-Za-z. ]{2,24})\))?"
    r"\s*(?::|[–—]|--?)\s+(?=\S)"
)
# what may sit between a dateline's place and its date, and after the date before the text
_PLACE_END = re.compile(r"(?:\s*\((?P<pagency>[^()]{2,30})\))?\s*[,.،۔:(]?\s*(?:[-–—]\s*)?$")
_AFTER_DATE = re.compile(
    r"\s*\)?\s*[,.،۔:]?\s*(?:[-–—]+\s*)?"
    r"(?:\((?P<a1>[^()]{2,30})\)|/(?P<a2>[^/]{2,24})/|(?P<a3>[^\s.,:;()\-–—][^.,:;()]{0,28}?))?"
    r"\s*(?:[.,:;۔)]|[-–—]|$)"
)
_GLUED_HINT = re.compile(r"[,.،۔]\s*[0-9۰-۹٠-٩]")  # "Санкт-Петербург, 14": a place, a comma, a day
_PAREN_AGENCY = re.compile(r"\s*\(([^()]{2,30})\)\s+(?=\S)")
_DL_WORD = re.compile(r"[^\W\d_][\w'’\-]*")


def _urdu(s: str) -> bool:
    return any("\u0600" <= c <= "\u06ff" for c in s)


@dataclass(frozen=True, slots=True)
class Dateline:
    """A dateline: the place (None for an agency-only one, "РИАМО - 15 ноя."), its date, its agency."""

    city: str | None
    date: TextDate | None
    agency: str | None


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


def byline_line(text: str, knowledge: SourceKnowledge | None = None) -> str | None:
    """The byline when ``text`` is one ("By Name", "F.P. Report", "Staff Reporter", "APP", an agency)."""
    t = text.strip()
    if not t or len(t) > 80:
        return None
    kn = knowledge or load_sources()
    rx = _byline_re(kn)
    for part in re.split(r"\s+[|•·]\s+|\s+[-–—]\s+", t):
        if part and (rx.fullmatch(part) or (len(part) <= 40 and name_key(part) in kn.agency_keys)):
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


def _place(prefix: str, kn: SourceKnowledge) -> tuple[str | None, str | None] | None:
    """(place, agency) when ``prefix`` (the text before a date) is a dateline's place (and agency)."""
    m = _PLACE_END.search(prefix)
    place = prefix[: m.start()].strip() if m else prefix.strip()
    agency = m.group("pagency") if m else None
    if not place:
        return None
    key = name_key(place)
    if key in kn.agency_keys and not agency:
        return None, place  # "РИАМО - 15 ноя."
    words = place.split()
    if not 1 <= len(words) <= 4 or len(place) > 40 or place.upper() in kn.not_cities:
        return None
    if key in kn.cities:
        return place, agency
    if len(key) < 3:
        return None  # "В среду, 20 ноября": a preposition, not a place
    if _urdu(place):
        return None  # an Urdu place is known by name (no capitals to tell it from a sentence)
    if not all(_DL_WORD.fullmatch(w) and (w[0].isupper() or w.lower() in ("on", "na", "de", "del", "am")) for w in words):
        return None
    return place, agency


def _agency_after(rest: str, kn: SourceKnowledge, period: bool = False) -> tuple[bool, str | None]:
    """(the date ends a dateline, the agency named after it) for the text after a dateline's date;
    ``period``: the date ended with a full stop ("Новосибирск, 7 февраля. Индикатор ...")."""
    m = _AFTER_DATE.match(rest)
    if m is not None:
        a3 = m.group("a3")
        if not a3 or name_key(a3) in kn.agency_keys:
            return True, (m.group("a1") or m.group("a2") or a3 or None)
    if rest.lstrip(" )")[:1] in (":", ",", "،", "۔", "-", "–", "—") or rest.lstrip(" ")[:1] == ")":
        return True, None  # "۰۸ ستمبر ۲۰۲۰ء: پاکستان ...", "کراچی (4 دسمبر 2024) ..."
    m = _PAREN_AGENCY.match(rest)  # "NEW DELHI, Dec 4 (PTI) The ...": the brackets end the dateline
    if m is not None:
        return True, m.group(1)
    return period, None


def _city_name(city: str) -> str:
    return city.title() if city.isupper() else city


def find_dateline(par: str, knowledge: SourceKnowledge | None = None, *, anywhere: int = 0) -> Dateline | None:
    """The dateline opening ``par`` (see the module docstring); with ``anywhere`` > 0, also a dateline of
    a known city within the first ``anywhere`` characters (glued after a lede)."""
    if len(par) < 8:
        return None
    kn = knowledge or load_sources()
    head = par[:200]
    if has_digit(head[:90]):
        td = find_date(head, 0, 90)
        if td is not None and td.start > 0:
            pl = _place(head[: td.start], kn)
            if pl is not None:
                ends, agency = _agency_after(head[td.end :], kn, head[td.end - 1] == ".")
                if ends:
                    city, pagency = pl
                    return Dateline(_city_name(city) if city else None, td, pagency or agency)
    if par[0].isupper() and par[0].isalpha():
        m = _DATELINE.match(head[:120])
        if m is not None:
            city = m.group("city").strip(" .")
            if city.upper() not in kn.not_cities and len(city) >= 3:
                g = m.groupdict()
                mon_s, day_s, year_s = (g["mon"], g["day"], g["year"]) if g["mon"] else (g["mon2"], g["day2"], g["year2"])
                td = None
                if mon_s and day_s:
                    td = find_date(f"{day_s} {mon_s} {year_s or ''}".strip())
                    if td is None:
                        return None
                return Dateline(_city_name(city), td, g["agency"] or None)
    if anywhere and _GLUED_HINT.search(par, 0, anywhere):
        pos = 0
        while (td := find_date(par, pos, anywhere)) is not None:
            pos = td.end
            before = par[max(0, td.start - 45) : td.start].rstrip()
            if not before.endswith((",", ".", "،", "۔")):
                continue
            words = before[:-1].split()
            for n in (3, 2, 1):
                cand = " ".join(words[-n:])
                if len(words) >= n and name_key(cand) in kn.cities and cand[:1].isupper() == (not _urdu(cand)):
                    ends, agency = _agency_after(par[td.end : td.end + 60], kn, par[td.end - 1] == ".")
                    if ends:
                        return Dateline(_city_name(cand), td, agency)
    return None


def parse_dateline(par: str, ref: dt.date | None) -> tuple[str, dt.date | None, str | None] | None:
    """(city, date if resolvable, agency) of a dateline opening ``par``; a date without a year is
    resolved against ``ref`` (the latest such day on or before it)."""
    dl = find_dateline(par)
    if dl is None or dl.city is None:
        return None
    d = dl.date.resolve(ref) if dl.date is not None else None
    return dl.city, d, dl.agency


def glued_date_line(par: str) -> tuple[dt.date, dt.datetime | None] | None:
    """A paragraph opening with a full date and a time, or a full date then a capitalised word."""
    if not par[:1].isdigit() and not par[:1].isupper():
        return None
    td = find_date(par, 0, 40)
    if td is None or td.year is None or par[: td.start].strip():
        return None
    nxt = par[td.end :].lstrip()
    numeric = not any(c.isalpha() for c in par[td.start : td.end])  # "08.11.2019 34-летний ..."
    if not nxt or not (numeric or td.has_time or nxt[0].isupper()):
        return None
    d = td.resolve(None)
    return (d, None) if d else None


def extract_text_meta(
    body: str,
    *,
    hint_title: str | None = None,
    forum: bool = False,
    today: dt.date | None = None,
    retrieved: tuple[dt.date, str] | None = None,
    knowledge: SourceKnowledge | None = None,
) -> TextMeta:
    """Title, date, byline and dateline of a cleaned plain-text body (see the module docstring).

    ``hint_title`` is a title found by the cleaner (link card); it is used when the first paragraph is
    not a headline or the text was a forum post (``forum``). ``retrieved`` is (the day the record was
    fetched, ``"fetch"`` or ``"mtime"``): the year of a dateline that states none.
    """
    kn = knowledge or load_sources()
    pars = body.split("\n\n") if body else []
    meta = TextMeta(body=body)
    i = 0
    # page header date ("Monday December 05, 2022") at the very top
    if len(pars) > 1 and (pd := parse_date_line(pars[0])) is not None:
        meta.page_date = pd[0]
        i = 1

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
        pref = _split_date_prefix(first) if first[:1] in "DdPpUu ДдОоت" else None
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
        elif headline_like(first) and byline_line(first, kn) is None and parse_date_line(first) is None:
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
        if meta.byline is None and (by := byline_line(line, kn)) is not None:
            meta.byline = by
            i += 1
            continue
        break
    # dateline (or a glued date line) of the first paragraph
    if i < len(pars):
        par = pars[i]
        if meta.published_date is None and updated is None:
            take_date(glued_date_line(par), "text:date_line")
        found = find_dateline(par, kn, anywhere=240)
        if found is not None:
            meta.dateline_city = found.city
            if found.date is not None and meta.published_date is None:
                d, source = resolve_stated(found.date, meta.page_date, retrieved, "text:dateline")
                if d is not None and (updated is None or d <= updated[0]):
                    take_date((d, None), source)
            if found.agency and meta.byline is None and byline_line(found.agency, kn):
                meta.byline = found.agency
    if meta.published_date is None and updated is not None:
        meta.published_date, meta.published_at = updated
        meta.date_source = "text:updated_line"
    meta.body = "\n\n".join(pars[i:])
    return meta


def resolve_stated(
    td: TextDate, page_date: dt.date | None, retrieved: tuple[dt.date, str] | None, source: str
) -> tuple[dt.date | None, str]:
    """The calendar date of a stated date and its ``date_source``: the stated year, else the page
    header's (``source``), else the retrieval time's (``source+fetch_year`` / ``source+mtime_year``)."""
    if td.year is not None:
        return td.resolve(None), source
    if page_date is not None:
        return td.resolve(page_date), source
    if retrieved is not None:
        return td.resolve(retrieved[0]), f"{source}+{retrieved[1]}_year"
    return None, source
