"""Text normalisation shared by the exact key and the shingles.

One normal form: Unicode NFKC, casefold, every run of punctuation, symbols, underscores and whitespace
folded to one space. Letters and DIGITS are kept: folding digits merges templated daily reports that
differ only in their numbers (different stories).

Fast path: ASCII folding is one ``bytes.translate``; the regex only runs on non-ASCII text and only
matches non-ASCII punctuation/space (few matches), so the cost is one C-level scan per document.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import numpy as np
import xxhash

# byte table: ASCII letters/digits kept (lower-cased), every other ASCII byte -> space, bytes >= 0x80 kept
_ASCII_FOLD = bytes(
    (b if chr(b).isalnum() else 32) if b < 0x41 or b > 0x5A else b + 32 for b in range(128)
) + bytes(range(128, 256))
# non-ASCII characters that are neither letters nor digits (punctuation, symbols, exotic spaces)
_NON_ASCII_FOLD = re.compile(r"[^\w\x00-\x7f]+")
_NON_ASCII_CHAR = re.compile(r"[^\w\x00-\x7f]")


def normalize_bytes(text: str | None) -> bytes:
    """UTF-8 bytes of ``text`` in the dedup normal form, separators not yet collapsed (split on spaces:
    a run of separators may be one space or several)."""
    if not text:
        return b""
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_FOLD)
    text = unicodedata.normalize("NFKC", text)
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if cps.max() < 0x10000:
        # casefold and fold in one table look-up per character (str.casefold costs as much as the rest of
        # this function); a character whose casefold is not one BMP character marks the text for the path below
        folded = _casefold_table()[cps]
        if folded.max() < _NOT_ONE_CHAR:
            return folded.tobytes().decode("utf-32-le", "surrogatepass").encode("utf-8")
    text = text.casefold()
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if cps.max() < 0x10000:  # one table look-up per character (the regex costs ~4x as much on Cyrillic text)
        return _fold_table()[cps].tobytes().decode("utf-32-le", "surrogatepass").encode("utf-8")
    return _NON_ASCII_FOLD.sub(" ", text).encode("utf-8").translate(_ASCII_FOLD)


@functools.cache
def _fold_table() -> np.ndarray:
    """Per Basic Multilingual Plane code point, what ``normalize_bytes`` makes of it, as a code point: the
    ASCII fold below 0x80, a space for the characters ``_NON_ASCII_FOLD`` replaces, itself otherwise
    (surrogates too, so their UTF-8 encoding fails as before). Built once, ~20 ms."""
    table = np.arange(0x10000, dtype=np.uint32)
    table[:128] = np.frombuffer(_ASCII_FOLD[:128], dtype=np.uint8)
    cps = np.r_[np.arange(0x80, 0xD800), np.arange(0xE000, 0x10000)]
    every = "".join(map(chr, cps.tolist()))
    hits = np.fromiter((m.start() for m in _NON_ASCII_CHAR.finditer(every)), dtype=np.int64)
    table[cps[hits]] = 32
    return table


_NOT_ONE_CHAR = np.uint32(0x110000)  # above every code point


@functools.cache
def _casefold_table() -> np.ndarray:
    """Per BMP code point ``c``: ``_fold_table()[ord(c.casefold())]`` when ``c.casefold()`` is one BMP
    character, else ``_NOT_ONE_CHAR`` (German sharp s, ligatures, a few Greek and Armenian letters).
    ``str.casefold`` maps each character on its own, so for a text without those characters this table of
    the NFKC form is ``_fold_table()`` of its casefold. Built once, ~20 ms."""
    fold = _fold_table()
    table = np.full(0x10000, _NOT_ONE_CHAR, dtype=np.uint32)
    for cp in range(0x10000):
        f = chr(cp).casefold()
        if len(f) == 1 and ord(f) < 0x10000:
            table[cp] = fold[ord(f)]
    return table


def normalize_text(text: str | None) -> str:
    """Return ``text`` in the dedup normal form (tokens separated by single spaces)."""
    return b" ".join(normalize_bytes(text).split()).decode("utf-8")


def tokens(text: str | None) -> list[str]:
    """The normalised token stream of ``text``."""
    return normalize_text(text).split()


def normalized_text_hash(title: str | None, body: str, body_bytes: bytes | None = None) -> str:
    """Exact-duplicate key: xxh3-128 hex digest of the normalised title and body (digits kept);
    ``body_bytes``: ``normalize_bytes(body)`` when the caller has it already."""
    nb = normalize_bytes(body) if body_bytes is None else body_bytes
    key = _collapse(normalize_bytes(title)) + b"\n" + _collapse(nb)
    return xxhash.xxh3_128_hexdigest(key)


def _collapse(normal: bytes) -> bytes:
    """``b" ".join(normal.split())`` of a ``normalize_bytes`` output (whose only ASCII whitespace byte is the
    space): keep the word bytes and the first space of every run, then strip. Numpy for long texts (~4x
    faster than building the words)."""
    if len(normal) < 64:
        return b" ".join(normal.split())
    arr = np.frombuffer(normal, dtype=np.uint8)
    space = arr == 32
    keep = ~space
    keep[1:] |= space[1:] & keep[:-1]  # the right side is evaluated first: "the byte before is a word byte"
    return arr[keep].tobytes().strip(b" ")
