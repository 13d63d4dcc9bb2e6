"""Sector tagging: one Aho-Corasick pass over title + body, a salience score per sector, a rank.

Matching (see ``_phrases`` and ``_morph``): the text is ``title + "\\n\\n" + body`` (just ``body``
without a title), casefolded, script variants and diacritics normalised, punctuation and hyphens read
as spaces; every hit is word-bounded. Each configured term also matches its inflected forms (English
plural, Russian cases, Urdu plural/oblique); ``stem*`` terms match any word starting with the stem.
Within one sector, overlapping hits keep the leftmost-longest ("gas pipeline" counts once, not as
"gas" + "pipeline"); a hit inside one of the sector's exclusion phrases ("trade union", "youthful
energy") is dropped. Different sectors may share a span, but a hit strictly inside a longer hit of another sector is dropped
("oil exports" is energy, its "exports" no trade evidence). Hits inside web addresses and dotted
identifiers ("CBS.MW", ".../stocks/quickinfo") are dropped; an acronym term in an ALL-CAPS line (a wire
headline: "WHO WILL WIN") counts only when the same acronym also occurs in mixed-case text. Context
sectors (``context: true``: sport, entertainment) are scored and take part in the share, but are never
returned: a celebrity taken to hospital is an entertainment story, so health has a small share of it.

Score of sector ``s`` in a document of ``W`` words (parameters under ``scoring:`` in the YAML)::

    w_t       = term weight (x name_weight when the hit is part of a company name: "Arch Coal Inc.",
                "XYZ Industries"; raised to >= list_weight when the term is named in an enumeration
                of >= list_min_sectors sectors: "cooperation in trade, energy, security and defence")
    zone_t    = title_weight if t occurs in the title, else lead_weight if in the first lead_words
                words of the body, else body_weight
    salience  = spread * sum over distinct terms t of  w_t * (zone_t + ln n_t)   # n_t occurrences
    spread    = 1 + spread_bonus * min(paragraphs_with_hits - 1, spread_cap)
    strength  = 1 - exp(-(salience / max(1, W / ref_words) ** length_exponent) / scale)
    share     = (salience / the salience of the document's most salient sector) ** share_exponent
                (a context sector's salience counts x context_weight)
    dominance = scoring.dominance / max(1, W / ref_words) ** length_exponent   # long_article_relief:
                a long report covers several subjects, so a sector needs a smaller share of the top one
    anchor    = min(1, (weight of the sector's strongest matched term) / anchor_weight)
    score     = strength * min(1, share / dominance) * anchor   # share factor 1 when named in a list
                (a list: >= list_min_sectors sectors joined by commas/and/or, or two with a list_cues
                word nearby: "trade and economic cooperation", "military, technical and banking sectors")

Tagged when ``score >= threshold`` (per sector, default ``scoring.default_threshold``). ``strength``
says how much evidence there is (density: a passing mention in a long article is weak); ``share``
says whether the article is about this sector rather than mentioning it: one "exports" in a grain
story has a small share of the story's evidence and is not trade. The most salient sector always has
share 1. ``anchor`` keeps weak context words (weight < anchor_weight: "shares", "debt", "online") from
making a tag on their own, however often they occur: they support a sector that has a real term. Ranks order every scored sector of a document by score (ties by id); ``is_primary`` marks
rank 1 when it is tagged.

With the shipped parameters (ref_words 400, exponent 0.5, scale 1, threshold 0.5, lead 60 words) one
strong term (weight 1) named once in the body of a short article scores 0.63 when it is the article's
only sector, and so does an explicit "cooperation in trade, energy and defence"; a passing mention in
a 1,600-word article scores 0.39; a headline term scores 0.86; a sector with a quarter of the main
sector's evidence keeps half its strength.
"""

from __future__ import annotations

import bisect
import functools
import math
import operator
import re
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from newsetl.enrich._morph import save_forms, term_variants
from newsetl.enrich._phrases import (
    Hit,
    Pattern,
    PhraseIndex,
    article_columns,
    code_units,
    is_acronym,
    leftmost_longest,
    make_pattern,
)
from newsetl.enrich.taxonomy import Taxonomy
from schemas.tables import ARTICLE_SECTORS

SECTORS_SCHEMA = pa.schema([f for f in ARTICLE_SECTORS if f.name != "run_id"])
# a capitalised hit followed (within two more capitalised words, "&" or "of") by a company suffix,
# or a hit that is itself such a name word ("Industries"): part of a company name
_COMPANY_TAIL = re.compile(
    r"(?:[ \t]+(?:[A-Z][\w.'&-]*|&|of|and)){0,2}?[ \t]+"
    r"(?:Inc|Corp|Corporation|Co|Cos|Company|Ltd|Limited|Plc|PLC|LLC|LP|Group|Holdings|AG|SA|NV|SpA|Bhd|Berhad)\b",
    re.IGNORECASE,
)
_COMPANY_WORDS = {"industries", "industrie", "inds"}


@dataclass(frozen=True, slots=True)
class SectorHit:
    """One scored sector of one document (``tag`` returns the tagged ones unless ``all_scores``)."""

    sector: str
    score: float
    mentions: int
    evidence: str  # "vaccine x3; covid-19 x2"
    spans: list[tuple[int, int]] = field(default_factory=list)  # [start, end) in title+"\n\n"+body
    rank: int = 1  # 1 = the document's highest-scoring sector
    tagged: bool = True  # score >= the sector's threshold: counted by the marts
    is_primary: bool = False  # rank 1 and tagged


# SectorHit's fields as a plain tuple, in their order: sector, score, mentions, evidence, spans, rank, tagged,
# is_primary
ScoredRow = tuple[str, float, int, str, list[tuple[int, int]], int, bool, bool]
_SPAN = operator.itemgetter(0, 1)  # a hit's (start, end)


@dataclass(frozen=True, slots=True)
class _Term:
    sector: int
    weight: float
    label: str  # evidence label: the configured term (stems show the surface word)
    prefix: bool
    acronym: bool = False  # written in capitals: matched case-exactly


@dataclass(frozen=True, slots=True)
class _Exclusion:
    sector: int


def compose_text(title: str | None, body: str) -> tuple[str, int]:
    """The matched text and the length of its title part (0 without a title)."""
    if title and title.strip():
        return title + "\n\n" + body, len(title)
    return body, 0


def _lead_end(text: str, body_start: int, words: int) -> int:
    """Offset just after the first ``words`` words (``\\S+``) of the body (``body_start`` without words)."""
    m = _lead_words(words).match(text, body_start)
    return m.end() if m else body_start


@functools.lru_cache(maxsize=8)
def _lead_words(words: int) -> re.Pattern[str]:
    # greedy and never backtracking into a word: each repetition takes the spaces then a whole word
    return re.compile(r"(?:\s*\S+){0," + str(words) + "}")


def word_count(text: str) -> int:
    """``len(text.split())`` without building the words: with one 0/1 byte per character (1 = whitespace) a
    word starts at each 1 followed by a 0, and at the start when the text starts with a 0. Non-ASCII text by
    its UTF-16 code units: a character outside the BMP is two non-whitespace units, which start the same
    words as one."""
    if text.isascii():
        space = np.frombuffer(text.encode("ascii").translate(_ASCII_SPACE), dtype=np.uint8)
    else:
        space = _space_table().take(code_units(text))
    if not space.size:
        return 0
    return int(np.count_nonzero(space[:-1] > space[1:])) + int(space[0] == 0)


@functools.cache
def _space_table() -> np.ndarray:
    """``str.isspace`` of every BMP code point (surrogates: no), as 0/1 bytes (built once; every whitespace
    character is in the BMP, tested)."""
    return np.fromiter((chr(c).isspace() for c in range(0x10000)), dtype=bool, count=0x10000).view(np.uint8)


_ASCII_SPACE = bytes(int(chr(c).isspace()) if c < 128 else 0 for c in range(256))


def _in_company_name(text: str, h: Hit) -> bool:
    if not text[h.start : h.start + 1].isupper():
        return False
    if h.surface in _COMPANY_WORDS:
        return True
    return bool(_COMPANY_TAIL.match(text, h.end))


class SectorMatcher:
    """Tags documents with the taxonomy's sectors using ONE automaton over all terms of all sectors."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        self._ids = taxonomy.ids
        self._context = {i for i, sec in enumerate(taxonomy.sectors) if sec.context}
        self._thresholds = [taxonomy.threshold(s) for s in taxonomy.sectors]
        patterns: list[Pattern] = []
        for i, sector in enumerate(taxonomy.sectors):
            for term, weight in sector.terms.items():
                prefix = term.strip().endswith("*")
                info = _Term(i, float(weight), term.strip().rstrip("*").casefold(), prefix,
                             is_acronym(term.strip().rstrip("*")))
                patterns.extend(make_pattern(v, info) for v in term_variants(term))
            for phrase in sector.exclusions:
                patterns.extend(make_pattern(v, _Exclusion(i)) for v in term_variants(phrase))
        self._index = PhraseIndex(patterns)
        save_forms()  # the Russian forms computed for this taxonomy, for the next process
        cues = [c.strip().rstrip("*").casefold() for c in taxonomy.scoring.list_cues if c.strip()]
        self._cue = (re.compile(r"(?<!\w)(?:" + "|".join(sorted(map(re.escape, cues), key=len, reverse=True)) + r")")
                     if cues else None)

    @property
    def n_patterns(self) -> int:
        return self._index.size

    @property
    def index(self) -> PhraseIndex:
        """The automaton over every term (and exclusion) of every sector."""
        return self._index

    def _kept_hits(self, text: str, found: list[Hit] | None = None) -> dict[int, list[Hit]]:
        per_sector: dict[int, list[Hit]] = {}
        excluded: dict[int, list[tuple[int, int]]] = {}
        acronyms = False
        links = _has_links(text)
        reach = -1  # the furthest end of the term hits so far
        overlap = False  # whether a term hit starts before an earlier one ends (in about half the articles)
        for h in self._index.find(text) if found is None else found:
            p = h.payload
            if type(p) is _Term:  # (final classes: the isinstance they replace)
                start = h.start
                if start > 1 and text[start - 1] == "." and text[start - 2].isalnum():
                    continue  # inside a dotted identifier: "CBS.MW", "RNWK.O", "example.com"
                if links and _in_link(text, start):
                    continue  # a word of a web address: ".../stocks/quickinfo/fullquote"
                if p.acronym:
                    acronyms = True
                if start < reach:
                    overlap = True
                if h.end > reach:
                    reach = h.end
                mine = per_sector.get(p.sector)
                if mine is None:
                    per_sector[p.sector] = [h]
                else:
                    mine.append(h)
            elif type(p) is _Exclusion:
                excluded.setdefault(p.sector, []).append((h.start, h.end))
        if acronyms:
            _confirm_capital_acronyms(text, per_sector)
        kept: dict[int, list[Hit]] = {}
        for si, hits in per_sector.items():
            if si in excluded:
                ex = excluded[si]
                hits = [h for h in hits if not any(s <= h.start and h.end <= e for s, e in ex)]
            # disjoint hits (no start before an earlier end) come by start: leftmost_longest keeps them all, in
            # order, and none lies inside another (tested)
            if overlap:
                hits = leftmost_longest(hits)
            if hits:
                kept[si] = hits
        if overlap and len(kept) > 1:
            kept = _drop_contained(kept)
        return kept

    def tag(self, title: str | None, body: str, all_scores: bool = False,
            found: list[Hit] | None = None) -> list[SectorHit]:
        """Sectors of one document, best first; ``all_scores`` also returns the untagged scored ones.
        ``found``: ``self.index.find`` of its ``compose_text``, when the caller has it already."""
        text, title_len = compose_text(title, body)
        return self.tag_text(text, title_len, all_scores, found)

    def tag_text(self, text: str, title_len: int, all_scores: bool = False,
                 found: list[Hit] | None = None) -> list[SectorHit]:
        """``tag`` of a document given as its ``compose_text`` (the text and the length of its title part)."""
        return [SectorHit(*row) for row in self.scored_rows(text, title_len, found) if all_scores or row[6]]

    def scored_rows(self, text: str, title_len: int, found: list[Hit] | None = None) -> list[ScoredRow]:
        """``tag_text(text, title_len, all_scores=True, found)`` as plain tuples of the ``SectorHit`` fields, in
        their order (``enrich_articles`` stores them without building the frozen dataclasses, ~1 us each)."""
        kept = self._kept_hits(text, found)
        if not kept or all(si in self._context for si in kept):
            return []
        sc = self.taxonomy.scoring
        listed = _listed_hits(text, kept, sc.list_min_sectors, self._cue, sc.list_cue_window)
        body_start = title_len + 2 if title_len else 0
        lead_end = _lead_end(text, body_start, sc.lead_words)
        words = word_count(text)
        length = max(1.0, words / sc.ref_words) ** sc.length_exponent
        breaks = _find_all(text, "\n")  # (str.find: ~2x faster than a regex finditer over the few newlines)
        named = _company_hits(text, kept)
        scored: list[tuple[int, float, list[Hit], dict[str, int], bool, float]] = []
        name_weight, list_weight = sc.name_weight, sc.list_weight
        title_weight, lead_weight, body_weight = sc.title_weight, sc.lead_weight, sc.body_weight
        paragraph_of = bisect.bisect_left
        for si, hits in kept.items():
            counts: dict[str, int] = {}
            weights: dict[str, float] = {}
            zones: dict[str, float] = {}
            paragraphs: set[int] = set()
            # (the comparisons below are the max() calls they replace: the first of equal values is kept)
            for start, _, surface, payload in hits:
                t: _Term = payload  # type: ignore[assignment]
                label = surface if t.prefix else t.label
                w = t.weight * name_weight if start in named else t.weight * 1.0
                if listed and (si, start) in listed and list_weight > w:
                    w = list_weight
                zone = title_weight if start < title_len else lead_weight if start < lead_end else body_weight
                if label in counts:
                    counts[label] += 1
                    if w > weights[label]:
                        weights[label] = w
                    if zone > zones[label]:
                        zones[label] = zone
                else:
                    counts[label] = 1
                    weights[label] = w if w > 0.0 else 0.0
                    zones[label] = zone if zone > 0.0 else 0.0
                paragraphs.add(paragraph_of(breaks, start))
            mass = sum(weights[k] * (zones[k] + math.log(n)) for k, n in counts.items())
            spread = 1.0 + sc.spread_bonus * min(len(paragraphs) - 1, sc.spread_cap)
            is_listed = bool(listed) and any((si, h.start) in listed for h in hits)
            anchor = 1.0 if sc.anchor_weight <= 0 else min(1.0, max(weights.values()) / sc.anchor_weight)
            scored.append((si, mass * spread, hits, counts, is_listed, anchor))
        top = max(sal * (sc.context_weight if si in self._context else 1.0) for si, sal, *_ in scored)
        dominance = sc.dominance / length if sc.long_article_relief else sc.dominance
        rows: list[tuple[str, float, int, str, list[tuple[int, int]], bool]] = []
        for si, sal, hits, counts, is_listed, anchor in scored:
            if si in self._context:
                continue  # evidence for the share only: never stored
            strength = 1.0 - math.exp(-(sal / length) / sc.scale)
            share = 1.0 if is_listed or top <= 0 else min(1.0, sal / top / dominance) ** sc.share_exponent
            score = round(strength * share * anchor, 4)
            ranked = sorted(counts.items(), key=lambda kv: -kv[1])  # stable: first seen first on ties
            evidence = "; ".join(f"{k} x{n}" for k, n in ranked)
            rows.append((self._ids[si], score, len(hits), evidence, list(map(_SPAN, hits)),
                         score >= self._thresholds[si]))
        rows.sort(key=lambda r: (-r[1], r[0]))
        return [(sector, score, mentions, evidence, spans, rank, tagged, rank == 1 and tagged)
                for rank, (sector, score, mentions, evidence, spans, tagged) in enumerate(rows, 1)]

    def is_tagged(self, hit: SectorHit) -> bool:
        return hit.score >= self._thresholds[self._ids.index(hit.sector)]


_LINK_MARKS = ("://", "www.", "=/", "href=")


def _has_links(text: str) -> bool:
    """``any(m in text for m in _LINK_MARKS)``; a mark with "/" or "=" is searched only when the text has
    that character (a one-character search costs a fraction of a substring search: most articles have
    neither, so two scans instead of four)."""
    eq = "=" in text
    if "/" in text:
        return "://" in text or "www." in text or (eq and ("=/" in text or "href=" in text))
    return "www." in text or (eq and "href=" in text)


def _in_link(text: str, pos: int) -> bool:
    """True when ``pos`` lies in a whitespace-delimited token that is a web address or an HTML attribute."""
    start = max(text.rfind(" ", 0, pos), text.rfind("\n", 0, pos)) + 1
    end = min((i for i in (text.find(" ", pos), text.find("\n", pos)) if i >= 0), default=len(text))
    token = text[start:end].casefold()
    return any(m in token for m in _LINK_MARKS)


_CAP_WORD_BEFORE = re.compile(r"(?:[A-Z][\w.'&-]*[ \t]+){1,2}$")


def _company_hits(text: str, kept: dict[int, list[Hit]]) -> set[int]:
    """Starts of the hits that are part of a company name: "Allied Minerals Corp" (a name suffix follows),
    "XYZ Industries", and every other mention of a name found so: "ALLIED MINERALS" in the headline,
    "Allied Minerals said" later."""
    named: set[int] = set()
    names: set[str] = set()
    for hits in kept.values():
        for h in hits:
            if text[h.start].isupper() and _in_company_name(text, h):  # (its first test, inlined: most hits fail it)
                named.add(h.start)
                m = _CAP_WORD_BEFORE.search(text, max(0, h.start - 60), h.start)
                if m:
                    names.add(" ".join(text[m.start() : h.end].split()).casefold())
    if names:
        low = text.casefold()
        if len(low) == len(text):
            spans = [(i, i + len(n)) for n in names for i in _find_all(low, n)]
            for hits in kept.values():
                named.update(h.start for h in hits if any(s <= h.start and h.end <= e for s, e in spans))
    return named


def _find_all(text: str, sub: str) -> list[int]:
    out, i = [], text.find(sub)
    while i >= 0:
        out.append(i)
        i = text.find(sub, i + 1)
    return out


def _caps_line(text: str, pos: int) -> tuple[int, bool]:
    """(start of the line holding ``pos``, whether that line is written in capitals only)."""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    line = text[start : end if end >= 0 else len(text)]
    return start, not any(c.islower() for c in line)


def _confirm_capital_acronyms(text: str, per_sector: dict[int, list[Hit]]) -> None:
    """Drop acronym hits in an ALL-CAPS line (a wire headline) that nothing else confirms.

    In "WHO WILL WIN THE CUP FINAL" or "COMPUTER AIDS SALES" the capitals say nothing: an acronym term
    (WHO, AIDS, SEC) in a line without lower-case letters counts only when the same term also occurs in
    mixed-case text of the document ("OPEC OUTPUT RISES" + "OPEC said"), or when the whole document is
    in capitals (then case cannot tell and the hit stays)."""
    if not any(c.islower() for c in text):
        return
    confirmed: set[str] = set()
    in_caps: list[tuple[int, Hit]] = []
    for si, hits in per_sector.items():
        for h in hits:
            t: _Term = h.payload  # type: ignore[assignment]
            if not t.acronym:
                continue
            if _caps_line(text, h.start)[1]:
                in_caps.append((si, h))
            else:
                confirmed.add(t.label)
    for si, h in in_caps:
        if h.payload.label not in confirmed:  # type: ignore[attr-defined]
            per_sector[si] = [x for x in per_sector[si] if x is not h]
    for si in [si for si, hits in per_sector.items() if not hits]:
        del per_sector[si]


def _drop_contained(kept: dict[int, list[Hit]]) -> dict[int, list[Hit]]:
    """Drop a hit that lies strictly inside a longer hit of another sector: the longer phrase says what
    the words mean ("oil exports" is energy, so its "exports" is no trade evidence; "export earnings" is
    trade, not company earnings). Identical spans (two sectors sharing a word) are not containment.

    One sweep by start (ties: longer first): a hit ``h`` is inside a longer hit of sector ``x`` exactly
    when, among the hits of ``x`` seen before it, the one reaching furthest (ties: the earliest start)
    ends after ``h``, or ends with it and starts before it."""
    flat = sorted([(h.start, -h.end, si, h) for si, hits in kept.items() for h in hits], key=_START_LONGEST)
    reach: dict[int, tuple[int, int]] = {}  # sector -> (end, -start) of its hit reaching furthest so far
    top = -1  # the furthest end of any hit so far: a hit ending after it is inside nothing
    drop: set[int] = set()
    for start, neg_end, si, h in flat:
        end = -neg_end
        if end <= top:
            for other, (other_end, other_neg_start) in reach.items():
                if other != si and (other_end > end or (other_end == end and -other_neg_start < start)):
                    drop.add(id(h))
                    break
        mine = reach.get(si)
        if mine is None or (end, -start) > mine:
            reach[si] = (end, -start)
        if end > top:
            top = end
    if not drop:
        return kept
    out = {si: [h for h in hits if id(h) not in drop] for si, hits in kept.items()}
    return {si: hits for si, hits in out.items() if hits}


_START_LONGEST = operator.itemgetter(0, 1)  # (start, -end): by start, longer first; stable on ties


# what may stand between two items of an enumeration: "trade, energy", "security and defence",
# "defense, as well as cultural", "railways & aviation"
# One item that is no sector term may sit in between: "military, technical and banking sectors".
# An enumeration never crosses a line break (a headline and the lead are not one list).
_SEP = r"[^\S\n]*(?:[,;/&،]|[^\S\n])[^\S\n]*(?:(?:and|or|as well as|&|и|или|а также|اور|و)[^\S\n]+)?"
_LIST_GAP = re.compile(_SEP + r"(?:\w+[^\S\n]*[,،][^\S\n]*(?:(?:and|or|и|или|اور|و)[^\S\n]+)?"
                       r"|\w+[^\S\n]+(?:and|or|и|или|اور|و)[^\S\n]+)?", re.IGNORECASE)


def _listed_hits(text: str, kept: dict[int, list[Hit]], min_sectors: int,
                 cue: re.Pattern[str] | None = None, window: int = 60) -> set[tuple[int, int]]:
    """(sector, start) of hits in an enumeration that names at least ``min_sectors`` sectors, or two
    sectors with a cue word (``scoring.list_cues``: "cooperation", "ties", "sectors" ...) within
    ``window`` characters.

    "cooperation in trade, energy, security and defence" or "cooperation in military, technical and
    banking sectors" names each area explicitly: those hits weigh at least ``scoring.list_weight`` and
    count as a subject of the article even when the word alone is ambiguous ("energy", "defence") and
    other sectors have more evidence. "oil and gold prices" in a market report names two sectors
    without a cue and is not an enumeration.
    """
    listed: set[tuple[int, int]] = set()
    if len(kept) < 2 <= min_sectors:
        return listed  # a chain of one sector's hits is no enumeration (see close)
    flat = sorted((h.start, h.end, si) for si, hits in kept.items() for h in hits)
    chain: list[tuple[int, int, int]] = []

    def close() -> None:
        if len(chain) < 2 <= min_sectors:
            return  # one hit is no enumeration (most chains)
        n = len({si for _, _, si in chain})
        if n >= min_sectors or (n >= 2 and cue is not None and cue.search(
                text[max(0, chain[0][0] - window) : chain[-1][1] + window].casefold())):
            listed.update((si, s) for s, _, si in chain)

    single_too = min_sectors < 2  # one hit can be a "list" only then; otherwise skip closing single-hit chains
    for item in flat:
        if chain:
            _, prev_end, _ = chain[-1]
            s = item[0]
            if not (0 < s - prev_end <= 30 and _LIST_GAP.fullmatch(text, prev_end, s)):
                if single_too or len(chain) > 1:
                    close()
                chain = []
        chain.append(item)
    close()
    return listed


def tag_sectors(articles: pa.Table, matcher: SectorMatcher) -> pa.Table:
    """Tag every article (columns ``article_id``, ``title``, ``body``): ``ARTICLE_SECTORS`` without ``run_id``.

    One row per (article, scored sector): every sector with evidence, ``tagged`` when its score reaches
    the sector's threshold (the marts count only those: see ``warehouse/sql/staging/article_sectors.sql``),
    ``rank`` 1 for the highest score, ``is_primary`` for a tagged rank 1. Articles without evidence for
    any sector have no row. A NULL body is read as empty text; ``title`` may be absent or NULL.
    """
    ids, titles, bodies = article_columns(articles)
    rows = sector_rows()
    for aid, title, body in zip(ids, titles, bodies, strict=True):
        add_sector_rows(rows, aid, matcher.tag(title, body or "", all_scores=True))
    return pa.Table.from_pydict(rows, schema=SECTORS_SCHEMA)


def sector_rows() -> dict[str, list[object]]:
    """Empty columns of ``tag_sectors``' table (fill with ``add_sector_rows``)."""
    return {f.name: [] for f in SECTORS_SCHEMA}


def add_scored_rows(rows: dict[str, list[object]], aid: str | None, scored: list[ScoredRow]) -> None:
    """``add_sector_rows`` of ``SectorMatcher.scored_rows``."""
    for sector, score, mentions, evidence, spans, rank, tagged, is_primary in scored:
        rows["article_id"].append(aid)
        rows["sector"].append(sector)
        rows["score"].append(score)
        rows["tagged"].append(tagged)
        rows["rank"].append(rank)
        rows["is_primary"].append(is_primary)
        rows["mentions"].append(mentions)
        rows["evidence"].append(evidence)
        rows["spans"].append(spans)


def add_sector_rows(rows: dict[str, list[object]], aid: str | None, hits: list[SectorHit]) -> None:
    """One row per scored sector of article ``aid``."""
    for hit in hits:
        rows["article_id"].append(aid)
        rows["sector"].append(hit.sector)
        rows["score"].append(hit.score)
        rows["tagged"].append(hit.tagged)
        rows["rank"].append(hit.rank)
        rows["is_primary"].append(hit.is_primary)
        rows["mentions"].append(hit.mentions)
        rows["evidence"].append(hit.evidence)
        rows["spans"].append(hit.spans)  # (start, end) tuples: Arrow reads them as the lists they were
