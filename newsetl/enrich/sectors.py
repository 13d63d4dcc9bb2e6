"""Sector tagging: one Aho-Corasick pass over title + body, a calibrated score per sector.

Matching (see ``_phrases``): the text is ``title + "\\n\\n" + body`` (just ``body`` without a title),
casefolded, punctuation and hyphens read as spaces; every hit is word-bounded. Each configured term
also matches the regular plural of its last word; ``stem*`` terms match any word starting with the
stem. Within one sector, overlapping hits keep the leftmost-longest ("gas pipeline" counts once, not
as "gas" + "pipeline"); a hit inside one of the sector's exclusion phrases ("trade union",
"youthful energy") is dropped. Different sectors may share a span.

Score of sector ``s`` in a document of ``W`` words (parameters under ``scoring:`` in the YAML)::

    mass     = sum over distinct terms t: w_t * (1 + ln n_t)      # n_t occurrences, diminishing
               (w_t raised to >= list_weight when t is named in an enumeration of sectors)
             + title_bonus * sum of w_t over distinct terms t found in the title
    spread   = 1 + spread_bonus * min(paragraphs_with_hits - 1, spread_cap)
    length   = max(1, W / ref_words) ** length_exponent
    evidence = mass * spread / length
    score    = 1 - exp(-evidence / scale)                          # in [0, 1)

Tagged when ``score >= threshold`` (per sector, default ``scoring.default_threshold``). With the
shipped parameters (ref_words 400, exponent 0.5, scale 1, threshold 0.5) one strong term (weight 1)
named once in a news-length article (<= 400 words) scores 0.63 and tags, so "cooperation in trade,
energy and defence" counts; the same single mention in a 1,600-word article scores 0.39 and does not;
ambiguous bare words ("energy", "defence", "trade": weight 0.6) need a second mention, a title hit or
an enumeration ("cooperation in trade, energy, security and defence": a hit separated from a hit of
another sector only by commas/and/or/"as well as" weighs at least ``list_weight`` = 1); weak terms
(0.2-0.5) need several mentions; a paragraph about the sector (several terms, several paragraphs)
scores 0.9+.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyarrow as pa

from newsetl.enrich._phrases import Hit, Pattern, PhraseIndex, leftmost_longest, make_pattern, plural_variants
from newsetl.enrich.taxonomy import Taxonomy
from schemas.tables import ARTICLE_SECTORS

SECTORS_SCHEMA = pa.schema([f for f in ARTICLE_SECTORS if f.name != "run_id"])
_NEWLINE = re.compile(r"\n")


@dataclass(frozen=True, slots=True)
class SectorHit:
    """One tagged (or, with ``all_scores``, scored) sector of one document."""

    sector: str
    score: float
    mentions: int
    evidence: str  # "vaccine x3; covid-19 x2"
    spans: list[tuple[int, int]] = field(default_factory=list)  # [start, end) in title+"\n\n"+body


@dataclass(frozen=True, slots=True)
class _Term:
    sector: int
    weight: float
    label: str  # evidence label: the configured term (stems show the surface word)
    prefix: bool


@dataclass(frozen=True, slots=True)
class _Exclusion:
    sector: int


def compose_text(title: str | None, body: str) -> tuple[str, int]:
    """The matched text and the length of its title part (0 without a title)."""
    if title and title.strip():
        return title + "\n\n" + body, len(title)
    return body, 0


class SectorMatcher:
    """Tags documents with the taxonomy's sectors using ONE automaton over all terms of all sectors."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        self._ids = taxonomy.ids
        self._thresholds = [taxonomy.threshold(s) for s in taxonomy.sectors]
        patterns: list[Pattern] = []
        for i, sector in enumerate(taxonomy.sectors):
            for term, weight in sector.terms.items():
                prefix = term.strip().endswith("*")
                info = _Term(i, float(weight), term.strip().rstrip("*").casefold(), prefix)
                patterns.extend(make_pattern(v, info) for v in plural_variants(term))
            for phrase in sector.exclusions:
                patterns.extend(make_pattern(v, _Exclusion(i)) for v in plural_variants(phrase))
        self._index = PhraseIndex(patterns)

    @property
    def n_patterns(self) -> int:
        return self._index.size

    def tag(self, title: str | None, body: str, all_scores: bool = False) -> list[SectorHit]:
        """Sectors of one document, best first; ``all_scores`` also returns untagged sectors with hits."""
        text, title_len = compose_text(title, body)
        raw = self._index.find(text)
        if not raw:
            return []
        per_sector: dict[int, list[Hit]] = {}
        excluded: dict[int, list[tuple[int, int]]] = {}
        for h in raw:
            p = h.payload
            if isinstance(p, _Term):
                per_sector.setdefault(p.sector, []).append(h)
            elif isinstance(p, _Exclusion):
                excluded.setdefault(p.sector, []).append((h.start, h.end))
        if not per_sector:
            return []
        sc = self.taxonomy.scoring
        kept: dict[int, list[Hit]] = {}
        for si, hits in per_sector.items():
            if si in excluded:
                ex = excluded[si]
                hits = [h for h in hits if not any(s <= h.start and h.end <= e for s, e in ex)]
            hits = leftmost_longest(hits)
            if hits:
                kept[si] = hits
        listed = _listed_hits(text, kept)
        words = len(text.split())
        length = max(1.0, words / sc.ref_words) ** sc.length_exponent
        breaks = [m.start() for m in _NEWLINE.finditer(text)]
        out: list[SectorHit] = []
        for si, hits in kept.items():
            counts: dict[str, int] = {}
            weights: dict[str, float] = {}
            in_title: set[str] = set()
            paragraphs: set[int] = set()
            for h in hits:
                t: _Term = h.payload  # type: ignore[assignment]
                label = h.surface if t.prefix else t.label
                counts[label] = counts.get(label, 0) + 1
                w = max(t.weight, sc.list_weight) if (si, h.start) in listed else t.weight
                weights[label] = max(weights.get(label, 0.0), w)
                if h.start < title_len:
                    in_title.add(label)
                paragraphs.add(bisect.bisect_left(breaks, h.start))
            mass = sum(weights[k] * (1.0 + math.log(n)) for k, n in counts.items())
            mass += sc.title_bonus * sum(weights[k] for k in in_title)
            spread = 1.0 + sc.spread_bonus * min(len(paragraphs) - 1, sc.spread_cap)
            score = 1.0 - math.exp(-(mass * spread / length) / sc.scale)
            score = round(score, 4)
            if not all_scores and score < self._thresholds[si]:
                continue
            ranked = sorted(counts.items(), key=lambda kv: -kv[1])  # stable: first seen first on ties
            evidence = "; ".join(f"{k} x{n}" for k, n in ranked)
            out.append(SectorHit(self._ids[si], score, len(hits), evidence, [(h.start, h.end) for h in hits]))
        out.sort(key=lambda s: (-s.score, s.sector))
        return out

    def is_tagged(self, hit: SectorHit) -> bool:
        return hit.score >= self._thresholds[self._ids.index(hit.sector)]


# what may stand between two items of an enumeration: "trade, energy", "security and defence",
# "defense, as well as cultural", "railways & aviation"
_LIST_GAP = re.compile(r"\s*(?:[,;/&]|\s)\s*(?:(?:and|or|as well as|&)\s+)?", re.IGNORECASE)


def _listed_hits(text: str, kept: dict[int, list[Hit]]) -> set[tuple[int, int]]:
    """(sector, start) of hits that sit in an enumeration next to a hit of another sector.

    "cooperation in trade, energy, security and defence" names each area explicitly: those hits weigh
    at least ``scoring.list_weight`` even when the word alone is ambiguous ("energy", "defence").
    """
    flat = sorted((h.start, h.end, si) for si, hits in kept.items() for h in hits)
    listed: set[tuple[int, int]] = set()
    for (s1, e1, a), (s2, _e2, b) in itertools.pairwise(flat):
        if a != b and 0 < s2 - e1 <= 16 and _LIST_GAP.fullmatch(text, e1, s2):
            listed.add((a, s1))
            listed.add((b, s2))
    return listed


def _column(table: pa.Table, name: str) -> list[str | None]:
    if name not in table.column_names:
        raise ValueError(f"articles table has no column {name!r} (has {table.column_names})")
    return table.column(name).to_pylist()


def tag_sectors(articles: pa.Table, matcher: SectorMatcher) -> pa.Table:
    """Tag every article (columns ``article_id``, ``title``, ``body``): ``ARTICLE_SECTORS`` without ``run_id``.

    One row per (article, tagged sector); articles without a tagged sector have no row. A NULL body is
    read as empty text; ``title`` may be absent or NULL.
    """
    ids = _column(articles, "article_id")
    bodies = _column(articles, "body")
    titles: Iterable[str | None] = (
        _column(articles, "title") if "title" in articles.column_names else [None] * len(ids)
    )
    rows: dict[str, list[object]] = {f.name: [] for f in SECTORS_SCHEMA}
    for aid, title, body in zip(ids, titles, bodies, strict=True):
        for hit in matcher.tag(title, body or ""):
            rows["article_id"].append(aid)
            rows["sector"].append(hit.sector)
            rows["score"].append(hit.score)
            rows["mentions"].append(hit.mentions)
            rows["evidence"].append(hit.evidence)
            rows["spans"].append([list(s) for s in hit.spans])
    return pa.Table.from_pydict(rows, schema=SECTORS_SCHEMA)
