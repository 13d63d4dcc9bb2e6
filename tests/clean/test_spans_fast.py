"""The alignment fast paths answer exactly what the general arrays answer."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from newsetl.clean.spans import Identity, _resync, _resync_steps, align, identity_arrays

# layout characters (whitespace, invisibles, controls) mixed with visible ones, astral included
_chars = st.sampled_from([" ", "\n", "\t", "\u200b", "\u00a0", "\x00", "\u2028", "a", "Z", "é", "д", "\U0001f600"])
_texts = st.lists(_chars, max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(_texts, st.data())
def test_identity_spans_equal_the_arrays(text: str, data: st.DataObject) -> None:
    fast, slow = Identity(text), identity_arrays(text)
    for _ in range(10):
        s = data.draw(st.integers(0, max(len(text) - 1, 0)))
        e = data.draw(st.integers(s, len(text)))
        assert fast.span(s, e) == slow.span(s, e)
    assert fast.start.tolist() == slow.start.tolist() and fast.end.tolist() == slow.end.tolist()


def test_align_of_an_unchanged_text_is_the_identity() -> None:
    al = align(" ab\u200b c\n", " ab\u200b c\n")
    assert isinstance(al, Identity)
    assert al.start.tolist() == [-1, 1, 2, -1, -1, 5, -1]
    assert al.end.tolist() == [-1, 2, 3, -1, -1, 6, -1]
    assert al.span(0, 7) == (1, 6) and al.span(3, 5) is None and al.span(1, 3) == (1, 3)


@settings(max_examples=200, deadline=None)
@given(_texts, _texts)
def test_composing_with_an_identity_equals_composing_with_its_arrays(a: str, b: str) -> None:
    outer = align(a, b)
    if outer is None:
        return
    inner = Identity(b)
    got, want = outer.then(inner), outer.then(identity_arrays(b))
    assert got.start.tolist() == want.start.tolist() and got.end.tolist() == want.end.tolist()


_small = st.lists(st.sampled_from("ab?"), max_size=30).map("".join)


@settings(max_examples=2000, deadline=None)
@given(_small, _small, st.data())
def test_resync_by_find_is_the_step_by_step_search(s: str, d: str, data: st.DataObject) -> None:
    if not d:
        return
    i = data.draw(st.integers(0, len(s)))
    k = data.draw(st.integers(0, len(d) - 1))
    assert _resync(s, d, i, k) == _resync_steps(s, d, i, k)


@settings(max_examples=400, deadline=None)
@given(_texts, _texts, st.data())
def test_bulk_spans_are_each_span(a: str, b: str, data: st.DataObject) -> None:
    """``spans`` (one gather for all spans) answers what ``span`` answers span by span (None if any is)."""
    for al in (align(a, b), Identity(b), identity_arrays(b)):
        if al is None:
            continue
        pairs = []
        for _ in range(data.draw(st.integers(0, 6))):
            s = data.draw(st.integers(0, len(b)))
            pairs.append((s, data.draw(st.integers(s, len(b)))))
        each = [al.span(s, e) for s, e in pairs]
        assert al.spans(pairs) == (None if None in each else each)
