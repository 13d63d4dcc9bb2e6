"""Source knowledge (``config/sources.yaml``): publishers, agencies, section words, dateline cities.

``load_sources(path)`` validates the file (pydantic) and returns a :class:`SourceKnowledge` whose
lookups are precomputed: names are compared by :func:`name_key` (case-folded letters and digits of any
script, nothing else), so "DAWN.COM", "Dawn com" and "dawn.com" are one name. Loaded once per path and
process.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from newsetl.errors import ConfigError
from newsetl.settings import read_yaml_file

_NOT_ALNUM = re.compile(r"[\W_]+")  # what name_key drops (the C loop of re: 20x a Python one)
DEFAULT_SOURCES = Path(__file__).resolve().parents[2] / "config" / "sources.yaml"


def name_key(s: str | None) -> str:
    """Case-folded letters and digits only (no punctuation, spaces or diacritics): the form names are
    compared in."""
    if not s:
        return ""
    return _short_name_key(s) if len(s) <= 64 else _name_key(s)


@functools.lru_cache(maxsize=1 << 14)
def _short_name_key(s: str) -> str:  # site names, host labels and title words recur from record to record
    return _name_key(s)


def _name_key(s: str) -> str:
    if not s.isascii():
        s = unicodedata.normalize("NFC", s)
    return _NOT_ALNUM.sub("", s.casefold())


def name_key_is(s: str | None, key: str) -> bool:
    """``name_key(s) == key``, without keying all of a long ``s`` (a first paragraph) whose first
    characters already differ from ``key``."""
    # An ASCII or NFC s is keyed without NFC, so its key is casefold and a filter, both character by
    # character: the key of a prefix of s is a prefix of s's key, and a prefix key that does not begin
    # ``key`` rules s out. 16 characters: most first paragraphs differ from the title by then (~1 us
    # instead of ~10 for the whole paragraph).
    if (
        s is not None
        and len(s) > 16
        and (s.isascii() or unicodedata.is_normalized("NFC", s))
        and not key.startswith(_NOT_ALNUM.sub("", s[:16].casefold()))
    ):
        return False
    return name_key(s) == key


class SourcesFile(BaseModel):
    """The YAML document as written (see the header of ``config/sources.yaml``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = 1
    publishers: dict[str, str] = Field(default_factory=dict)
    agencies: list[str] = Field(default_factory=list)
    section_words: list[str] = Field(default_factory=list)
    cities: list[str] = Field(default_factory=list)
    not_cities: list[str] = Field(default_factory=list)
    title_affixes: dict[str, list[str]] = Field(default_factory=dict)


class SourceKnowledge:
    """Lookups derived from a :class:`SourcesFile` (immutable after construction)."""

    def __init__(self, f: SourcesFile) -> None:
        self.file = f
        self.publishers: dict[str, str] = {k.strip().lower(): v for k, v in f.publishers.items()}
        self.agencies: tuple[str, ...] = tuple(a for a in f.agencies if a.strip())
        self.agency_keys = frozenset(name_key(a) for a in self.agencies) - {""}
        # names a title segment may carry: publishers, agencies, the publishers' domains
        names = set(self.agency_keys)
        for dom, pub in self.publishers.items():
            names.update({name_key(pub), name_key(dom)})
            if pub.lower().startswith("the "):
                names.add(name_key(pub[4:]))
        self.source_keys = frozenset(names - {""})
        words: set[str] = set()
        phrases: set[str] = set()
        for w in f.section_words:
            k = name_key(w)
            if k:
                (phrases if len(w.split()) > 1 or "-" in w else words).add(k)
                words.update(name_key(x) for x in w.replace("-", " ").split() if name_key(x))
        self.section_words = frozenset(words)
        self.section_phrases = frozenset(phrases)
        self.cities = frozenset(name_key(c) for c in f.cities) - {""}
        self.city_names: tuple[str, ...] = tuple(sorted({c.strip() for c in f.cities if c.strip()}, key=len, reverse=True))
        self.not_cities = frozenset(c.strip().upper() for c in f.not_cities)
        self.title_affixes: dict[str, frozenset[str]] = {
            k.strip().lower(): frozenset(name_key(a) for a in v) - {""} for k, v in f.title_affixes.items()
        }

    def publisher(self, domain: str | None) -> str | None:
        return self.publishers.get(domain or "")


def parse_sources(raw: Any, source: str = "<sources>") -> SourceKnowledge:
    """Validate a parsed YAML document; ``source`` names it in error messages."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: must be a mapping (publishers, agencies, ...), not {type(raw).__name__}")
    try:
        return SourceKnowledge(SourcesFile.model_validate(raw))
    except ValidationError as exc:
        problems = [
            f"{source}: {' -> '.join(str(p) for p in err['loc']) or 'file'}: {err['msg']}" for err in exc.errors()
        ]
        raise ConfigError("invalid source knowledge file:\n" + "\n".join(problems)) from exc


@functools.lru_cache(maxsize=8)
def load_sources(path: Path | str | None = None) -> SourceKnowledge:
    """Read and validate the source knowledge file (``config/sources.yaml`` by default), once per path."""
    p = Path(path) if path else DEFAULT_SOURCES
    return parse_sources(read_yaml_file(p, "source knowledge file", "check extract.sources"), str(p))
