"""The enrichment fast paths equal their plain definitions (issue 17): the automaton's match order, the
one-sweep containment rule, the case-exact short cuts, one composed text for both matchers."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsetl.enrich import _phrases
from newsetl.enrich._phrases import Hit, _Automaton, _case_matches, fold_keep_case
from newsetl.enrich.entities import entity_text
from newsetl.enrich.sectors import _drop_contained, compose_text


@settings(max_examples=300, deadline=None)
@given(st.sets(st.text(alphabet="ab жپ", min_size=1, max_size=4).map(lambda k: " " + k), min_size=1, max_size=8),
       st.text(alphabet="ab cжпx\U0001f600", max_size=40), st.booleans())
def test_automaton_reports_every_match_by_end_then_longest_first(keys: set[str], text: str, bytes_mode: bool) -> None:
    keys_list = sorted(keys)
    automaton = _Automaton({k: ((),) for k in keys_list}, bytes_mode=bytes_mode)
    padded = " " + text + " "
    want = sorted(((i, s, s + len(k)) for i, k in enumerate(keys_list) for s in range(len(padded))
                   if padded.startswith(k, s)), key=lambda m: (m[2], m[1]))
    assert automaton.matches(text) == want
    cps = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    assert automaton.matches(text, None if text.isascii() else cps) == want


@pytest.mark.parametrize("bytes_mode", [True, False])
def test_automaton_offsets_are_characters_and_a_lone_surrogate_matches_nothing(bytes_mode: bool) -> None:
    automaton = _Automaton({" ab": ((),), " \U0001f600 x": ((),)}, bytes_mode=bytes_mode)
    assert automaton.matches("\U0001f600 x ab") == [(1, 0, 4), (0, 4, 7)]
    assert automaton.matches("\ud800 ab \ud800ab") == [(0, 2, 5)]
    assert _Automaton({}, bytes_mode=bytes_mode).matches("ab") == []


def test_automaton_of_many_scripts_scans_text() -> None:
    keys = {" " + chr(0x4E00 + i): ((),) for i in range(200)}  # 200 distinct non-ASCII characters
    automaton = _Automaton(keys)
    assert automaton._codes is None
    assert automaton.matches(chr(0x4E00 + 150) + " " + chr(0x4E00 + 3)) == [(150, 0, 2), (3, 2, 4)]
    assert _Automaton({" ж": ((),)})._codes is not None


def _drop_contained_by_definition(kept: dict[int, list[Hit]]) -> dict[int, list[Hit]]:
    """A hit is dropped when a strictly longer hit of another sector contains it."""
    out = {si: [h for h in hits if not any(o.start <= h.start and h.end <= o.end and o.end - o.start > h.end - h.start
                                         for other, ohits in kept.items() if other != si for o in ohits)]
           for si, hits in kept.items()}
    return {si: hits for si, hits in out.items() if hits}


_SPANS = st.lists(st.tuples(st.integers(0, 12), st.integers(1, 5)), max_size=6)


@settings(max_examples=500, deadline=None)
@given(st.dictionaries(st.integers(0, 3), _SPANS, max_size=4))
def test_drop_contained_equals_its_definition(spans: dict[int, list[tuple[int, int]]]) -> None:
    kept = {si: [Hit(s, s + n, "w", si) for s, n in sorted(rows)] for si, rows in spans.items() if rows}
    got = _drop_contained(kept)
    want = _drop_contained_by_definition(kept)
    assert {si: [id(h) for h in hits] for si, hits in got.items()} == {si: [id(h) for h in hits] for si, hits in want.items()}


def test_drop_contained_known_cases() -> None:
    oil_exports, exports = Hit(0, 11, "oil exports", 0), Hit(4, 11, "exports", 1)
    assert _drop_contained({0: [oil_exports], 1: [exports]}) == {0: [oil_exports]}
    shared_a, shared_b = Hit(3, 8, "trade", 0), Hit(3, 8, "trade", 1)
    assert _drop_contained({0: [shared_a], 1: [shared_b]}) == {0: [shared_a], 1: [shared_b]}


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="UuSsN é-_.Жж1", min_size=1, max_size=6), st.sampled_from(["US", "UN", "U N", "Жж", "1U", "us"]))
def test_case_match_equals_the_fold(raw: str, exact: str) -> None:
    assert _case_matches(raw, exact) == (" ".join(fold_keep_case(raw).split()) == exact)


@settings(max_examples=300, deadline=None)
@given(st.none() | st.text(alphabet=" a\n\tЖ", max_size=6), st.none() | st.text(alphabet=" b\nж", max_size=6))
def test_one_text_serves_both_matchers(title: str | None, body: str | None) -> None:
    assert compose_text(title, body or "")[0] == entity_text(title, body)


def test_prepared_text_of_astral_and_invisible_characters() -> None:
    _phrases._last = None
    text = "Пакِستان \U0001f600 Ba\u00adnk"
    visible, cuts, folded, folded_cps = _phrases._prepared(text)
    assert (visible, cuts) == _phrases.strip_invisible(text) == ("Пакستان \U0001f600 Bank", [3, 12])
    assert folded == "пакستان   bank" == folded_cps.tobytes().decode("utf-32-le")
    assert text[_phrases.original_offset(12, cuts)] == "n"


def _leftmost_longest_by_definition(hits: list[Hit]) -> list[Hit]:
    kept: list[Hit] = []
    for h in sorted(hits, key=lambda h: (h.start, h.start - h.end)):
        if not kept or h.start >= kept[-1].end:
            kept.append(h)
    return kept


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 15), st.integers(1, 4), st.integers(0, 2)), max_size=8))
def test_leftmost_longest_equals_its_definition(rows: list[tuple[int, int, int]]) -> None:
    from newsetl.enrich._phrases import leftmost_longest

    hits = [Hit(s, s + n, "w", p) for s, n, p in rows]
    assert [id(h) for h in leftmost_longest(hits)] == [id(h) for h in _leftmost_longest_by_definition(hits)]
    by_end = sorted(hits, key=lambda h: (h.end, h.start))  # the automaton's order
    assert [id(h) for h in leftmost_longest(by_end)] == [id(h) for h in _leftmost_longest_by_definition(by_end)]


def test_matchers_pickle_and_find_the_same(sector_matcher, entity_matcher) -> None:  # type: ignore[no-untyped-def]
    import pickle

    from newsetl.enrich._phrases import JointIndex

    text = "Pakistan and Russia signed an energy deal; the UN welcomed the gas pipeline."
    joint = JointIndex([sector_matcher.index, entity_matcher.index])
    assert pickle.loads(pickle.dumps(joint)).find(text) == joint.find(text)
    sector_matcher.index.find(text)  # its own automaton built
    again = pickle.loads(pickle.dumps(sector_matcher))
    assert again.tag("Energy deal", text, all_scores=True) == sector_matcher.tag("Energy deal", text, all_scores=True)


_PREPARED_TEXT = (st.text(max_size=60)
                  | st.text(alphabet=st.sampled_from("aB Жё\u064b\u0640\u200d\u200c\u00ad\ufeffپاکِستانكي.\n\U0001f600\ud800ß"),
                            max_size=30))


@settings(max_examples=500, deadline=None)
@given(_PREPARED_TEXT)
def test_prepared_bytes_equal_prepared_then_bytes(text: str) -> None:
    automaton = _Automaton({" пак": ((),), " bank": ((),), " ب": ((),)})
    got = automaton.prepared_bytes(text)
    _phrases._last = None
    visible, cuts, folded, folded_cps = _phrases._prepared(text)
    if got is None:  # only a text with surrogate code units: astral characters or lone surrogates
        assert any(0xD800 <= ord(c) <= 0xDFFF or ord(c) >= 0x10000 for c in text)
    else:
        assert got == (visible, cuts, b" " + automaton._bytes(folded, folded_cps) + b" ")
    assert _Automaton({" ab": ((),)}, bytes_mode=False).prepared_bytes(text) is None  # text mode: no code


@settings(max_examples=300, deadline=None)
@given(_PREPARED_TEXT, st.booleans())
def test_scan_of_prepared_bytes_equals_scan_of_prepared(text: str, title: bool) -> None:
    from newsetl.enrich._phrases import PhraseIndex, make_pattern

    index = PhraseIndex([make_pattern(p, i) for i, p in enumerate(["пак*", "bank", "B", "ب", "پاکستان", "ж ё", "ss"])])
    text = ("Bank ЖЁ\n\n" if title else "") + text
    fast = index.find(text)
    slow_automaton = index._automaton
    original = slow_automaton.prepared_bytes
    try:
        slow_automaton.prepared_bytes = lambda _text: None  # type: ignore[method-assign,assignment]
        _phrases._last = None
        slow = index.find(text)
    finally:
        slow_automaton.prepared_bytes = original  # type: ignore[method-assign]
    assert fast == slow


def test_word_count_of_surrogates_and_astral_characters() -> None:
    from newsetl.enrich.sectors import word_count

    for text in ["\ud800", " \ud800 a\U0001f600b \U0001f600", "\U0001f600\U0001f600 x", "", " ", "a"]:
        assert word_count(text) == len(text.split())


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab Я\u064b\u0670-ßﬁ_\U0001f600") | st.characters(), max_size=80),
       st.integers(0, 80))
def test_word_end_equals_the_match_in_the_folded_text(text: str, end: int) -> None:
    end = min(end, len(text))
    assert _phrases._word_end(text, end) == _phrases._WORD_TAIL.match(_phrases.fold(text), end).end()  # type: ignore[union-attr]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(1, 4), st.integers(0, 2)), max_size=10))
def test_disjoint_hits_need_no_resolution(rows: list[tuple[int, int, int]]) -> None:
    """What SectorMatcher._kept_hits skips when no term hit starts before an earlier one ends: such hits, in
    that order, are what leftmost_longest keeps and _drop_contained drops nothing."""
    from newsetl.enrich._phrases import leftmost_longest

    hits, pos = [], 0
    for gap, length, sector in rows:  # disjoint, by start
        hits.append(Hit(pos + gap, pos + gap + length, "w", sector))
        pos += gap + length
    kept: dict[int, list[Hit]] = {}
    for h in hits:
        kept.setdefault(h.payload, []).append(h)  # type: ignore[arg-type]
    for sector_hits in kept.values():
        assert [id(h) for h in leftmost_longest(sector_hits)] == [id(h) for h in sector_hits]
    assert _drop_contained(kept) is kept

