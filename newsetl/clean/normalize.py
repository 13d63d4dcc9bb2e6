"""Character-level normalisation: entities, invisible characters, mojibake, Unicode NFC, whitespace.

Every rule is guarded by a cheap test so the common clean document pays only for the guards: a substring
test, or for a non-ASCII text one numpy table lookup per character that says at once which rules'
characters it holds (and where NFC may change it: only those runs are normalised). The rules never add characters except by decoding what the input encodes
(HTML entities, mojibake, NFC composition); typographic quotes are kept as they are (no "uncurling").
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import cache

import numpy as np

Ledger = dict[str, tuple[int, int]]

_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# C0/C1 controls except \t \n \r \f; \f is handled as a line break below
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_C0 = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
# zero-width space/joiners, word joiner, BOM, soft hyphen, bidi marks/embeddings/isolates
_ZERO_WIDTH = re.compile(r"[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# UTF-8 read as cp1252/latin-1: a lead byte char followed by a continuation-byte char
_MOJIBAKE = re.compile(
    r"[\u00c2-\u00c3\u00c5\u00ce\u00cf\u00d0\u00d1\u00d8\u00d9\u00e2][\u0080-\u00bf\u0152\u0153\u0160\u0161"
    r"\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a"
    r"\u20ac\u2122]"
)
# a one-character-class scan is ~3x faster than frozenset.isdisjoint over the text (measured)
_MOJI_LEAD = re.compile(r"[\u00c2\u00c3\u00c5\u00ce\u00cf\u00d0\u00d1\u00d8\u00d9\u00e2]")
_NBSP = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_LINE_BREAKS = re.compile(r"\r\n?|[\f\v\u0085\u2028\u2029]")
# every character the zero-width, control, nbsp and line-break rules act on: one scan of a non-ASCII text
# tells whether any of those rules can match (five scans otherwise; ~60 us per 5 KB text)
_SPECIAL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u00a0\u00ad\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u2064"
    r"\u2066-\u2069\u3000\ufeff]"
)


def _fix_mojibake(text: str, ledger: Ledger) -> str:
    """ftfy line by line, so that a line's repair does not depend on the lines around it (which later
    cleaning may remove): this keeps clean_text idempotent."""
    import ftfy

    before = len(text)
    out = []
    hits = 0
    for line in text.split("\n"):
        if _MOJIBAKE.search(line):
            fixed = ftfy.fix_encoding(line)
            if fixed != line:
                hits += 1
                line = fixed
        out.append(line)
    if not hits:
        return text
    text = "\n".join(out)
    _count(ledger, "mojibake", hits, before - len(text))
    return text


def _count(ledger: Ledger, rule: str, hits: int, removed: int) -> None:
    if hits:
        h, r = ledger.get(rule, (0, 0))
        ledger[rule] = (h + hits, r + removed)


def normalize_text(text: str) -> tuple[str, Ledger]:
    """Normalise characters and whitespace; return the text and ledger entries rule -> (hits, chars_removed).

    Lines are kept (``\\n``), at most one blank line separates blocks, lines carry no leading/trailing
    blanks, runs of spaces become one space. Idempotent.
    """
    return _normalize(text, gate=True)


# One table lookup per character tells which character rules can act on a non-ASCII text (one numpy
# gather instead of a regex scan per rule): a bit per rule's character class, plus the characters that
# can make a text not NFC. Built once per process from the rules' own regexes (and ``unicodedata``).
_ZW, _C0_BIT, _C1, _MOJI, _NB, _LB, _NFC = 1, 2, 4, 8, 16, 32, 64
_SPECIAL_BITS = _ZW | _C0_BIT | _C1 | _NB | _LB
_LB_CHARS = re.compile(r"[\r\f\v\u0085\u2028\u2029]")  # what _LINE_BREAKS can match


def _nfc_suspects() -> list[int]:
    """BMP code points that can take part in an NFC change: every character whose NFC quick check may
    not be Yes (it changes under NFC, or it may compose with what precedes: a non-first part of a
    canonical decomposition, a Hangul medial vowel or final consonant), has a non-zero combining class
    (canonical reordering), or decomposes to a first character that is one of those. A character that is
    none of these is a normalisation boundary (UAX #15): NFC(x + c + y) == NFC(x) + NFC(c + y)."""
    second: set[int] = set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))  # Hangul (algorithmic)
    mapped = []  # a character with no decomposition and class 0 is its own NFC and NFD (Hangul syllables:
    for cp in range(0x10000):  # their NFD opens with a leading consonant, no suspect)
        c = chr(cp)
        d = unicodedata.decomposition(c)
        if d and not d.startswith("<"):  # canonical: every non-first part may compose with what precedes
            second.update(int(x, 16) for x in d.split()[1:])
        if d or unicodedata.combining(c):
            mapped.append(cp)
    out = set(second)
    for cp in mapped:
        c = chr(cp)
        first = unicodedata.normalize("NFD", c)[:1] or c
        if (unicodedata.combining(c) or unicodedata.normalize("NFC", c) != c or unicodedata.combining(first)
                or ord(first) in second):  # fmt: skip
            out.add(cp)
    return sorted(cp for cp in out if cp < 0x10000)


@cache
def _char_table() -> np.ndarray:
    table = np.zeros(0x110000, dtype=np.uint8)
    every = "".join(map(chr, range(0xD800))) + "".join(map(chr, range(0xE000, 0x10000)))  # the rules' classes are BMP
    for bit, rx in ((_ZW, _ZERO_WIDTH), (_C0_BIT, _C0), (_C1, _CONTROL), (_MOJI, _MOJI_LEAD), (_NB, _NBSP),
                    (_LB, _LB_CHARS)):  # fmt: skip
        cps = [ord(m.group()) for m in rx.finditer(every)]
        table[np.array(cps, dtype=np.int64)] |= bit
    table[0:0x80] &= ~np.uint8(_C1)  # _CONTROL's C0 part has its own bit
    table[np.array(_nfc_suspects(), dtype=np.int64)] |= _NFC
    table[0x10000:] |= _NFC  # astral characters are not inspected: always suspects
    table[0xD800:0xE000] |= _NFC  # lone surrogates (surrogatepass)
    return table


def _char_classes(text: str) -> np.ndarray:
    """The table entry of each character of ``text`` (a Python string index is one UTF-32 unit)."""
    return _char_table()[np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")]


def _nfc(text: str, classes: np.ndarray) -> str:
    """``unicodedata.normalize("NFC", text)``, normalising only each run of NFC suspects with the
    character before it: every other character is a normalisation boundary (see :func:`_nfc_suspects`),
    and a string of such characters is NFC."""
    pos = np.flatnonzero(classes & _NFC)
    if not len(pos):
        return text
    cut = np.flatnonzero(np.diff(pos) > 1)
    firsts = pos[np.concatenate(([0], cut + 1))].tolist()
    lasts = pos[np.concatenate((cut, [len(pos) - 1]))].tolist()
    out = []
    at = 0
    for s, e in zip(firsts, lasts, strict=True):
        s = max(s - 1, 0)  # the boundary character the run may compose with (s - 1 >= at: runs are maximal)
        out.append(text[at:s])
        out.append(unicodedata.normalize("NFC", text[s:e + 1]))
        at = e + 1
    out.append(text[at:])
    return "".join(out)


def _normalize(text: str, *, gate: bool) -> tuple[str, Ledger]:
    """``normalize_text``; ``gate=False`` runs every character rule without the one-pass character
    table (:func:`_char_classes`; the same result, slower: kept to test the gate)."""
    ledger: Ledger = {}
    text = _entities(text, ledger)
    if text.isascii():
        if _CONTROL.search(text):
            text, n = _CONTROL.subn("", text)
            _count(ledger, "control_chars", n, n)
        if "\r" in text or "\f" in text or "\v" in text:
            text, n = _LINE_BREAKS.subn("\n", text)
            _count(ledger, "line_breaks", n, 0)
        return _whitespace(text, ledger), ledger
    if not gate:
        return _chars_slow(text, ledger, special=True)
    classes = _char_classes(text)
    flags = int(np.bitwise_or.reduce(classes))
    if flags & _MOJI:  # a repair may bring any character: the rule-by-rule path
        return _chars_slow(text, ledger, special=bool(flags & _SPECIAL_BITS))
    special = bool(flags & _SPECIAL_BITS)
    if flags & (_ZW | _C0_BIT | _C1):
        if flags & _ZW:
            text, n = _ZERO_WIDTH.subn("", text)
            _count(ledger, "zero_width", n, n)
        if flags & _C0_BIT:
            text, n = _C0.subn("", text)
            _count(ledger, "control_chars", n, n)
        if flags & _C1:
            text, n = _CONTROL.subn("", text)
            _count(ledger, "control_chars", n, n)
        classes = _char_classes(text)  # characters were removed (none added): the positions moved
    if flags & _NFC:
        before = len(text)
        nfc = _nfc(text, classes)
        if nfc != text:
            text = nfc
            _count(ledger, "unicode_nfc", 1, before - len(text))
            # the flags no longer describe the text (and NFC may bring a special character)
            if special or _SPECIAL.search(text) is not None:
                return _chars_slow(text, ledger, special=True, after_nfc=True)
    if flags & _NB:
        text, n = _NBSP.subn(" ", text)
        _count(ledger, "nbsp", n, 0)
    if flags & _LB:
        text, n = _LINE_BREAKS.subn("\n", text)
        _count(ledger, "line_breaks", n, 0)
    return _whitespace(text, ledger), ledger


def _entities(text: str, ledger: Ledger) -> str:
    if "&" in text and _ENTITY.search(text):
        # double-escaped input ("&amp;lt;") is decoded to a fixed point so that cleaning is idempotent
        hits = 0
        before = len(text)
        while True:
            new = html.unescape(text)
            if new == text:
                break
            hits += 1
            text = new
            if not ("&" in text and _ENTITY.search(text)):
                break
        _count(ledger, "html_entities", hits, before - len(text))
    return text


def _chars_slow(text: str, ledger: Ledger, *, special: bool, after_nfc: bool = False) -> tuple[str, Ledger]:
    """The character rules of a non-ASCII text one by one, each behind its own test (``special``: the text
    may hold a character of ``_SPECIAL``); ``after_nfc``: the rules up to NFC have run."""
    if not after_nfc:
        if special and _ZERO_WIDTH.search(text):
            text, n = _ZERO_WIDTH.subn("", text)
            _count(ledger, "zero_width", n, n)
        # C0 controls first; C1 controls (U+0080-U+009F) after the mojibake repair, which needs them
        # ("â\x80\x99" is a latin-1-decoded right quote). Removing a control can expose new mojibake,
        # so the pair runs until stable.
        if special:
            text, n = _C0.subn("", text)
            _count(ledger, "control_chars", n, n)
        for _ in range(3):
            if _MOJI_LEAD.search(text) and _MOJIBAKE.search(text):
                fixed = _fix_mojibake(text, ledger)
                if fixed is not text:
                    text = fixed
                    special = special or _SPECIAL.search(text) is not None  # a repair may bring any character
            if not special:
                break
            text, n = _CONTROL.subn("", text)
            _count(ledger, "control_chars", n, n)
            if not n:
                break
        if not unicodedata.is_normalized("NFC", text):
            before = len(text)
            text = unicodedata.normalize("NFC", text)
            _count(ledger, "unicode_nfc", 1, before - len(text))
            special = special or _SPECIAL.search(text) is not None
    if special:
        text, n = _NBSP.subn(" ", text)
        _count(ledger, "nbsp", n, 0)
    if "\r" in text or "\f" in text or "\v" in text or (special and not text.isascii()):
        text, n = _LINE_BREAKS.subn("\n", text)
        _count(ledger, "line_breaks", n, 0)
    return _whitespace(text, ledger), ledger


# a line break with a blank before or after it, or opening a run of three: the literal "\n" first lets the
# engine skip to each line break (a search for [ \n] would stop at every space)
_LINE_EDGE = re.compile(r"\n(?:(?<= \n)|(?= |\n\n))")


def _whitespace(text: str, ledger: Ledger) -> str:
    """Collapse runs of blanks, strip lines, at most one blank line. Each step behind the substring test
    that is exactly its match condition; ``str.replace`` instead of a regex (the same result: a run of
    blanks with a tab becomes one space like any run of 2+ blanks)."""
    before = len(text)
    if "\t" in text:
        text = text.replace("\t", " ")
    while "  " in text:
        text = text.replace("  ", " ")
    # no tabs and no double spaces left: a blank next to a line break is a single space. One scan tells
    # whether any of the three line-break steps has work (" \n", "\n " or "\n\n\n": ~5x faster than their
    # three substring tests on a non-ASCII text, measured); most texts have none
    if _LINE_EDGE.search(text):
        if " \n" in text:
            text = text.replace(" \n", "\n")
        if "\n " in text:
            text = text.replace("\n ", "\n")
        while "\n\n\n" in text:
            text = text.replace("\n\n\n", "\n\n")
    text = text.strip()
    _count(ledger, "whitespace", 1 if len(text) != before else 0, before - len(text))
    return text
