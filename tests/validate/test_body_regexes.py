"""The body regexes of the articles suite written to start with a literal find exactly what their plain
forms find (``newsetl.validate.suites.BODY_FORBIDDEN``): GX's pandas engine runs them with ``re.search``."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsetl.validate.suites import BODY_FORBIDDEN

_PIECES = st.sampled_from(["-", "- ", "--", "Joined", "Messages", "Reaction score", "?", "??", "???", "????", "\n",
                           "\r\n", "\t", " ", "x", "Click to expand", "https://", "http://", "www.", "a.b/c",
                           "\u00a0", "\u2028", "\x85", "Ж", "-Joined", " - Joined", "Joined\t", "#"])
_TEXTS = st.lists(_PIECES, max_size=30).map("".join) | st.text(max_size=60)


@pytest.mark.parametrize(("regex", "plain"), [(r, p) for r, p, _ in BODY_FORBIDDEN])
@settings(max_examples=1500, deadline=None)
@given(text=_TEXTS)
def test_each_regex_finds_what_its_plain_form_finds(regex: str, plain: str, text: str) -> None:
    assert (re.search(regex, text) is None) == (re.search(plain, text) is None)


@pytest.mark.parametrize(("text", "found"), [
    ("- Joined", True), ("body\n-Messages\t\nmore", True), ("x - Joined", False), ("--Joined", False),
    ("-Joined x", False), ("lost ???? here", True), ("??? ?", False), ("?????", True),
])
def test_known_cases(text: str, found: bool) -> None:
    hits = [re.search(r, text) is not None for r, _, _ in BODY_FORBIDDEN]
    assert any(hits) == found
