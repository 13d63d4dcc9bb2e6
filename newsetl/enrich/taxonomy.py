"""The sector taxonomy (``config/sectors.yaml``): a pydantic-validated model and its loader.

The file format is documented at the top of ``config/sectors.yaml``. ``load_taxonomy`` raises
``ConfigError`` naming the file and the sector at fault, e.g.::

    config/sectors.yaml: sector #3 'energy': terms -> 'oil': weight must be > 0 (got 0)
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from newsetl.enrich._phrases import normalise_phrase
from newsetl.errors import ConfigError
from newsetl.settings import read_yaml_file

_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Scoring(_Model):
    """Parameters of the sector score (see ``newsetl.enrich.sectors`` for the formula)."""

    ref_words: int = Field(
        default=400, gt=0, description="documents up to this length are not length-penalised"
    )
    length_exponent: float = Field(
        default=0.5, ge=0.0, le=1.0, description="evidence is divided by (words/ref_words)**exp"
    )
    title_weight: float = Field(default=2.0, ge=0.0, description="position weight of a term found in the title")
    lead_words: int = Field(default=60, ge=0, description="the lead: the first N words of the body")
    lead_weight: float = Field(default=1.5, ge=0.0, description="position weight of a term found in the lead")
    body_weight: float = Field(default=1.0, ge=0.0, description="position weight of a term found only later")
    spread_bonus: float = Field(default=0.1, ge=0.0, description="bonus per extra paragraph with a hit")
    spread_cap: int = Field(default=4, ge=0, description="paragraphs beyond 1 + cap earn no more bonus")
    scale: float = Field(default=1.0, gt=0.0, description="strength = 1 - exp(-evidence / scale)")
    dominance: float = Field(
        default=1.0,
        gt=0.0,
        le=1.0,
        description="a sector with less than this share of the top sector's salience has its score scaled down",
    )
    anchor_weight: float = Field(
        default=0.5,
        ge=0.0,
        description="a sector whose strongest matched term weighs less has its score scaled by strongest/anchor",
    )
    name_weight: float = Field(
        default=0.3, ge=0.0, le=1.0, description="weight factor of a term that is part of a company name"
    )
    list_weight: float = Field(
        default=1.0,
        ge=0.0,
        description="minimum weight of a term named in a list of sectors ('trade, energy and defence')",
    )
    list_min_sectors: int = Field(
        default=3, ge=2, description="a list names at least this many sectors to count as an enumeration"
    )
    list_cues: list[str] = Field(
        default_factory=list,
        description="a shorter list (2 sectors) counts when one of these words is near it ('cooperation in ...')",
    )
    list_cue_window: int = Field(default=60, ge=0, description="characters around a list searched for a cue")
    share_exponent: float = Field(
        default=1.0,
        ge=1.0,
        description="the share factor is min(1, share / dominance) ** share_exponent: above 1 a second sector "
        "needs a larger part of the main sector's evidence",
    )
    context_weight: float = Field(
        default=1.0,
        ge=0.0,
        le=1.0,
        description="a context sector's salience counts this much in the share of the others",
    )
    long_article_relief: bool = Field(
        default=True,
        description="long articles (> ref_words) need proportionally less share: dominance / length factor",
    )
    default_threshold: float = Field(default=0.6, gt=0.0, le=1.0)


class IptcTopic(_Model):
    """One IPTC Media Topic a sector corresponds to (``medtop:`` + 8 digits, and its English label)."""

    code: str = Field(pattern=r"^medtop:\d{8}$")
    label: str = Field(min_length=1)
    match: str = Field(default="close", pattern=r"^(exact|close|broad|narrow|related)$",
                       description="how the sector relates to the topic (SKOS-style)")


class Sector(_Model):
    id: str
    label: str = Field(min_length=1)
    description: str = ""
    threshold: float | None = Field(default=None, gt=0.0, le=1.0)
    terms: dict[str, float] = Field(min_length=1, description="phrase -> weight (> 0)")
    exclusions: list[str] = Field(default_factory=list, description="phrases that void hits they contain")
    iptc: list[IptcTopic] = Field(default_factory=list, description="IPTC Media Topics crosswalk")
    context: bool = Field(
        default=False,
        description="a context sector (sport, entertainment) is never stored or tagged: its evidence only takes "
        "part in the share, so a match report's hospital visit or a film star's phone is not health or technology",
    )

    @field_validator("id")
    @classmethod
    def _id_ok(cls, v: str) -> str:
        if not _ID.match(v):
            raise ValueError(f"id {v!r} must be lower_snake_case (letters, digits, underscores)")
        return v

    @field_validator("terms")
    @classmethod
    def _terms_ok(cls, v: dict[str, float]) -> dict[str, float]:
        for term, weight in v.items():
            if not isinstance(term, str) or not normalise_phrase(term.rstrip("*")):
                raise ValueError(f"term {term!r} is empty: write a word or phrase")
            if not isinstance(weight, int | float) or isinstance(weight, bool) or weight <= 0:
                raise ValueError(f"term {term!r}: weight must be a number > 0 (got {weight!r})")
            if term.strip().startswith("*"):
                raise ValueError(f"term {term!r}: '*' is only allowed at the end (stem*)")
        return v

    @field_validator("exclusions")
    @classmethod
    def _exclusions_ok(cls, v: list[str]) -> list[str]:
        for phrase in v:
            if not isinstance(phrase, str) or not normalise_phrase(phrase.rstrip("*")):
                raise ValueError(f"exclusion {phrase!r} is empty: write a word or phrase")
        return v


class Taxonomy(_Model):
    """The validated taxonomy: scoring parameters and the sectors (unique ids)."""

    version: int = 1
    scoring: Scoring = Scoring()
    sectors: list[Sector] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> Taxonomy:
        seen: set[str] = set()
        for s in self.sectors:
            if s.id in seen:
                raise ValueError(f"sector id {s.id!r} appears more than once: ids must be unique")
            seen.add(s.id)
        return self

    def threshold(self, sector: Sector) -> float:
        return sector.threshold if sector.threshold is not None else self.scoring.default_threshold

    @property
    def ids(self) -> list[str]:
        """Every sector id, context sectors included."""
        return [s.id for s in self.sectors]

    @property
    def tag_ids(self) -> list[str]:
        """The ids a document can be tagged with (context sectors left out)."""
        return [s.id for s in self.sectors if not s.context]


def _where(loc: tuple[Any, ...], raw: dict[str, Any]) -> str:
    """Human name of the place a validation error points at (``sector #3 'energy': terms``)."""
    if len(loc) >= 2 and loc[0] == "sectors" and isinstance(loc[1], int):
        idx = loc[1]
        sectors = raw.get("sectors") or []
        sid = sectors[idx].get("id", "?") if idx < len(sectors) and isinstance(sectors[idx], dict) else "?"
        rest = " -> ".join(str(p) for p in loc[2:])
        return f"sector #{idx + 1} {sid!r}" + (f": {rest}" if rest else "")
    return " -> ".join(str(p) for p in loc) or "file"


def parse_taxonomy(raw: Any, source: str = "<taxonomy>") -> Taxonomy:
    """Validate an already-parsed YAML document; ``source`` names it in error messages."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: must be a mapping with a 'sectors' list, not {type(raw).__name__}")
    try:
        return Taxonomy.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            msg = str(err["msg"]).removeprefix("Value error, ")
            problems.append(f"{source}: {_where(tuple(err['loc']), raw)}: {msg}")
        raise ConfigError("invalid sector taxonomy:\n" + "\n".join(problems)) from exc


def load_taxonomy(path: Path) -> Taxonomy:
    """Read and validate ``config/sectors.yaml``; raise ``ConfigError`` naming the file and sector."""
    path = Path(path)
    return parse_taxonomy(read_yaml_file(path, "sector taxonomy", "check enrich.taxonomy"), str(path))
