"""Character-level normalisation: entities, invisible characters, mojibake, Unicode NFC, whitespace.

Every rule is guarded by a cheap test (substring or one compiled ``search``) so the common clean document
pays only for the guards. The rules never add characters except by decoding what the input encodes
(HTML entities, mojibake, NFC composition); typographic quotes are kept as they are (no "uncurling").
"""

from __future__ import annotations

import html
import re
import unicodedata

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
_SPACES = re.compile(r"[ \t]{2,}|\t")
_TRAILING = re.compile(r"[ \t]+\n[ \t]*|\n[ \t]+")
_BLANKS = re.compile(r"\n{3,}")
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


def _normalize(text: str, *, gate: bool) -> tuple[str, Ledger]:
    """``normalize_text``; ``gate=False`` runs every character rule without the one-scan ``_SPECIAL`` test
    (the same result, slower: kept to test the gate)."""
    ledger: Ledger = {}
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
    special = True
    if not text.isascii():
        special = not gate or _SPECIAL.search(text) is not None
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
    elif _CONTROL.search(text):
        text, n = _CONTROL.subn("", text)
        _count(ledger, "control_chars", n, n)
    if "\r" in text or "\f" in text or "\v" in text or (special and not text.isascii()):
        text, n = _LINE_BREAKS.subn("\n", text)
        _count(ledger, "line_breaks", n, 0)
    # whitespace: collapse runs, strip lines, at most one blank line
    # each substitution behind the substring test that is exactly its match condition
    before = len(text)
    if "  " in text or "\t" in text:
        text = _SPACES.sub(" ", text)
    if " \n" in text or "\n " in text:  # no tabs left
        text = _TRAILING.sub("\n", text)
    if "\n\n\n" in text:
        text = _BLANKS.sub("\n\n", text)
    text = text.strip()
    _count(ledger, "whitespace", 1 if len(text) != before else 0, before - len(text))
    return text, ledger
