"""``chrome.share_bar``'s first-token shortcut gives the answer of the plain rule (split, then check every token)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from newsetl.clean import chrome


def plain_share_bar(line: str) -> bool:
    if len(line) > 120:
        return False
    toks = [t for t in chrome._BAR_SPLIT.split(line.casefold()) if t]
    return bool(toks) and all(t in chrome._BAR_TOKENS or t.isdigit() for t in toks) and any(t.isalpha() for t in toks)


_WORDS = [*sorted(chrome._BAR_TOKENS), "12", "٣", "Said", "news", "LIKE", "Reply:", "(3)", "ﬁ", "İ", "ß"]
_SEPS = [" ", ", ", ":", ";", "(", ")", "\t", "\u00a0", "\u2003", " | ", ""]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_SEPS), st.sampled_from(_WORDS)), max_size=12), st.sampled_from(_SEPS))
def test_share_bar_equals_the_plain_rule(parts: list[tuple[str, str]], tail: str) -> None:
    line = "".join(s + w for s, w in parts) + tail
    assert chrome.share_bar(line) == plain_share_bar(line)


@given(st.text(max_size=130))
def test_share_bar_equals_the_plain_rule_on_any_text(line: str) -> None:
    assert chrome.share_bar(line) == plain_share_bar(line)


def test_share_bar_examples() -> None:
    assert chrome.share_bar("Like Reply Share") is True
    assert chrome.share_bar("  (12) Likes · Reply") is True
    assert chrome.share_bar("Share this story with friends") is False
    assert chrome.share_bar("") is False
    assert chrome.share_bar(" , ; ") is False
