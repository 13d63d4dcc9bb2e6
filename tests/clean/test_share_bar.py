"""``chrome.share_bar``'s first-token shortcut gives the answer of the plain rule (split, then check every token)."""

from __future__ import annotations

import re

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


def _needs_chrome_char(items: object) -> bool:
    """Every match of the parsed regex ``items`` holds an ASCII letter, "#" or "©" (a literal that no
    optional part, repeat of zero or lookahead carries)."""
    from re import _constants as c  # type: ignore[attr-defined]

    for op, av in items:  # type: ignore[attr-defined]
        if op is c.LITERAL and ((chr(av).isascii() and chr(av).isalpha()) or chr(av) in "#©"):
            return True
        if op is c.SUBPATTERN and _needs_chrome_char(av[-1]):
            return True
        if op is c.BRANCH and all(_needs_chrome_char(alt) for alt in av[1]):
            return True
        if op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[0] >= 1 and _needs_chrome_char(av[2]):
            return True
    return False


def test_the_line_rules_need_a_chrome_char() -> None:
    """What lets the cleaner skip the five line rules on a line without a ``CHROME_CHARS`` character."""
    import re
    import string
    from re import _parser  # type: ignore[attr-defined]

    assert _needs_chrome_char(_parser.parse(r"(?:ab|c#)+\d", re.I))
    assert not _needs_chrome_char(_parser.parse(r"(?:ab)?\d+|x", re.I))
    assert not _needs_chrome_char(_parser.parse(r"(?!ab).{1,3}", re.I))
    for rx in (chrome.COMMENT_HEADER, chrome._FORUM_LINE, chrome._PAGE_LINE, chrome._WIRE_CREDIT):
        assert rx.flags & re.I and _needs_chrome_char(_parser.parse(rx.pattern, rx.flags)), rx.pattern[:40]
    every = "".join(map(chr, range(0xD800))) + "".join(map(chr, range(0xE000, 0x110000)))
    for letter in string.ascii_letters + "#©":  # what each such literal matches case-insensitively
        assert all(chrome.CHROME_CHARS.match(m.group()) for m in re.finditer(re.escape(letter), every, re.I))
    # a share bar holds a button word: ASCII (casefolded) letters, which only these characters give
    assert all(t.isascii() for t in chrome._BAR_TOKENS if any(ch.isalpha() for ch in t))
    assert all(chrome.CHROME_CHARS.match(ch) for ch in every if any("a" <= x <= "z" for x in ch.casefold()))


_CHROME_BITS = ["#12", "#", " said:", ":", " likes this", " like this.", "•", " • 3 hours ago", "2 hours ago", "Apr 7, 2021",
                "Vanguard One", "ſ", "S", ".", " ", "word", "the", "Reactions: ", "©", "Copyright 2021", "وزیر", "Министр"]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_CHROME_BITS) | st.text(max_size=3), max_size=10).map("".join))
def test_gated_line_rules_are_the_regexes(line: str) -> None:
    line = line.strip()
    n = len(line)
    want_forum = 0 < n <= 200 and (n <= 60 or line[:1] in "RrTtSsDd") and chrome._FORUM_LINE.fullmatch(line) is not None
    assert chrome.forum_chrome(line) == want_forum
    assert chrome.page_chrome(line) == (0 < n <= 220 and chrome._PAGE_LINE.fullmatch(line) is not None)
    if not chrome.CHROME_CHARS.search(line):
        assert not (chrome.comment_header(line) or chrome.forum_chrome(line) or chrome.share_bar(line)
                    or chrome.page_chrome(line) or chrome.wire_credit(line))  # fmt: skip


def test_casefold_keeps_the_bar_separators_apart_from_the_rest() -> None:
    """What share_bar's first-token fold relies on: a separator folds to itself, any other character to
    characters that are no separator (so tokens fold one by one)."""
    for cp in range(0x110000):
        c = chr(cp)
        folded = c.casefold()
        if chrome._BAR_SPLIT.fullmatch(c):
            assert folded == c, hex(cp)
        else:
            assert chrome._BAR_SPLIT.search(folded) is None, hex(cp)


def _first_ops(items: object) -> tuple[list[tuple[object, object]], bool]:
    """The parsed regex ``items``' character items that can consume a match's first character, and whether
    ``items`` can match the empty string (anchors and lookarounds consume nothing: they only restrict)."""
    from re import _constants as c  # type: ignore[attr-defined]

    out: list[tuple[object, object]] = []
    for op, av in items:  # type: ignore[attr-defined]
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue
        if op in (c.LITERAL, c.IN):
            out.append((op, av))
            return out, False
        if op is c.SUBPATTERN:
            alts, nullable = [av[-1]], False
        elif op is c.BRANCH:
            alts, nullable = av[1], False
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
            alts, nullable = [av[2]], av[0] == 0
        else:
            raise AssertionError(f"no first-character rule for {op}")  # a new construct: extend this
        for alt in alts:
            ops, empty = _first_ops(alt)
            out += ops
            nullable = nullable or empty
        if not nullable:
            return out, False
    return out, True


def _one_char_regex(op: object, av: object) -> str:
    """A regex for the characters one parsed character item matches."""
    from re import _constants as c  # type: ignore[attr-defined]

    if op is c.LITERAL:
        return re.escape(chr(av))  # type: ignore[arg-type]
    cats = {c.CATEGORY_DIGIT: r"\d", c.CATEGORY_SPACE: r"\s", c.CATEGORY_WORD: r"\w"}
    parts = []
    for iop, iav in av:  # type: ignore[attr-defined]
        if iop is c.LITERAL:
            parts.append(re.escape(chr(iav)))
        elif iop is c.RANGE:
            parts.append(f"{re.escape(chr(iav[0]))}-{re.escape(chr(iav[1]))}")
        elif iop is c.CATEGORY and iav in cats:
            parts.append(cats[iav])
        elif iop is c.NEGATE:
            parts.append("^")
        else:
            raise AssertionError(f"no rule for {iop} {iav}")
    return "[" + "".join(parts) + "]"


def test_first_char_gates_hold_every_first_character() -> None:
    """What the first-character lookaheads of comment_header, forum_chrome, page_chrome and the panel's rank
    and label lines rely on: every
    character that can open a match of the regex (matched case-insensitively, like the regex) is in its gate."""
    from re import _parser  # type: ignore[attr-defined]

    ops, nullable = _first_ops(_parser.parse(r"(?:\d+\s)?(?:ab|c)", re.I))
    assert [_one_char_regex(*x) for x in ops] == [r"[\d]", "a", "c"] and not nullable
    ops, nullable = _first_ops(_parser.parse(r"(?=q)(?:x?|y)z", re.I))
    assert [_one_char_regex(*x) for x in ops] == ["x", "y", "z"] and not nullable
    assert _first_ops(_parser.parse(r"a?b*", re.I))[1]
    every = "".join(map(chr, range(0xD800))) + "".join(map(chr, range(0xE000, 0x110000)))
    for pattern, first in ((chrome.COMMENT_HEADER.pattern, chrome._COMMENT_HEADER_FIRST),
                           (chrome._FORUM_MAIN, chrome._FORUM_MAIN_FIRST), (chrome._PAGE_MAIN, chrome._PAGE_MAIN_FIRST),
                           (chrome._RANK.pattern, chrome._RANK_FIRST), (chrome._LABEL.pattern, chrome._LABEL_FIRST)):
        ops, nullable = _first_ops(_parser.parse(pattern, re.I))
        assert ops and not nullable
        gate = re.compile(first, re.I)
        for op, av in ops:
            one = _one_char_regex(op, av)
            assert all(gate.fullmatch(m.group()) for m in re.finditer(one, every, re.I)), (one, first)


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(["Comments", "comments (3)", "12 comments", "Leave a reply", "discussion", "ſ", "K",
                                 "What do you think?", "3 thoughts on X", " ", ":", "x"]) | st.text(max_size=3),
                max_size=6).map("".join))
def test_comment_header_is_the_regex(line: str) -> None:
    line = line.strip()
    assert chrome.comment_header(line) == (0 < len(line) <= 220 and chrome.COMMENT_HEADER.fullmatch(line) is not None)


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(["Joined", "joined:", "- Messages: 12", "• Posts", "Senior Member", "well-known member",
                                 "ſtaff", "K", " ", ":", "x", "12"]) | st.text(max_size=3), max_size=5).map("".join))
def test_panel_lines_are_the_regexes(line: str) -> None:
    assert chrome.rank_line(line) == (len(line) <= 40 and chrome._RANK.fullmatch(line) is not None)
    assert chrome.label_line(line) == (len(line) <= 60 and chrome._LABEL.fullmatch(line) is not None)
