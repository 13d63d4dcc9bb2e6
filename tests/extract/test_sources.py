"""config/sources.yaml and its loader."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsetl.errors import ConfigError
from newsetl.extract.sources import DEFAULT_SOURCES, load_sources, name_key, parse_sources


def test_shipped_file_loads() -> None:
    kn = load_sources(DEFAULT_SOURCES)
    assert kn.publisher("dawn.com") == "Dawn"
    assert {"dawncom", "reuters", "риановости", "اےپیپی", "dailytimes"} <= kn.source_keys
    assert {"world", "sports", "новости", "کاروبار"} <= kn.section_words
    assert {"islamabad", "москва", "санктпетербург", "اسلامآباد"} <= kn.cities
    assert "BREAKING" in kn.not_cities


def test_name_key() -> None:
    assert name_key("DAWN.COM") == name_key("Dawn com") == "dawncom"
    assert name_key("РИА Новости") == "риановости"
    assert name_key(None) == ""


def test_user_extensions(tmp_path: Path) -> None:
    p = tmp_path / "sources.yaml"
    p.write_text("publishers: {example.org: Example Times}\ncities: [Springfield]\ntitle_affixes: {example.org: [Weekly Edition]}\n")
    kn = load_sources(p)
    assert kn.publisher("example.org") == "Example Times" and "springfield" in kn.cities
    assert kn.title_affixes == {"example.org": frozenset({"weeklyedition"})}


def test_errors_name_the_file_and_fix(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="agencies"):
        parse_sources({"agencies": "Reuters"}, "x.yaml")
    with pytest.raises(ConfigError, match="unknown_key"):
        parse_sources({"unknown_key": 1}, "x.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("publishers: [")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_sources(bad)
    with pytest.raises(ConfigError, match=r"extract\.sources"):
        load_sources(tmp_path / "missing.yaml")
