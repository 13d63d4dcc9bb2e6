"""Entity extraction from a gazetteer (``config/entities.yaml``): countries, people, organisations.

One Aho-Corasick automaton (see ``_phrases``) over every alias of every entity; hits are word-bounded
and resolved leftmost-longest across all entities, so "Russian Federation" is one mention of RU (not
"Russian" + nothing), "Sergey Lavrov" one mention of sergey_lavrov (not also "Lavrov").

Alias kinds (per entity in the YAML):

- ``name`` and ``aliases``: any case ("MOSCOW:" datelines match); acronyms written in capitals (UN,
  US, SCO) match only in capitals. Country aliases also match their plural ("Pakistanis", "Russians").
- ``exact``: case-exact aliases for words that are also common nouns ("Pak" in "Pak-Russia",
  "Turkey").
- ``short`` (people): case-exact short forms, usually the surname: "Lavrov said" counts for
  sergey_lavrov. Only given where the surname is not ambiguous (no "Khan", "Sharif", "Asif").

``ignore`` phrases take part in the leftmost-longest resolution and then count for nothing (e.g.
"Latin America" is not the US).

Country pairs (``country_pairs``): the countries an article is *about* are those mentioned at least
``min_mentions`` times and at least ``min_share`` times as often as its most-mentioned country; every
unordered pair of them (ISO codes sorted, "PK-RU") is a pair the article is about.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from newsetl.enrich._phrases import (
    Hit,
    Pattern,
    PhraseIndex,
    article_columns,
    leftmost_longest,
    make_pattern,
    plural_variants,
)
from newsetl.errors import ConfigError
from newsetl.settings import read_yaml_file
from schemas.tables import ARTICLE_ENTITIES

ENTITIES_SCHEMA = pa.schema([f for f in ARTICLE_ENTITIES if f.name != "run_id"])
COUNTRY_PAIRS_SCHEMA = pa.schema(
    [
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("pair", pa.string(), nullable=False, metadata={"doc": "two ISO codes, sorted: 'PK-RU'"}),
        pa.field("country_a", pa.string(), nullable=False),
        pa.field("country_b", pa.string(), nullable=False),
        pa.field("mentions_a", pa.int32(), nullable=False),
        pa.field("mentions_b", pa.int32(), nullable=False),
    ]
)
EntityType = Literal["country", "person", "organisation"]
_ISO = re.compile(r"^[A-Z]{2}$")
_SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Entity(_Model):
    id: str
    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    exact: list[str] = Field(default_factory=list, description="case-exact aliases")
    short: list[str] = Field(default_factory=list, description="case-exact short forms (surname)")


class Gazetteer(_Model):
    version: int = 1
    countries: list[Entity] = Field(default_factory=list)
    people: list[Entity] = Field(default_factory=list)
    organisations: list[Entity] = Field(default_factory=list)
    ignore: list[str] = Field(default_factory=list, description="phrases that mention no entity")

    @field_validator("countries")
    @classmethod
    def _iso(cls, v: list[Entity]) -> list[Entity]:
        for e in v:
            if not _ISO.match(e.id):
                raise ValueError(f"country id {e.id!r} ({e.name}) must be an ISO 3166 alpha-2 code like 'PK'")
        return v

    @field_validator("people", "organisations")
    @classmethod
    def _snake(cls, v: list[Entity]) -> list[Entity]:
        for e in v:
            if not _SNAKE.match(e.id):
                raise ValueError(f"id {e.id!r} ({e.name}) must be lower_snake_case, e.g. 'sergey_lavrov'")
        return v

    @model_validator(mode="after")
    def _unique(self) -> Gazetteer:
        for kind, ents in (
            ("countries", self.countries),
            ("people", self.people),
            ("organisations", self.organisations),
        ):
            seen = Counter(e.id for e in ents)
            dups = sorted(k for k, n in seen.items() if n > 1)
            if dups:
                raise ValueError(f"{kind}: ids {dups} appear more than once")
        return self


def load_entities(path: Path) -> Gazetteer:
    """Read and validate ``config/entities.yaml``; raise ``ConfigError`` naming the file and entry."""
    path = Path(path)
    raw: Any = read_yaml_file(path, "entity gazetteer", "check enrich.entities")
    if not isinstance(raw, dict):
        raise ConfigError(f"entity gazetteer {path} must be a mapping (countries, people, organisations)")
    try:
        return Gazetteer.model_validate(raw)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            loc = _where(tuple(err["loc"]), raw)
            lines.append(f"{path}: {loc}: {str(err['msg']).removeprefix('Value error, ')}")
        raise ConfigError("invalid entity gazetteer:\n" + "\n".join(lines)) from exc


def _where(loc: tuple[Any, ...], raw: dict[str, Any]) -> str:
    """Name the entry an error points at: ``countries #51 'Norway': id``."""
    if len(loc) >= 2 and isinstance(loc[1], int):
        entries = raw.get(str(loc[0])) or []
        entry = entries[loc[1]] if loc[1] < len(entries) else None
        name = entry.get("name", "?") if isinstance(entry, dict) else repr(entry)
        rest = " -> ".join(str(p) for p in loc[2:])
        return f"{loc[0]} #{loc[1] + 1} {name!r}" + (f": {rest}" if rest else "")
    return " -> ".join(str(p) for p in loc) or "file"


_IGNORE = ("ignore", "", "")


class EntityMatcher:
    """Finds gazetteer entities in text with one automaton; ``find`` returns mention counts."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        patterns: list[Pattern] = []
        kinds: tuple[tuple[EntityType, list[Entity]], ...] = (
            ("country", gazetteer.countries),
            ("person", gazetteer.people),
            ("organisation", gazetteer.organisations),
        )
        for etype, ents in kinds:
            for e in ents:
                key = (etype, e.id, e.name)
                for alias in [e.name, *e.aliases]:
                    variants = plural_variants(alias) if etype == "country" else [alias]
                    patterns.extend(make_pattern(v, key) for v in variants)
                for alias in [*e.exact, *e.short]:
                    patterns.append(make_pattern(alias, key, exact=True))
        for phrase in gazetteer.ignore:
            patterns.append(make_pattern(phrase, _IGNORE))
        self._index = PhraseIndex(patterns)

    @property
    def index(self) -> PhraseIndex:
        """The automaton over every alias (and ignored phrase)."""
        return self._index

    def find(self, text: str, found: list[Hit] | None = None) -> dict[tuple[str, str, str], int]:
        """``{(entity_type, entity_id, name): mentions}`` for one text (``found``: ``self.index.find(text)``,
        when the caller has it already)."""
        hits = leftmost_longest(self._index.find(text) if found is None else found)
        counts: Counter[tuple[str, str, str]] = Counter(h.payload for h in hits if h.payload != _IGNORE)  # type: ignore[misc]
        return dict(counts)

    def countries(self, text: str) -> dict[str, int]:
        """``{ISO code: mentions}`` of the countries named in ``text``."""
        return {eid: n for (etype, eid, _), n in self.find(text).items() if etype == "country"}


_TYPE_ORDER = {"country": 0, "person": 1, "organisation": 2}


def extract_entities(articles: pa.Table, matcher: EntityMatcher) -> pa.Table:
    """Entities of every article (``article_id``, ``title``, ``body``): ``ARTICLE_ENTITIES`` without ``run_id``.

    One row per (article, entity), ordered by type (country, person, organisation), then mentions
    (descending), then id. The text searched is ``title + "\\n\\n" + body``.
    """
    ids, titles, bodies = article_columns(articles)
    rows = entity_rows()
    for aid, title, body in zip(ids, titles, bodies, strict=True):
        add_entity_rows(rows, aid, matcher.find(entity_text(title, body)))
    return pa.Table.from_pydict(rows, schema=ENTITIES_SCHEMA)


def entity_text(title: str | None, body: str | None) -> str:
    """The text searched for an article's entities: ``title + "\\n\\n" + body``."""
    return f"{title}\n\n{body or ''}" if title and title.strip() else (body or "")


def entity_rows() -> dict[str, list[object]]:
    """Empty columns of ``extract_entities``' table (fill with ``add_entity_rows``)."""
    return {f.name: [] for f in ENTITIES_SCHEMA}


def add_entity_rows(rows: dict[str, list[object]], aid: str | None, found: dict[tuple[str, str, str], int]) -> None:
    """One row per entity of article ``aid``, ordered by type, mentions (descending), id."""
    for (etype, eid, name), n in sorted(found.items(), key=lambda kv: (_TYPE_ORDER[kv[0][0]], -kv[1], kv[0][1])):
        rows["article_id"].append(aid)
        rows["entity_type"].append(etype)
        rows["entity_id"].append(eid)
        rows["name"].append(name)
        rows["mentions"].append(n)


def salient_pairs(mentions: dict[str, int], min_share: float = 0.4, min_mentions: int = 2) -> list[str]:
    """Pairs ('PK-RU', ISO codes sorted) among the countries an article is about.

    A country is salient when mentioned ``>= min_mentions`` times and ``>= min_share`` times as often
    as the article's most-mentioned country.
    """
    if not mentions:
        return []
    top = max(mentions.values())
    salient = sorted(c for c, n in mentions.items() if n >= min_mentions and n >= min_share * top)
    return [f"{a}-{b}" for a, b in itertools.combinations(salient, 2)]


def country_pairs(entities: pa.Table, min_share: float = 0.4, min_mentions: int = 2) -> pa.Table:
    """The country pairs each article is about, from ``extract_entities`` output (``COUNTRY_PAIRS_SCHEMA``).

    Not a warehouse table yet: one row per (article, pair), e.g. ``(id, 'PK-RU', 'PK', 'RU', 23, 31)``;
    query "articles about Pakistan-Russia" as ``pair = 'PK-RU'``.
    """
    per_article: dict[str, dict[str, int]] = {}
    cols = entities.select(["article_id", "entity_type", "entity_id", "mentions"]).to_pydict()
    for aid, etype, eid, n in zip(
        cols["article_id"], cols["entity_type"], cols["entity_id"], cols["mentions"], strict=True
    ):
        if etype == "country":
            per_article.setdefault(aid, {})[eid] = n
    rows: dict[str, list[object]] = {f.name: [] for f in COUNTRY_PAIRS_SCHEMA}
    for aid, mentions in per_article.items():
        for pair in salient_pairs(mentions, min_share, min_mentions):
            a, b = pair.split("-")
            rows["article_id"].append(aid)
            rows["pair"].append(pair)
            rows["country_a"].append(a)
            rows["country_b"].append(b)
            rows["mentions_a"].append(mentions[a])
            rows["mentions_b"].append(mentions[b])
    return pa.Table.from_pydict(rows, schema=COUNTRY_PAIRS_SCHEMA)
