"""The body regexes of the articles suite (``newsetl.validate.suites.BODY_FORBIDDEN``) find exactly what
their plain forms find, with Python's ``re`` and with Arrow's RE2: GX's pandas engine runs them with
``Series.str.contains``, which takes either."""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsetl.validate.suites import BODY_FORBIDDEN, NOT_SPACE

_SPACES = [chr(c) for c in range(0x110000) if chr(c).isspace()]
_PIECES = st.sampled_from(["-", "- ", "--", "Joined", "Messages", "Reaction score", "?", "??", "???", "????", "\n",
                           "\r\n", "\r", "\t", " ", "x", "Click to expand", "https://", "http://", "www.", "a.b/c",
                           "Ж", "-Joined", " - Joined", "Joined\t", "#", *_SPACES])
_TEXTS = st.lists(_PIECES, max_size=30).map("".join) | st.text(max_size=60)
_CASES = [(r, p) for r, p, _ in BODY_FORBIDDEN]


def _re2(regex: str, text: str) -> bool:
    """What pandas asks of Arrow for ``str.contains`` (its ``\\Z`` spelled ``\\z``, as pandas does)."""
    arr = pa.array([text], pa.string())
    return bool(pc.match_substring_regex(arr, regex.replace(r"\Z", r"\z"))[0].as_py())


@pytest.mark.parametrize(("regex", "plain"), _CASES)
@settings(max_examples=1500, deadline=None)
@given(text=_TEXTS)
def test_each_regex_finds_what_its_plain_form_finds(regex: str, plain: str, text: str) -> None:
    want = re.search(plain, text) is not None
    assert (re.search(regex, text) is not None) == want
    assert _re2(regex, text) == want


def test_not_space_is_pythons_non_space() -> None:
    cls = re.compile(NOT_SPACE)
    assert [c for c in map(chr, range(0x110000)) if (cls.fullmatch(c) is None) != c.isspace()] == []
    assert [c for c in _SPACES if _re2(NOT_SPACE, c)] == [] and _re2(NOT_SPACE, "x") and _re2(NOT_SPACE, "Ж")


@pytest.mark.parametrize(("text", "found"), [
    ("- Joined", True), ("body\n-Messages\t\nmore", True), ("x - Joined", False), ("--Joined", False),
    ("-Joined x", False), ("lost ???? here", True), ("??? ?", False), ("?????", True), ("see\n https://x.y/z \n", True),
    ("https://x.y/z\u00a0", False), ("see https://x.y/z", False), ("Click to expand...", True),
])
def test_known_cases(text: str, found: bool) -> None:
    assert any(re.search(r, text) is not None for r, _, _ in BODY_FORBIDDEN) == found
    assert any(_re2(r, text) for r, _, _ in BODY_FORBIDDEN) == found
