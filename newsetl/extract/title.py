"""One title normaliser for every format: HTML candidates, JSON/CSV fields, feed items, text first lines.

API (stable):

- :func:`clean_title` (one record): characters (HTML entities decoded, whitespace collapsed; quotes,
  case and every other code point kept), then site and section affixes stripped:

  * a leading or trailing segment (between `` | ``, `` - ``, `` – ``, `` — ``, `` » ``, `` ‹ ``, `` · ``,
    `` :: ``, `` / ``) that names the site: the record's own site name / publisher / domain, a
    publisher or agency of ``config/sources.yaml``, or a bare domain ("DAWN.COM", "thenews.com.pk");
  * next to a removed site segment, up to two section segments (words of ``section_words`` or the
    page's own ``article:section``): "X - World - DAWN.COM" -> "X", "X | Sports - Geo.tv" -> "X";
  * ``Site: X`` when ``Site`` is the record's own site;
  * segments in ``learned`` (chrome learned from the data, see below) like site segments;
  * with a single `` | `` left, a short capitalised tail ("Headline words | Honolulu Star-Advertiser"):
    headlines do not use pipes (they do use dashes and colons, which are never cut on shape alone).

  Idempotent; never empty when the input has a letter or digit (a strip that would leave nothing is
  not made); None only for input without any.
- :func:`learn_affixes` / :func:`strip_learned` (cross-record, pure): an end segment that repeats across
  the distinct titles of one source (at least ``min_count`` titles and ``min_share`` of them) is chrome
  of that source ("X - Film & TV - Images": "Images" ends every title of the folder). Learned in up to
  three rounds (the section under a learned site name is learned in the next round).
- :func:`split_title_date`: a date glued to the end of a headline ("…دیا08 نومبر ، 2024",
  "X | 4 December 2023") is cut off and returned as a :class:`~newsetl.extract.textdate.TextDate`.
- :func:`title_key`: the comparison form of a title (letters and digits, case-folded).
"""

from __future__ import annotations

import functools
import html
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

from newsetl.extract.sources import SourceKnowledge, load_sources, name_key, name_key_is
from newsetl.extract.textdate import TextDate, date_at, date_starts, fold, has_digit

__all__ = ["clean_title", "learn_affixes", "split_title_date", "strip_learned", "title_key"]

MAX_AFFIX_WORDS = 6
MAX_AFFIX_CHARS = 60
MAX_SECTIONS = 2
_SEP = re.compile(r"\s+(?:\||-|–|—|::|:|»|«|‹|›|·|•|~|/)\s+|\s*\|\s*")  # " : " (spaced colon) too
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_DOMAIN = re.compile(r"(?:https?://)?(?:www\d?\.)?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,12}/?", re.I)
_WORD = re.compile(r"\w+")
_TLD_WORDS = frozenset({"com", "net", "org", "pk", "tv", "co", "uk", "in", "ru", "info", "news", "online", "www",
                        "io", "us", "de", "fr", "edu", "gov", "biz", "me", "au", "ca"})  # fmt: skip
_HOST_NOISE = frozenset({"www", "www1", "www2", "m", "mobile", "amp", "en", "ur", "urdu", "beta", "blog", "blogs",
                         "news", "forum", "forums", "community", "shop", "store", "web"})  # fmt: skip
# words a site's name carries besides its own ("Netdata Community Forums", "Mike Holt's Forum")
_BRAND_WORDS = frozenset({"s", "the", "forum", "forums", "community", "magazine", "mag", "blog", "online", "daily",
                          "network", "group", "official", "site", "website", "hq", "media", "journal", "times",
                          "post", "radio", "tv", "inc", "ltd", "llc", "bv", "gmbh", "co"})  # fmt: skip
_BYLINE_SEG = re.compile(r"(?i:by)\s+[A-ZА-ЯЁ][\w.'’-]*(?:\s+[A-ZА-ЯЁ][\w.'’-]*){0,3}")
_PAREN_TAIL = re.compile(r"\s*\(([^()]{2,60})\)$")


def _host(url: str | None) -> str:
    if not url or "//" not in url:
        return ""
    try:
        return (urlsplit(url.strip()).hostname or "").lower()
    except ValueError:
        return ""


def title_key(s: str | None) -> str:
    """Case-folded letters and digits of ``s``: two titles that differ only in punctuation, spacing or
    case have one key."""
    return name_key(s)


def has_title_key(s: str | None, key: str) -> bool:
    """``title_key(s) == key`` (cheaper for a long ``s`` that differs early)."""
    return name_key_is(s, key)


def _chars(raw: str) -> str:
    s = raw
    for _ in range(3):  # "&amp;#039;" needs two rounds; bounded and idempotent at the fixpoint
        if "&" not in s or not _ENTITY.search(s):
            break
        s = html.unescape(s)
    # no NFC, no removal of invisible marks: the title keeps its own characters (Urdu "آ" as ا + madda,
    # bidi isolates around a name); only a BOM and whitespace runs go
    return " ".join(s.replace("\ufeff", "").split())


def _has_word(s: str) -> bool:
    return any(c.isalnum() for c in s)


def _words(s: str) -> int:
    return len(_WORD.findall(s))


def _split(title: str) -> tuple[list[str], list[str]]:
    parts, seps, pos = [], [], 0
    for m in _SEP.finditer(title):
        parts.append(title[pos : m.start()])
        seps.append(m.group())
        pos = m.end()
    parts.append(title[pos:])
    return parts, seps


class _Affixes:
    """What one record's title is stripped with."""

    def __init__(self, kn: SourceKnowledge, site_names: Iterable[str | None], domain: str | None,
                 url_host: str, sections: Iterable[str | None], learned: Iterable[str]) -> None:  # fmt: skip
        self.kn = kn
        own = {name_key(s) for s in site_names if s}
        labels: list[str] = []
        for host in (url_host, (domain or "").lower().removeprefix("www.")):
            if not host:
                continue
            own.add(name_key(host))
            pub = kn.publisher(host)
            if pub:
                own.add(name_key(pub))
            parts = [p for p in host.split(".") if p]
            labels.extend(p for p in parts[:-1] if p not in _HOST_NOISE and p not in _TLD_WORDS)
            if parts and parts[-1] not in _TLD_WORDS and len(parts[-1]) > 3:
                labels.append(parts[-1])  # "evm.institute"
        labels = [name_key(x) for x in dict.fromkeys(labels) if len(name_key(x)) >= 3]
        own.update(labels)
        self.host_labels = tuple(labels)
        self.own = frozenset(own - {""})
        self.sections = frozenset(name_key(s) for s in sections if s) - {""}
        self.learned = frozenset(learned)

    def _own_tokens(self, seg: str) -> bool:
        """The segment names the record's host: its words spell a host label plus only section words
        ("Mike Holt Forums" on forums.mikeholt.com), or it holds every host label ("Event Management
        (EVM) Institute" on evm.institute)."""
        if not self.host_labels:
            return False
        toks = [name_key(t) for t in re.split(r"[\s.()'’]+", seg) if name_key(t)]
        if not toks or len(toks) > MAX_AFFIX_WORDS:
            return False
        if len(self.host_labels) > 1 and all(lab in toks for lab in self.host_labels):
            return True
        for lab in self.host_labels:
            for i in range(len(toks)):
                acc = ""
                for j in range(i, len(toks)):
                    nxt = acc + toks[j]
                    if lab.startswith(nxt):
                        acc = nxt
                    elif j > i and len(lab) - len(acc) >= 3 and toks[j].startswith(lab[len(acc) :]):
                        acc = lab  # "Houstonia Magazine" on houstoniamag.com
                    else:
                        break
                    if acc == lab:
                        rest = toks[:i] + toks[j + 1 :]
                        if all(t in self.kn.section_words or t in _TLD_WORDS or t in _BRAND_WORDS for t in rest):
                            return True
                        break
        return False

    def _core(self, seg: str) -> str:
        """The segment's key without TLD and section words ("BBC News" -> "bbc", "DAWN.COM" -> "dawn")."""
        toks = [name_key(t) for t in re.split(r"[\s.]+", seg) if name_key(t)]
        core = [t for t in toks if t not in _TLD_WORDS and t not in self.kn.section_words]
        return "".join(core)

    def site(self, seg: str) -> bool:
        s = seg.strip()
        if not s:
            return True  # a dangling separator ("Headline | Site |")
        k = name_key(s)
        if not k or len(s) > MAX_AFFIX_CHARS or _words(s) > MAX_AFFIX_WORDS:
            return False
        if k in self.own or k in self.learned or k in self.kn.source_keys:
            return True
        if _BYLINE_SEG.fullmatch(s):
            return True  # "X - by Jessica Talisman": the byline is not the title
        if " " not in s and "." in s and _DOMAIN.fullmatch(s):
            return True
        core = self._core(s)
        if core and core != k and (core in self.own or core in self.kn.source_keys):
            return True
        return self._own_tokens(s)

    def section(self, seg: str) -> bool:
        s = seg.strip()
        k = name_key(s)
        if not k or _words(s) > 4:
            return False
        if k in self.sections or k in self.kn.section_phrases or k in self.learned:
            return True
        words = [name_key(w) for w in _WORD.findall(s)]
        return bool(words) and all(w in self.kn.section_words or w in self.sections for w in words)

    def own_prefix(self, title: str) -> str:
        """``Site: X`` -> ``X`` when ``Site`` is the record's own site."""
        i = title.find(": ")
        if 0 < i <= MAX_AFFIX_CHARS:
            pre = title[:i]
            k = name_key(pre)
            if k and (k in self.own or self._core(pre) in self.own) and _has_word(title[i + 2 :]):
                return title[i + 2 :].strip()
        return title


_CRUMB_SEPS = frozenset("/»›")


def _crumb(seps: list[str], i: int) -> bool:
    """The separators on both sides of a segment (``seps[i - 1]``, ``seps[i]``) are one breadcrumb
    separator: "X / GNU/Linux Discussion / Arch Linux Forums" is a path to the site, forum by forum."""
    if not 0 < i < len(seps):
        return False
    a, b = seps[i - 1].strip(), seps[i].strip()
    return a == b and a in _CRUMB_SEPS


def _strip(title: str, aff: _Affixes) -> str:
    parts, seps = _split(title)
    if len(parts) > 1 and name_key(title) not in aff.own:  # a title that is the site's name stays
        lo, hi = 0, len(parts)
        for side in ("end", "start"):
            stripped_site = False
            while hi - lo > 1:
                seg = parts[hi - 1] if side == "end" else parts[lo]
                if not aff.site(seg):
                    break
                stripped_site = True
                if side == "end":
                    hi -= 1
                else:
                    lo += 1
            if stripped_site:
                for _ in range(MAX_SECTIONS):
                    if hi - lo <= 1:
                        break
                    seg = parts[hi - 1] if side == "end" else parts[lo]
                    rest = parts[lo : hi - 1] if side == "end" else parts[lo + 1 : hi]
                    rest_text = " ".join(rest)
                    if not (_words(rest_text) >= 3 or len(rest_text) >= 12):
                        break
                    if not aff.section(seg) and not _crumb(seps, hi - 1 if side == "end" else lo):
                        break
                    if side == "end":
                        hi -= 1
                    else:
                        lo += 1
        if (lo, hi) != (0, len(parts)):
            out = parts[lo]
            for i in range(lo + 1, hi):
                out += seps[i - 1] + parts[i]
            out = out.strip()
            if _has_word(out):
                title = out
    if aff.own and title.endswith(")"):  # "The Fold-and-Cut Problem (Erik Demaine)" on erikdemaine.org
        m = _PAREN_TAIL.search(title)
        if m and _has_word(title[: m.start()]) and _words(title[: m.start()]) >= 2:
            inner = m.group(1)
            if name_key(inner) in aff.own or aff._own_tokens(inner):
                title = title[: m.start()].rstrip()
    return aff.own_prefix(title) if aff.own else title


@functools.lru_cache(maxsize=4096)
def _affixes(kn: SourceKnowledge, site_names: tuple[str | None, ...], domain: str | None, url_host: str,
             sections: tuple[str | None, ...], learned: frozenset[str]) -> _Affixes:  # fmt: skip
    """One record's affixes (read-only after construction): records of one site share them."""
    return _Affixes(kn, site_names, domain, url_host, sections, learned)


def clean_title(
    raw: str | None,
    *,
    site_names: Iterable[str | None] = (),
    domain: str | None = None,
    url: str | None = None,
    sections: Iterable[str | None] = (),
    learned: Iterable[str] = (),
    knowledge: SourceKnowledge | None = None,
    guess_tail: bool = True,
) -> str | None:
    """The title ``raw`` names, without site and section affixes (see the module docstring).

    ``site_names``: the record's own site names (og:site_name, publisher, source field); ``domain``:
    its registered domain (or host); ``url``: its URL (the host's labels name the site too:
    "QuickFrame" on quickframe.mountain.com); ``sections``: its section names (article:section); ``learned``: name keys
    of affixes learned for its source (:func:`learn_affixes`); ``knowledge``: ``config/sources.yaml``
    (loaded by default); ``guess_tail``: cut a short capitalised tail after a single pipe that nothing
    names as the site (off for a headline the page shows: "12 Tools for 2026 | Python, SQL & AI" in an
    h1 is the headline's own).
    """
    if raw is None:
        return None
    t = _chars(raw)
    if not _has_word(t):
        return None
    if not learned and ": " not in t and not t.endswith(")") and _SEP.search(t) is None:
        return t  # no separator, no "Site: ", no "(Site)": nothing to strip (most headlines)
    aff = _affixes(knowledge or load_sources(), tuple(site_names), domain, _host(url), tuple(sections),
                   frozenset(learned))  # fmt: skip
    for _ in range(4):  # to the fixpoint: what one pass exposes ("X | Site |") the next can strip
        new = _strip(t, aff)
        if new == t:
            break
        t = new
    return _pipe_tail(t) if guess_tail else t


_PIPE = re.compile(r"\s+\|\s+")


def _pipe_tail(title: str) -> str:
    """"Headline words here | Some Site" with one pipe: a short capitalised tail is the site's name even
    when nothing names it (headlines do not use pipes; dashes and colons they do, so those are left)."""
    parts = _PIPE.split(title)
    if len(parts) != 2:
        return title
    head, tail = parts[0].strip(), parts[1].strip()
    if (
        tail[:1].isupper() or tail[:1].isdigit()
    ) and _words(tail) <= 5 and len(tail) <= 50 and _words(head) >= 3 and "|" not in head:
        return head
    return title


# ---------------------------------------------------------------------------------------------------
# learned affixes (cross-record)
# ---------------------------------------------------------------------------------------------------
def _end_keys(title: str) -> list[str]:
    """Name keys of the first and last segments of a title with at least two (dangling ones skipped)."""
    parts = [p for p in _split(title)[0] if p.strip()]
    if len(parts) < 2:
        return []
    out = []
    for seg in (parts[0], parts[-1]):
        if _words(seg) <= MAX_AFFIX_WORDS and len(seg) <= MAX_AFFIX_CHARS:
            k = name_key(seg)
            if k:
                out.append(k)
    return out


def learn_affixes(
    pairs: Iterable[tuple[str, str | None]],
    *,
    min_count: int = 3,
    min_share: float = 0.02,
    known: Mapping[str, Iterable[str]] | None = None,
    knowledge: SourceKnowledge | None = None,
) -> dict[str, frozenset[str]]:
    """Per source, the name keys of title segments that are chrome: an end segment (first or last) found
    in at least ``min_count`` distinct titles of the source and ``min_share`` of them. ``pairs`` are
    (source, title) with the per-record cleaning already done; ``known`` adds affixes known up front per
    source (e.g. ``title_affixes`` of ``config/sources.yaml``)."""
    kn = knowledge or load_sources()
    titles: dict[str, set[str]] = defaultdict(set)
    for src, t in pairs:
        if t:
            titles[src].add(t)
    out: dict[str, frozenset[str]] = {}
    for src, ts in titles.items():
        learned: set[str] = set((known or {}).get(src, ()))
        need = max(min_count, min_share * len(ts))
        current = set(ts)
        for _ in range(3):
            counts: Counter[str] = Counter()
            for t in current:
                counts.update(set(_end_keys(t)))
            new = {k for k, c in counts.items() if c >= need} - learned
            if not new:
                break
            learned |= new
            current = {strip_learned(t, learned, knowledge=kn) or t for t in current}
        if learned:
            out[src] = frozenset(learned)
    return out


def strip_learned(title: str | None, learned: Iterable[str], *, site_names: Iterable[str | None] = (),
                  domain: str | None = None, url: str | None = None,
                  knowledge: SourceKnowledge | None = None) -> str | None:  # fmt: skip
    """``title`` without the learned affixes of its source (and what they expose)."""
    return clean_title(title, site_names=site_names, domain=domain, url=url, learned=learned, knowledge=knowledge)


# ---------------------------------------------------------------------------------------------------
# a date glued to the headline
# ---------------------------------------------------------------------------------------------------
# words a date that ends a headline belongs to ("... held on 8 February 2024", "с 20 по 25 ноября",
# "19 سے 22 نومبر"): the date is the headline's own
_DATE_PREPOSITIONS = frozenset(
    ["on", "by", "until", "till", "since", "from", "before", "after", "in", "at", "for", "of", "to", "through",
     "between", "and", "or", "than", "until", "до", "с", "со", "по", "к", "на", "в", "во", "от", "после",
     "перед", "около", "между", "и", "или", "чем", "سے", "تا", "اور", "یا", "بروز", "قبل", "بعد"]
)  # fmt: skip
_GLUE_SEPS = "|–—·•/\n"  # set a date off a headline; not ",", ":" ("Гороскоп на сегодня: 16 мая 2020 года")


def split_title_date(title: str) -> tuple[str, TextDate | None]:
    """(headline, date) when ``title`` ends with a date glued on by a scraper; else (title, None).

    The date must end the title and the headline left must have at least two words that do not end in
    a preposition or a number ("20-25 ноября", "19 سے 22 نومبر" keep their dates). In English and
    Russian the date must also be set off: glued without a space, after `` | ``, `` - ``, `` – ``,
    `` — ``, ``·`` or a line break. An Urdu headline may carry it after a space (a date that belongs to an
    Urdu headline takes a postposition: "8 فروری کو")."""
    if len(title) < 8 or not has_digit(title[-40:]):
        return title, None
    folded = fold(title)
    n = len(folded)
    for cand in date_starts(folded, max(0, n - 50)):
        start = cand
        c = folded[start]
        prev = folded[start - 1] if start else " "
        if prev.isalnum() and c.isdigit() == prev.isdigit():
            continue  # inside a word or a number
        td = date_at(folded, start)
        if td is None or folded[td.end :].strip() not in ("", "ء", ".", "|"):
            continue
        head = title[:start]
        head_stripped = head.rstrip()
        glued = head_stripped == head and not head_stripped.endswith("-")
        spaced_hyphen = head_stripped.endswith(" -") or head_stripped.endswith(" –")
        head_clean = head_stripped.rstrip(_GLUE_SEPS + " -").rstrip()
        set_off = glued or spaced_hyphen or head_clean != head_stripped.rstrip("-").rstrip() or "\n" in head
        toks = head_clean.split()
        if len(toks) < 2 or _words(head_clean) < 2:
            return title, None
        last = toks[-1].lower()
        if last in _DATE_PREPOSITIONS or fold(last)[-1:].isdigit() or (head_stripped.endswith("-") and not spaced_hyphen):
            return title, None
        urdu = any("\u0600" <= ch <= "\u06ff" for ch in head_clean[-20:])
        if not (set_off or urdu):
            return title, None
        return head_clean, td
    return title, None
