"""Word-bounded phrase matching with one Aho-Corasick automaton (shared by sectors and entities).

How a text is matched (``PhraseIndex.find``):

1. ``strip_invisible(text)`` drops characters that carry no letter (Arabic-script diacritics, tatweel,
   zero-width joiner, direction marks, soft hyphen), remembering where the kept ones were; then
   ``fold``: casefold, script variants read as one letter (Arabic ي/ك/ه as Urdu ی/ک/ہ, alef with
   hamza or madda as alef, ё as е, a zero-width non-joiner as a space), and every non-word character
   (punctuation, hyphens, apostrophes, newlines) becomes one space. The fold is 1:1, so an offset in
   the folded text maps back to the original text (a rare character whose casefold is longer, e.g.
   German sharp s, falls back to a per-character fold that keeps the length). Configured phrases go
   through the same two steps, so "بینک" written with an Arabic kaf or "пошлины" with ё match.
2. The folded text is padded with one space on each side and the automaton (patterns ``" term "``,
   or ``" stem"`` for a prefix term written ``stem*``) runs once over it. Because every pattern starts
   with a space and exact patterns also end with one, a hit always starts and ends on a word
   boundary: "trade" never fires inside "tradesman", "un" never inside "under". No per-character
   Python work; Python only sees real word-bounded hits.
3. Case-exact phrases (acronyms written in capitals such as ``UN``, ``SCO``, ``US``; or phrases
   marked exact) are confirmed against the original text's case.

Phrase syntax (both config files): ``counter-terrorism`` matches "counter-terrorism",
"counter terrorism" (hyphens and spaces are the same); ``militar*`` matches words starting with
"militar" (military, militarily); the span and surface form then extend to the end of the word.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import ahocorasick_rs
import numpy as np
import pyarrow as pa

# Non-word characters become spaces. Arabic-script vowel marks stay (they sit inside Urdu words).
# The plain space is left out of the class: it already is a space, and not substituting it halves the cost.
_NON_WORD = re.compile(r"[^\w \u064b-\u065f\u0670\u06d6-\u06ed]|_")
_WORD_TAIL = re.compile(r"[\w\u064b-\u065f\u0670]*")
# Same substitution in two steps (measured ~3x faster on news text, which is punctuation-heavy): ASCII
# bytes through a bytes.translate table on the UTF-8 form (ASCII \w is [A-Za-z0-9_], and "_" is replaced
# too; bytes >= 0x80 are left alone, so multi-byte characters pass unchanged), then the few non-ASCII
# non-word characters (curly quotes, dashes) through the regex.
_ASCII_TABLE = bytes(
    32 if c < 128 and c != 32 and (c == 95 or not chr(c).isalnum()) else c for c in range(256)
)
_NON_ASCII_NON_WORD = re.compile(r"[^\x00-\x7f\w\u064b-\u065f\u0670\u06d6-\u06ed]")

# Characters that carry no letter: Arabic-script diacritics (zer, zabar, pesh, tanwin, shadda, jazm,
# superscript alef, Quranic marks), tatweel, zero-width joiner, direction marks, soft hyphen, BOM and
# word joiner. They are dropped before matching, so "پاکِستان" matches "پاکستان"; offsets are mapped
# back to the original text.
_INVISIBLE = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed\u0640\u200d\u200e\u200f\u061c\u00ad\ufeff\u2060]")
# One-to-one letter variants read as the same letter: Arabic yeh/kaf/heh/teh marbuta as their Urdu
# forms, alef with hamza or madda as alef, Russian yo as ye; a zero-width non-joiner or zero-width
# space separates words (Urdu compounds), so it reads as a space.
_SCRIPT_TABLE = str.maketrans({
    "\u064a": "\u06cc",  # ARABIC YEH -> FARSI YEH (Urdu choti ye)
    "\u0649": "\u06cc",  # ALEF MAKSURA -> FARSI YEH
    "\u0643": "\u06a9",  # ARABIC KAF -> KEHEH (Urdu kaf)
    "\u0647": "\u06c1",  # ARABIC HEH -> HEH GOAL (Urdu choti he)
    "\u06c0": "\u06c1",  # HEH WITH YEH ABOVE -> HEH GOAL
    "\u06c2": "\u06c1",  # HEH GOAL WITH HAMZA ABOVE -> HEH GOAL
    "\u06d5": "\u06c1",  # AE -> HEH GOAL
    "\u0629": "\u06c3",  # TEH MARBUTA -> TEH MARBUTA GOAL
    "\u0623": "\u0627",  # ALEF WITH HAMZA ABOVE -> ALEF
    "\u0625": "\u0627",  # ALEF WITH HAMZA BELOW -> ALEF
    "\u0622": "\u0627",  # ALEF WITH MADDA ABOVE -> ALEF (madda is often written as a separate mark)
    "\u0671": "\u0627",  # ALEF WASLA -> ALEF
    "\u06d3": "\u06d2",  # YEH BARREE WITH HAMZA -> YEH BARREE
    "\u0451": "\u0435",  # ё -> е
    "\u200c": " ",  # ZERO WIDTH NON-JOINER
    "\u200b": " ",  # ZERO WIDTH SPACE
})


def _spaces_for_non_word(text: str) -> str:
    """``_NON_WORD.sub(" ", text)``, faster."""
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_TABLE).decode("ascii")
    out = text.encode("utf-8", "surrogatepass").translate(_ASCII_TABLE).decode("utf-8", "surrogatepass")
    return _NON_ASCII_NON_WORD.sub(" ", out)


def strip_invisible(text: str) -> tuple[str, list[int] | None]:
    """``text`` without the invisible characters, and where they were: the sorted positions, in the
    stripped text, at which a character was removed (None when nothing was removed). Map an offset of
    the stripped text back with ``original_offset``."""
    if text.isascii() or not _INVISIBLE.search(text):
        return text, None
    cuts = [m.start() - i for i, m in enumerate(_INVISIBLE.finditer(text))]
    return _INVISIBLE.sub("", text), cuts


def original_offset(j: int, cuts: list[int] | None) -> int:
    """The offset in the original text of character ``j`` of the stripped text."""
    return j if cuts is None else j + bisect.bisect_right(cuts, j)


@functools.cache
def _fold_table() -> np.ndarray:
    """``fold`` of every Basic Multilingual Plane character on its own, as code points (built once)."""
    _invisible_table()  # built with it (newsetl.run.common.warm_resources builds this one before forking)
    return np.fromiter(map(_fold_char, range(0x10000)), dtype=np.uint32, count=0x10000)


def _fold_char(cp: int) -> int:
    """``fold`` of the one character ``cp``, as a code point (every step maps a character on its own: see
    ``fold_steps``; a casefold of several characters keeps its first)."""
    c = (chr(cp).casefold()[:1] or " ").translate(_SCRIPT_TABLE)
    return 32 if _NON_WORD.match(c) else ord(c)


_fold_astral = functools.lru_cache(maxsize=4096)(_fold_char)  # emoji and other astral characters: few, recurring


def _fold_cps(cps: np.ndarray) -> np.ndarray:
    """``fold`` of code points (uint32), as code points: the table for the BMP, one cached look-up per
    astral character (emoji in ~4% of the articles; the per-step fold of their whole text cost ~20x)."""
    if not cps.size or cps.max() < 0x10000:
        return _fold_table()[cps]
    out = _fold_table()[np.minimum(cps, 0xFFFF)]
    big = np.flatnonzero(cps >= 0x10000)
    out[big] = [_fold_astral(cp) for cp in cps[big].tolist()]
    return out


# ASCII text: casefold is lower-casing, so the whole fold is one byte table (letters and digits lower-cased,
# everything else a space)
_ASCII_FOLD = bytes((ord(chr(c).lower()) if chr(c).isalnum() else 32) if c < 128 else c for c in range(256))


def fold(text: str) -> str:
    """Casefold ``text``, read script variants as one letter and turn non-word characters into spaces,
    keeping its length (invisible characters are removed beforehand by ``strip_invisible``).

    Every step maps one character to one character, so the text goes through a table of code points
    (``_fold_cps``; a str.translate with a dict costs ~0.1 us per character), or of bytes for ASCII; the
    per-step path ``fold_steps`` gives the same result (tested)."""
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_FOLD).decode("ascii")
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return _fold_cps(cps).tobytes().decode("utf-32-le", "surrogatepass")


def fold_steps(text: str) -> str:
    """``fold`` one step after the other (the definition; ``fold`` takes a table for most text)."""
    folded = text.casefold()
    if len(folded) != len(text):  # rare: a character whose casefold has several characters
        folded = "".join(c.casefold()[:1] or " " for c in text)
    if not folded.isascii():
        folded = folded.translate(_SCRIPT_TABLE)
    return _spaces_for_non_word(folded)


def fold_keep_case(text: str) -> str:
    """Like ``fold`` without the casefold (used to confirm case-exact phrases)."""
    return _spaces_for_non_word(text)


def normalise_phrase(phrase: str) -> str:
    """The canonical folded form of a configured phrase: words joined by single spaces."""
    return " ".join(fold(strip_invisible(phrase)[0]).split())


def is_acronym(phrase: str) -> bool:
    """A phrase written only in capitals and digits (``UN``, ``G20``, ``SCO``) matches case-exactly."""
    letters = [c for c in phrase if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


@dataclass(frozen=True, slots=True)
class Pattern:
    """One configured phrase: what it folds to and what a hit on it means (``payload``)."""

    folded: str  # normalise_phrase(phrase), without the trailing '*'
    prefix: bool  # written 'stem*': the end of the hit may fall inside a word
    exact: str | None  # case-exact form (fold_keep_case, single spaces), or None for any case
    payload: Hashable


class Hit(NamedTuple):
    """One word-bounded hit (a named tuple: built ~5x faster than a frozen dataclass, and a long article
    has a few hundred)."""

    start: int  # offsets in the original text, [start, end)
    end: int
    surface: str  # the hit's text, casefolded, whitespace collapsed (whole word for prefix patterns)
    payload: Hashable


def make_pattern(phrase: str, payload: Hashable, exact: bool | None = None) -> Pattern:
    """Parse one configured phrase (``stem*`` = prefix); ``exact=None`` means 'exact when an acronym'."""
    raw = phrase.strip()
    prefix = raw.endswith("*")
    if prefix:
        raw = raw[:-1]
    folded = normalise_phrase(raw)
    if not folded:
        raise ValueError(f"phrase {phrase!r} has no letters or digits")
    is_exact = is_acronym(raw) if exact is None else exact
    exact_form = " ".join(fold_keep_case(raw).split()) if is_exact else None
    return Pattern(folded=folded, prefix=prefix, exact=exact_form, payload=payload)


def plural_variants(phrase: str) -> list[str]:
    """The phrase plus the regular plural of its last word (-s, -es, consonant+y -> -ies)."""
    raw = phrase.strip()
    if raw.endswith("*") or not raw or not raw[-1].isalpha() or is_acronym(raw):
        return [raw]
    low = raw.casefold()
    if low.endswith(("s", "x", "z", "ch", "sh")):
        return [raw, raw + "es"] if not low.endswith("s") else [raw]
    if low.endswith("y") and len(low) > 1 and low[-2] not in "aeiou":
        return [raw, raw[:-1] + "ies"]
    return [raw, raw + "s"]


_Prepared = tuple[str, list[int] | None, str, "np.ndarray | None"]  # visible, cuts, folded, its code points
_last: tuple[str, _Prepared] | None = None


def _prepared(text: str) -> _Prepared:
    """(visible text, cuts, folded, folded's code points: None for ASCII text) of ``text``. The last text's are kept (one global tuple,
    replaced whole: safe across threads), so the sector and the entity matcher searching the same article
    one after the other (``newsetl.enrich.enrich_articles``) fold it once."""
    global _last
    last = _last
    if last is not None and last[0] == text:
        return last[1]
    if text.isascii():
        out: _Prepared = (text, None, fold(text), None)
    else:
        # one code point array serves both steps: strip_invisible (a regex search, finditer and sub cost ~4x)
        # and fold
        cps = code_points(text)
        invisible = _invisible_table()[cps if cps.max() < 0x10000 else np.minimum(cps, 0xFFFF)]  # all in the BMP
        visible, cuts = text, None
        if invisible.any():
            removed = np.flatnonzero(invisible)
            cuts = (removed - np.arange(removed.size)).tolist()  # = strip_invisible's
            cps = cps[~invisible]
            visible = cps.tobytes().decode("utf-32-le", "surrogatepass")
        folded_cps = _fold_cps(cps)
        out = (visible, cuts, folded_cps.tobytes().decode("utf-32-le", "surrogatepass"), folded_cps)
    _last = (text, out)
    return out


_last_units: tuple[str, np.ndarray] | None = None


def code_units(text: str) -> np.ndarray:
    """The UTF-16 code units of ``text`` (uint16, read-only): its code points when every character is in the
    BMP, a surrogate pair for each other one. Encoding UTF-16 and ``take`` from a 65,536-entry table cost ~1/3
    of UTF-32 and an index by 32-bit code points. The last text's are kept (one global tuple, replaced whole),
    so the sector matcher's word count of the article just scanned does not encode it again."""
    global _last_units
    last = _last_units
    if last is not None and (last[0] is text or last[0] == text):
        return last[1]
    units = np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
    _last_units = (text, units)
    return units


_last_cps: tuple[str, np.ndarray] | None = None


def code_points(text: str) -> np.ndarray:
    """The code points of ``text`` (uint32, read-only). The last text's are kept (one global tuple, replaced
    whole), so the sector matcher's word count of the article ``_prepared`` just matched does not encode
    it again."""
    global _last_cps
    last = _last_cps
    if last is not None and (last[0] is text or last[0] == text):
        return last[1]
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    _last_cps = (text, cps)
    return cps


@functools.cache
def _invisible_table() -> np.ndarray:
    """Per BMP code point: is it one of the characters ``strip_invisible`` removes (built once)."""
    table = np.zeros(0x10000, dtype=bool)
    table[[cp for cp in range(0x10000) if _INVISIBLE.fullmatch(chr(cp))]] = True
    return table


_PatternFields = tuple[int, bool, "str | None", Hashable]  # len(folded), prefix, exact, payload
_Groups = tuple[tuple[_PatternFields, ...], ...]  # per index of a joint automaton: the patterns of one key


class PhraseIndex:
    """One Aho-Corasick automaton over many patterns; ``find`` returns word-bounded hits."""

    def __init__(self, patterns: Iterable[Pattern]) -> None:
        by_key: dict[str, list[Pattern]] = {}
        for p in patterns:
            key = " " + p.folded + ("" if p.prefix else " ")
            by_key.setdefault(key, []).append(p)
        # per key, per pattern: the plain fields ``find`` reads
        self.keys: dict[str, tuple[_PatternFields, ...]] = {
            key: tuple((len(p.folded), p.prefix, p.exact, p.payload) for p in plist) for key, plist in by_key.items()
        }
        self._own: _Automaton | None = None
        self.size = len(by_key)

    @property
    def _automaton(self) -> _Automaton:
        """This index's own automaton, built on its first ``find`` (~25-50 ms): the pipeline scans with one
        ``JointIndex`` of the sector and entity indexes and never needs it."""
        own = self._own
        if own is None:
            own = self._own = _automaton({key: (plist,) for key, plist in self.keys.items()})
        return own

    def find(self, text: str) -> list[Hit]:
        """All word-bounded hits of all patterns in ``text`` (overlapping hits included)."""
        if not self.size or not text:
            return []
        return _scan(self._automaton, 1, text)[0]


class JointIndex:
    """Several ``PhraseIndex`` in one automaton: ``find`` scans a text once and returns, per index, the
    hits that index's own ``find`` returns, in the same order (the automaton reports the keys ending at a
    position longest first, whatever other keys it holds)."""

    def __init__(self, indexes: Sequence[PhraseIndex]) -> None:
        self.indexes = tuple(indexes)
        keys: dict[str, list[tuple[_PatternFields, ...]]] = {}
        for i, index in enumerate(self.indexes):
            for key, plist in index.keys.items():
                keys.setdefault(key, [()] * len(self.indexes))[i] = plist
        self._automaton = _automaton({key: tuple(groups) for key, groups in keys.items()})
        self.size = len(keys)

    def find(self, text: str) -> list[list[Hit]]:
        if not self.size or not text:
            return [[] for _ in self.indexes]
        return _scan(self._automaton, len(self.indexes), text)


class _Automaton:
    """One Aho-Corasick automaton over ``keys`` (the Rust ``aho-corasick`` crate through ``ahocorasick_rs``:
    its overlapping scan measured ~35% less CPU than ``pyahocorasick``'s ``iter`` on real news text) and,
    per key, its patterns as (group, fields...) rows (``values``, in the order of the keys).

    The folded text is scanned as bytes, one byte per character (another ~25% less: no UTF-8 conversion of
    the text and no byte-to-character offsets): ASCII as itself, each non-ASCII character of the keys as one
    of the bytes 128-254, every other character as 255, which is in no key. Keys with more than 127 distinct
    non-ASCII characters are scanned as text (``bytes_mode`` False)."""

    def __init__(self, keys: dict[str, _Groups], bytes_mode: bool = True) -> None:
        self._args = (keys, bytes_mode)
        self.values: list[tuple[tuple[int, int, bool, str | None, Hashable], ...]] = [
            tuple((g, *fields) for g, plist in enumerate(groups) for fields in plist) for groups in keys.values()
        ]
        alphabet = sorted({c for key in keys for c in key if not c.isascii()})
        self._codes: np.ndarray | None = None
        self._bytes_ac: ahocorasick_rs.BytesAhoCorasick | None = None
        self._ac: ahocorasick_rs.AhoCorasick | None = None
        self._fast: np.ndarray | None = None  # see _fast_table
        if not keys:
            return
        # a contiguous NFA: as fast as the DFA here, with a fraction of its memory
        nfa = ahocorasick_rs.Implementation.ContiguousNFA
        if bytes_mode and len(alphabet) <= 127:
            codes = np.full(0x110000, 255, dtype=np.uint8)
            codes[:128] = np.arange(128, dtype=np.uint8)
            codes[[ord(c) for c in alphabet]] = np.arange(128, 128 + len(alphabet), dtype=np.uint8)
            self._codes = codes
            # all keys in one conversion (a NUL is in no key: the fold makes it a space)
            coded = self._bytes("\x00".join(keys)).split(b"\x00")
            assert len(coded) == len(keys)
            self._bytes_ac = ahocorasick_rs.BytesAhoCorasick(coded, implementation=nfa)
        else:
            self._ac = ahocorasick_rs.AhoCorasick(list(keys), implementation=nfa)

    def _fast_table(self) -> np.ndarray | None:
        """Per BMP code unit: its fold in the one-byte code (``_codes[_fold_table()]``), ``_INVISIBLE_CODE`` for
        the characters ``strip_invisible`` drops and ``_SURROGATE_CODE`` for surrogates (built on first use,
        <1 ms; None for a text-mode automaton). The fold never makes a NUL or a \\x01 (non-word characters:
        it makes them spaces), so the two codes are free (checked)."""
        if self._fast is None and self._codes is not None:
            table = self._codes[_fold_table()]
            assert table.min() > _SURROGATE_CODE
            table[_invisible_table()] = _INVISIBLE_CODE
            table[0xD800:0xE000] = _SURROGATE_CODE
            self._fast = table
        return self._fast

    def prepared_bytes(self, text: str) -> tuple[str, list[int] | None, bytes] | None:
        """``_prepared`` of ``text`` as (visible text, cuts, ``" " + folded + " "`` in the one-byte code), from
        one table look-up of its UTF-16 code units instead of the code point array, the fold and the code
        look-up; None for a text with a character outside the BMP (or a lone surrogate: both as surrogate
        units, ~3% of the articles) and for a text-mode automaton: those take ``_prepared`` then ``matches``.
        The same bytes and offsets (tested): the fold and the code map each character on its own."""
        table = self._fast_table()
        if table is None:
            return None
        if text.isascii():  # ASCII folds to ASCII, which is its own code
            return text, None, b" " + text.encode("ascii").translate(_ASCII_FOLD) + b" "
        units = code_units(text)
        coded = table.take(units)
        if coded.min() > _SURROGATE_CODE:  # no invisible character (~3/4 of the non-ASCII articles)
            return text, None, b" " + coded.tobytes() + b" "
        if (coded == _SURROGATE_CODE).any():
            return None
        keep = coded != _INVISIBLE_CODE
        removed = np.flatnonzero(~keep)
        cuts: list[int] = (removed - np.arange(removed.size)).tolist()  # = strip_invisible's
        visible = units[keep].tobytes().decode("utf-16-le")
        return visible, cuts, b" " + coded[keep].tobytes() + b" "

    def matches_bytes(self, padded: bytes) -> list[tuple[int, int, int]]:
        """``matches`` of a text given as ``prepared_bytes``' padded bytes."""
        assert self._bytes_ac is not None
        return self._bytes_ac.find_matches_as_indexes(padded, overlapping=True)

    def __reduce__(self) -> tuple[type[_Automaton], tuple[dict[str, _Groups], bool]]:
        """Pickled as its keys (the Rust automata do not pickle; matchers pickled as with pyahocorasick)."""
        return _Automaton, self._args

    def _bytes(self, text: str, cps: np.ndarray | None = None) -> bytes:
        """``text`` (``cps``: its code points, None when it is ASCII) in the automaton's one-byte code."""
        assert self._codes is not None
        if cps is None and text.isascii():
            return text.encode("ascii")
        return self._codes[np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
                           if cps is None else cps].tobytes()

    def matches(self, folded: str, cps: np.ndarray | None = None) -> list[tuple[int, int, int]]:
        """Every (key index, start, end) in ``" " + folded + " "`` (``cps``: ``folded``'s code points when
        known, None for ASCII text), overlapping ones included, ordered by end and, at the same end, longest
        first (what ``pyahocorasick``'s ``iter`` reported; tested)."""
        if self._bytes_ac is not None:
            return self._bytes_ac.find_matches_as_indexes(b" " + self._bytes(folded, cps) + b" ", overlapping=True)
        if self._ac is None:
            return []
        padded = " " + folded + " "
        try:
            return self._ac.find_matches_as_indexes(padded, overlapping=True)
        except UnicodeEncodeError:  # a lone surrogate (the fold makes them spaces, so never seen so far)
            # it matches no key either way; one code point for one keeps the offsets
            return self._ac.find_matches_as_indexes(_SURROGATE.sub("\x00", padded), overlapping=True)


_SURROGATE = re.compile("[\ud800-\udfff]")
_INVISIBLE_CODE, _SURROGATE_CODE = 0, 1  # in _Automaton._fast_table


def _automaton(keys: dict[str, _Groups]) -> _Automaton:
    """The automaton of ``keys``; a key's value: its patterns as (group, fields...) rows."""
    return _Automaton(keys)


def _scan(automaton: _Automaton, n_groups: int, text: str) -> list[list[Hit]]:
    """The hits of each pattern group (see ``_automaton``) in ``text``: one pass of the automaton."""
    fast = automaton.prepared_bytes(text)
    folded: str | None
    if fast is None:
        visible, cuts, folded, folded_cps = _prepared(text)
        found = automaton.matches(folded, folded_cps)
    else:
        visible, cuts, padded = fast
        folded = None  # not made: a prefix hit folds the few characters it reads (_word_end)
        found = automaton.matches_bytes(padded)
    out: list[list[Hit]] = [[] for _ in range(n_groups)]
    values = automaton.values
    surfaces = _SURFACES
    for key, start, _ in found:
        # the padded text's [start] is the key's leading space, i.e. offset ``start`` in ``visible`` is its first letter
        for g, flen, prefix, exact, payload in values[key]:
            end = start + flen
            if prefix:
                end = _word_end(visible, end) if folded is None else _WORD_TAIL.match(folded, end).end()  # type: ignore[union-attr]
            if exact is not None and not _case_matches(visible[start : start + flen], exact):
                continue
            raw = visible[start:end]
            surface = surfaces.get(raw)
            if surface is None:
                surface = _surface(raw)
            if cuts is None:
                out[g].append(_new_hit(Hit, (start, end, surface, payload)))
            else:
                out[g].append(_new_hit(Hit, (original_offset(start, cuts), original_offset(end - 1, cuts) + 1,
                                             surface, payload)))
    return out


def _word_end(visible: str, end: int) -> int:
    """``_WORD_TAIL.match(fold(visible), end).end()``, folding only the characters it reads, 32 at a time
    (``fold`` maps each character on its own, so the fold of a slice is that slice of the fold; the whole
    text's fold cost ~15-30 us per article with a prefix hit)."""
    while True:
        piece = fold(visible[end : end + 32])
        n = _WORD_TAIL.match(piece).end()  # type: ignore[union-attr]  # (a * pattern always matches)
        end += n
        if n < len(piece) or not piece:
            return end


def _case_matches(raw: str, exact: str) -> bool:
    """Whether the hit's text ``raw`` has the case of the case-exact form ``exact``: ``fold_keep_case`` maps
    character by character, so folding the hit's slice is folding the text. Shortcuts (a third of the
    hits are such checks, most of them "us" for "US"): ``exact`` is its own fold, so an identical slice
    matches; an ASCII letter or digit is its own fold and is the slice's first character after it, so a
    different first one does not."""
    if raw == exact:
        return True
    first = raw[:1]
    if first.isascii() and first.isalnum() and first != exact[:1]:
        return False
    return " ".join(fold_keep_case(raw).split()) == exact


_SURFACES: dict[str, str] = {}
_SURFACE_CACHE = 100_000
_new_hit = tuple.__new__


def _surface(raw: str) -> str:
    """``raw`` casefolded, whitespace collapsed (memoised: the same few hundred words recur)."""
    surface = _SURFACES.get(raw)
    if surface is None:
        if len(_SURFACES) >= _SURFACE_CACHE:
            _SURFACES.clear()
        surface = _SURFACES[raw] = " ".join(raw.casefold().split())
    return surface


def leftmost_longest(hits: list[Hit]) -> list[Hit]:
    """Non-overlapping hits, preferring the earliest start, then the longest span."""
    if len(hits) < 2:  # most sectors of an article have one hit
        return list(hits)
    prev = -1
    for h in hits:  # the automaton's order (by end) is by start too when no two hits share a word
        if h[0] <= prev:
            hits = sorted(hits, key=lambda h: (h.start, h.start - h.end))
            break
        prev = h[0]
    kept: list[Hit] = []
    last_end = -1
    for h in hits:
        if h.start >= last_end:
            kept.append(h)
            last_end = h.end
    return kept


def article_columns(articles: pa.Table) -> tuple[list[str | None], list[str | None], list[str | None]]:
    """``(article_id, title, body)`` of an articles table as lists (``title`` all None when absent)."""
    for col in ("article_id", "body"):
        if col not in articles.column_names:
            raise ValueError(f"articles table has no column {col!r} (has {articles.column_names})")
    ids = articles.column("article_id").to_pylist()
    titles = articles.column("title").to_pylist() if "title" in articles.column_names else [None] * len(ids)
    return ids, titles, articles.column("body").to_pylist()
