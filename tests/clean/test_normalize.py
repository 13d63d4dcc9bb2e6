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
           "\u2028", "\x85", "\x9d", "\x00", "e\u0301", "\u2000", "\ufeff", "ё", "ہ", "—", "’", "Â\xa0", "\u3000"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_PIECES) | st.text(max_size=3), max_size=20).map("".join))
def test_the_one_scan_gate_changes_nothing(text: str) -> None:
    from newsetl.clean.normalize import _normalize

    assert _normalize(text, gate=True) == _normalize(text, gate=False)
