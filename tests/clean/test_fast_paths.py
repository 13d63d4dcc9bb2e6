"""The cleaner's fast paths give exactly what the full rules give."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsetl.clean import clean_text, cleaner
from tests.clean.test_properties import any_doc

SETTINGS = settings(max_examples=300, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
# plain prose, one paragraph a line or hard-wrapped, often with a paragraph repeated in another case
_PROSE = ["Russia and Pakistan agreed on Wednesday to expand cooperation in energy and trade.",
          "RUSSIA AND PAKISTAN AGREED ON WEDNESDAY TO EXPAND COOPERATION IN ENERGY AND TRADE.",
          "The two ministers met in Islamabad for talks lasting more than two hours, officials said.",
          "Министр иностранных дел прибыл в Исламабад.", "وزیر خارجہ اسلام آباد پہنچ گئے۔", "ok", "ΣΊΣΥΦΟΣ", "σίσυφος"]
prose = st.lists(st.sampled_from(_PROSE), max_size=12).flatmap(
    lambda ls: st.sampled_from(["\n", "\n\n"]).map(lambda sep: sep.join(ls)))


def _full(text: str, monkeypatch: pytest.MonkeyPatch) -> object:
    with monkeypatch.context() as m:
        m.setattr(cleaner, "_distinct_keys", lambda segs: False)  # always through _paragraph_rules
        return clean_text(text)


@SETTINGS
@given(st.one_of(any_doc, prose))
def test_plain_paragraphs_skip_the_paragraph_rules_with_the_same_result(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    assert clean_text(text) == _full(text, monkeypatch)


def test_distinct_keys_compares_casefolded_text() -> None:
    seg = ("Ab", cleaner.BODY, 0, 2)
    assert cleaner._distinct_keys([seg, ("aB", cleaner.BODY, 4, 6)]) is False
    assert cleaner._distinct_keys([seg, ("Ac", cleaner.BODY, 4, 6)]) is True
    assert cleaner._distinct_keys([]) is True


def _whitespace_reference(text: str) -> str:
    """``normalize._whitespace`` before its line-break gate: every step behind its own substring test."""
    text = text.replace("\t", " ")
    while "  " in text:
        text = text.replace("  ", " ")
    text = text.replace(" \n", "\n").replace("\n ", "\n")
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip()


_blanks = st.lists(st.sampled_from([" ", "\n", "\t", "a", "д", "\u00a0"]), max_size=30).map("".join)


@settings(max_examples=500, deadline=None)
@given(_blanks)
def test_line_edge_gate_is_the_three_substring_tests(text: str) -> None:
    from newsetl.clean import normalize

    assert (normalize._LINE_EDGE.search(text) is not None) == (" \n" in text or "\n " in text or "\n\n\n" in text)
    ledger: dict[str, tuple[int, int]] = {}
    assert normalize._whitespace(text, ledger) == _whitespace_reference(text)
