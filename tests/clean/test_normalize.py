from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from newsetl.clean import normalize_text


def test_entities_only_when_present() -> None:
    text, ledger = normalize_text("Tottenham bid &#163;8m &amp; more")
    assert text == "Tottenham bid £8m & more"
    assert ledger["html_entities"][0] == 1
    text, ledger = normalize_text("AT&T and R&D")
    assert text == "AT&T and R&D" and "html_entities" not in ledger


def test_double_escaped_entities_decoded_to_fixed_point() -> None:
    text, _ = normalize_text("a &amp;lt;b&amp;gt; c")
    assert text == "a <b> c"


def test_mojibake_repaired() -> None:
    text, ledger = normalize_text("Pakistanâ€™s ties with Russiaâ€”and Ã©lite")
    assert text == "Pakistan’s ties with Russia—and élite"
    assert "mojibake" in ledger


def test_clean_text_not_sent_to_ftfy() -> None:
    text, ledger = normalize_text("Pakistan’s “security” concerns — café")
    assert text == "Pakistan’s “security” concerns — café"
    assert ledger == {}


def test_control_zero_width_nbsp_form_feed() -> None:
    text, ledger = normalize_text("a\u200bb\u00adc\x07 d\u00a0\u00a0e\ff\r\ng\ufeff")
    assert text == "abc d e\nf\ng"
    assert ledger["zero_width"] == (3, 3)
    assert ledger["control_chars"] == (1, 1)
    assert ledger["nbsp"][0] == 2


def test_nfc() -> None:
    text, ledger = normalize_text("cafe\u0301")
    assert text == "caf\u00e9"
    assert ledger["unicode_nfc"] == (1, 1)


def test_whitespace() -> None:
    text, _ = normalize_text("  Title  \n\n\n\n  para one \t x\n \npara two  ")
    assert text == "Title\n\npara one x\n\npara two"


def test_idempotent() -> None:
    for s in ["Pakistanâ€™s &amp;amp; x\u00a0y", "a\n\n\n b", "\ufeffhello\x00"]:
        once, _ = normalize_text(s)
        assert normalize_text(once)[0] == once


_PIECES = ["ab", " ", "\n", "\t", "\r\n", "\f", "\v", "&amp;", "&#x1F600;", "â€™", "Ã©", "\u00a0", "\u200b",
           "\u2028", "\x85", "\x9d", "\x00", "e\u0301", "\u2000", "\ufeff", "ё", "ہ", "—", "’", "Â\xa0", "\u3000",
           "\u06d2\u0654", "\u0654", "\u0653", "\u1100\u1161", "\u11a8", "\u2126", "\u0344", "\U0001f1f7", "\u0323",
           "\u0f73", "\u0dd9\u0dcf", "\u2001", "\ud800", "??", " ?? ", "\x1c", "\u205f", "\u202f"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_PIECES) | st.text(max_size=3), max_size=20).map("".join))
def test_the_one_scan_gate_changes_nothing(text: str) -> None:
    from newsetl.clean.normalize import _normalize

    assert _normalize(text, gate=True) == _normalize(text, gate=False)


def test_the_character_table_is_the_rules_classes() -> None:
    """Each bit of the one-pass table marks exactly the characters its rule's regex matches (every code
    point, astral ones included), and the rules' bits together are ``_SPECIAL``."""
    import re

    import numpy as np

    from newsetl.clean import normalize as nz

    every = "".join(map(chr, range(0xD800))) + "".join(map(chr, range(0xE000, 0x110000)))
    cps = np.array([ord(c) for c in every])
    table = nz._char_table()[cps]
    c1 = re.compile(r"[\x80-\x9f]")
    for bit, rx in ((nz._ZW, nz._ZERO_WIDTH), (nz._C0_BIT, nz._C0), (nz._C1, c1), (nz._MOJI, nz._MOJI_LEAD),
                    (nz._NB, nz._NBSP), (nz._LB, nz._LB_CHARS), (nz._SPECIAL_BITS, nz._SPECIAL)):  # fmt: skip
        assert {m.start() for m in rx.finditer(every)} == set(np.flatnonzero(table & bit).tolist()), rx.pattern
    # _LB_CHARS is what _LINE_BREAKS can match (no "\r\n" pair in ``every``: each match is one character)
    assert {m.start() for m in nz._LINE_BREAKS.finditer(every)} == {m.start() for m in nz._LB_CHARS.finditer(every)}


def test_every_character_not_an_nfc_suspect_is_nfc_and_a_boundary() -> None:
    import unicodedata

    from newsetl.clean import normalize as nz

    table = nz._char_table()
    plain = [chr(cp) for cp in range(0x110000) if not table[cp] & nz._NFC]
    assert len(plain) > 60000 and "a" in plain and "ہ" in plain and "\u0654" not in plain
    for c in plain:
        assert unicodedata.combining(c) == 0 and unicodedata.is_normalized("NFC", c)
    assert unicodedata.is_normalized("NFC", "".join(plain))


_NFC_PIECES = ["a", "e", " ", "\n", "ہ", "ی", "\u06d2", "\u0654", "\u0653", "\u0650", "\u064f", "\u0301", "\u0323",
               "\u0308", "\u1100", "\u1161", "\u11a8", "\uac00", "\u2126", "\u0344", "\u0f73", "\u0dd9", "\u0dcf",
               "\u0dca", "\u0b47", "\u0b57", "\U0001f1f7", "\U0001d15e", "\u00e9", "\u212b", "\u0041", "\u030a"]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(_NFC_PIECES) | st.text(max_size=2), max_size=16).map("".join))
def test_windowed_nfc_is_nfc(text: str) -> None:
    import unicodedata

    from newsetl.clean import normalize as nz

    assert nz._nfc(text, nz._char_classes(text)) == unicodedata.normalize("NFC", text)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from([" ", "  ", "\t", "\n", "\n\n\n", "a", "b c", " \t "]), max_size=20).map("".join))
def test_whitespace_is_the_regex_rules(text: str) -> None:
    """``_whitespace`` (str.replace) gives what the former regex rules gave."""
    import re

    from newsetl.clean import normalize as nz

    want = re.sub(r"\n{3,}", "\n\n", re.sub(r"[ \t]+\n[ \t]*|\n[ \t]+", "\n", re.sub(r"[ \t]{2,}|\t", " ", text))).strip()
    assert nz._whitespace(text, {}) == want


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_PIECES) | st.text(max_size=3), max_size=20).map("".join))
def test_normalized_lines_are_stripped_and_single_spaced(text: str) -> None:
    """What the cleaner relies on (a paragraph's words are its spaces + 1): no whitespace but " " and
    "\\n" is left, and every line is its own ``" ".join(line.split())``; also after a ``??`` cut."""
    from newsetl.clean.cleaner import _lost_chars

    out, _ = normalize_text(text)
    for t in (out, _lost_chars(out, {})[0]):
        for line in t.split("\n"):
            assert line == " ".join(line.split())


def test_every_whitespace_character_is_normalized() -> None:
    every = "".join(c for c in map(chr, range(0x110000)) if c.isspace())
    out, _ = normalize_text("a" + "b".join(every) + "c")
    assert set(out) <= set("abc \n")


def test_no_layout_character_is_astral() -> None:
    """``spans._layout_table`` inspects the BMP only: no whitespace or invisible character lies above it."""
    from newsetl.clean import spans

    astral = "".join(map(chr, range(0x10000, 0x110000)))
    assert not any(c.isspace() for c in astral) and spans._INVISIBLE.search(astral) is None
    assert not spans._layout_table()[0x10000:].any()
