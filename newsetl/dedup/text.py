"""Text normalisation shared by the exact key and the shingles.

One normal form: Unicode NFKC, casefold, every run of punctuation, symbols, underscores and whitespace
folded to one space. Letters and DIGITS are kept: folding digits merges templated daily reports that
differ only in their numbers (different stories).
"""

from __future__ import annotations

import re
import unicodedata

import xxhash

# \W is "not a letter, digit or underscore" (Unicode aware); the underscore is folded as well.
_FOLD = re.compile(r"[\W_]+")


def normalize_text(text: str | None) -> str:
    """Return ``text`` in the dedup normal form (tokens separated by single spaces)."""
    if not text:
        return ""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return _FOLD.sub(" ", text.casefold()).strip()


def tokens(text: str | None) -> list[str]:
    """The normalised token stream of ``text``."""
    return normalize_text(text).split()


def normalized_text_hash(title: str | None, body: str) -> str:
    """Exact-duplicate key: xxh3-128 hex digest of the normalised title and body (digits kept)."""
    key = normalize_text(title) + "\n" + normalize_text(body)
    return xxhash.xxh3_128_hexdigest(key.encode("utf-8"))
