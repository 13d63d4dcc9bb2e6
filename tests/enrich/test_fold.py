"""The table fold equals the step-by-step fold on any text (scripts, astral characters, case oddities)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from newsetl.enrich._phrases import fold, fold_steps

_ALPHABETS = st.sampled_from([
    st.characters(),  # anything, astral planes and lone surrogates included
    st.characters(min_codepoint=0x600, max_codepoint=0x6FF),  # Arabic script
    st.characters(min_codepoint=0x400, max_codepoint=0x4FF),  # Cyrillic
    st.characters(min_codepoint=0, max_codepoint=0x24F),  # Latin with punctuation and controls
    st.characters(min_codepoint=0x2000, max_codepoint=0x206F),  # spaces, dashes, zero-width characters
])


@st.composite
def texts(draw: st.DrawFn) -> str:
    return "".join(draw(st.text(draw(_ALPHABETS), max_size=30)) for _ in range(draw(st.integers(1, 4))))


@settings(max_examples=400, deadline=None)
@given(texts())
def test_fold_equals_the_steps(text: str) -> None:
    assert fold(text) == fold_steps(text)
    assert len(fold(text)) == len(text)


def test_fold_known_cases() -> None:
    assert fold("Пошлины, ёлка!") == "пошлины  елка "
    assert fold("بینک كي آمد") == "بینک کی امد"  # Arabic kaf/yeh read as Urdu; alef madda as alef
    assert fold("Straße-Ǆ") == "strase ǆ"  # ß casefolds to "ss": one character kept per character
    assert fold("a\u200cb \U0001F600 c_d") == "a b   c d"  # ZWNJ separates words; an emoji is no word
    assert fold("ΑΣ") == fold_steps("ΑΣ") == "ασ"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120) | st.text(alphabet=st.sampled_from(" \t\n\x1c\x85\u00a0\u2003\u200b\u3000a1я\U0001f600"),
                                       max_size=40))
def test_word_count_equals_split(text: str) -> None:
    from newsetl.enrich.sectors import word_count

    assert word_count(text) == len(text.split())


def test_every_whitespace_character_is_in_the_bmp() -> None:
    assert not [c for c in range(0x10000, 0x110000) if chr(c).isspace()]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80) | st.text(alphabet=st.sampled_from("aЯё \u064b\u0640\u200d\u200c\u00adپاکِستان\U0001f600ß"),
                                      max_size=40))
def test_prepared_text_equals_strip_then_fold(text: str) -> None:
    from newsetl.enrich import _phrases

    _phrases._last = None
    visible, cuts = _phrases.strip_invisible(text)
    folded = fold(visible)
    got = _phrases._prepared(text)
    assert got[:3] == (visible, cuts, folded)
    assert (got[3] is None) if text.isascii() else (got[3].tobytes().decode("utf-32-le", "surrogatepass") == folded)


def test_invisible_table_equals_the_regex() -> None:
    from newsetl.enrich._phrases import _INVISIBLE, _invisible_table

    table = _invisible_table()
    assert [cp for cp in range(0x10000) if table[cp]] == [cp for cp in range(0x10000) if _INVISIBLE.fullmatch(chr(cp))]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("a /:=.whrefw"), max_size=30))
def test_has_links_is_any_mark(text: str) -> None:
    from newsetl.enrich.sectors import _LINK_MARKS, _has_links

    assert _has_links(text) == any(m in text for m in _LINK_MARKS)
