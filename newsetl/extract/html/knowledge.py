"""What the HTML extraction knows about pages: ``config/html.yaml``, validated by pydantic.

``knowledge()`` reads the default file once per process; ``load_knowledge(path)`` reads another one
(a mistake raises ``ConfigError`` naming the file, the key and the fix).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from lxml import etree
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from newsetl.errors import ConfigError
from newsetl.settings import read_yaml_file

DEFAULT_PATH = Path(__file__).resolve().parents[3] / "config" / "html.yaml"


#: every date source of an HTML page (the ``date_source`` it wins as)
DATE_SOURCES = ("url", "html:post", "html:jsonld", "html:meta", "html:time", "html:label", "html:date_element", "html:text",
                "html:label_updated")


def _lower(values: list[str]) -> list[str]:
    return [v.strip().lower() for v in values if v.strip()]


class ForumFamily(BaseModel):
    """How one forum software marks its posts: substrings of its markup, and an XPath to every post's text."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    hints: tuple[str, ...] = Field(min_length=1)
    xpath: str

    @field_validator("xpath", mode="after")
    @classmethod
    def _compiles(cls, v: str) -> str:
        try:
            etree.XPath(v)
        except etree.XPathSyntaxError as exc:
            raise ValueError(f"not a valid XPath 1.0 expression ({exc})") from exc
        return v


class HtmlKnowledge(BaseModel):
    """Thresholds and word lists of the HTML extraction (documented in ``config/html.yaml``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_article_words: int = Field(40, ge=1)
    max_link_share: float = Field(0.6, gt=0.0, le=1.0)
    max_input_chars: int = Field(20_000_000, gt=0)
    max_hidden_share: float = Field(0.3, gt=0.0, le=1.0)
    fallback_share: float = Field(0.3, ge=0.0, le=1.0)
    checked_below_words: int = Field(600, ge=0)
    strip_title_from_text: bool = True
    max_headline_words: int = Field(40, ge=2)
    headline_overlap_article: float = Field(0.3, ge=0.0, le=1.1)
    headline_overlap_single: float = Field(0.4, ge=0.0, le=1.1)
    max_label_words: int = Field(3, ge=0)
    htmldate_extensive: bool = False
    date_source_order: list[str] = Field(default_factory=lambda: list(DATE_SOURCES))
    meta_date_keys: list[str] = Field(default_factory=list)
    meta_author_keys: list[str] = Field(default_factory=list)
    article_types: frozenset[str] = frozenset()
    listing_body_classes: frozenset[str] = frozenset()
    single_body_classes: frozenset[str] = frozenset()
    single_body_class_prefixes: tuple[str, ...] = ()
    forum_posts: dict[str, ForumFamily] = Field(default_factory=dict)

    @field_validator("date_source_order", mode="after")
    @classmethod
    def _known_sources(cls, v: list[str]) -> list[str]:
        unknown = [s for s in v if s not in DATE_SOURCES]
        if unknown:
            raise ValueError(f"unknown date sources {unknown}: use some of {', '.join(DATE_SOURCES)}")
        if len(set(v)) != len(v):
            raise ValueError("a date source is listed twice")
        return v

    @field_validator("single_body_class_prefixes", mode="before")
    @classmethod
    def _lower_tuple(cls, v: object) -> object:
        return tuple(_lower([str(x) for x in v])) if isinstance(v, list) else v

    @field_validator("meta_date_keys", "meta_author_keys", mode="after")
    @classmethod
    def _lower_list(cls, v: list[str]) -> list[str]:
        return _lower(v)

    @field_validator(
        "article_types", "listing_body_classes", "single_body_classes",
        mode="before",
    )
    @classmethod
    def _lower_set(cls, v: object) -> object:
        if isinstance(v, list):
            return frozenset(_lower([str(x) for x in v]))
        return v


def load_knowledge(path: Path) -> HtmlKnowledge:
    """Read and validate an HTML knowledge file; raise ``ConfigError`` naming the file and the key."""
    raw = read_yaml_file(Path(path), "HTML knowledge file", "restore config/html.yaml") or {}
    if not isinstance(raw, dict):
        raise ConfigError(f"HTML knowledge file {path} must hold a mapping, not {type(raw).__name__}")
    try:
        return HtmlKnowledge.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'file'}: {e['msg']}" for e in exc.errors()
        )
        raise ConfigError(f"invalid HTML knowledge file {path}: {problems}") from exc


@lru_cache(maxsize=1)
def knowledge() -> HtmlKnowledge:
    """The default ``config/html.yaml``, read once."""
    return load_knowledge(DEFAULT_PATH)
