"""config/sources.yaml and its loader."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


_KEY_TEXT = st.lists(st.sampled_from(["Dawn", "DAWN.COM", " ", "-", "ß", "ﬁ", "e\u0301", "é", "\u0130", "Σ", "ς", "ー",
                                      "Исламабад", "وزیر", "آ", "ا\u0653", "_", "1998", "\u00a0", "😀", "x"]),
                     max_size=40).map("".join)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(_KEY_TEXT, _KEY_TEXT, st.integers(0, 3))
def test_name_key_is_the_key_compared(s: str, other: str, how: int) -> None:
    """The early-out of name_key_is (a prefix's key) never decides differently from keying all of s."""
    from newsetl.extract.sources import name_key_is

    key = name_key([s, other, s[: len(s) // 2], s + other][how])
    assert name_key_is(s, key) == (name_key(s) == key)
    assert name_key_is(s * 5, name_key(s * 5))
