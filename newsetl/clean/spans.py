"""Where cleaning edits sit in the cleaner's input: character maps from a cleaned text back to its source.

The cleaner removes whole lines and paragraphs from a working text that ``normalize_text`` derived from
its input: runs of whitespace collapsed, invisible characters dropped, entities / mojibake / NFC decoded,
lost-character ``??`` runs cut. :func:`align` maps every visible character of the working text to the
input characters it came from, so a removed line's span in the working text becomes a span in the input.

Visible characters are compared in order, ignoring *layout* characters (whitespace and the invisible
characters the normaliser removes), in vectorised windows. Where they differ, a short Python step skips
a cut ``?`` (lost-character runs) or re-synchronises after a local replacement (a decoded entity,
repaired mojibake, NFC); the replaced output characters map to the whole input run. When no
re-synchronisation is found, the positions are unknown (None), never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property

import numpy as np

# the invisible characters normalize_text removes (zero-width, bidi, BOM, soft hyphen) and C0/C1 controls
_INVISIBLE = re.compile(r"[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
                        r"\x00-\x08\x0e-\x1f\x7f-\x9f]")
_RESYNC_SRC = 16  # input characters a local replacement may consume ("&#x1F600;" is 9)
_RESYNC_DST = 4  # characters it may produce
_ANCHOR = 2  # visible characters that must agree after a replacement (the smallest such step wins)
_WINDOW = 2048  # characters compared per vectorised step


@cache
def _layout_table() -> np.ndarray:
    """Layout or not, for every code point (all layout characters are in the BMP: a lookup per character,
    no range test)."""
    table = np.zeros(0x110000, dtype=bool)
    for cp in range(0x10000):
        c = chr(cp)
        if c.isspace() or _INVISIBLE.match(c):
            table[cp] = True
    return table


@cache
def _layout_chars() -> frozenset[str]:
    """The layout characters as a set (what ``_layout_table`` marks): for testing a few characters."""
    return frozenset(map(chr, np.flatnonzero(_layout_table()).tolist()))


def _codepoints(s: str) -> np.ndarray:
    return np.frombuffer(s.encode("utf-32-le", "surrogatepass"), dtype="<u4")


@cache
def _visible_table() -> np.ndarray:
    return ~_layout_table()


def _visible(cps: np.ndarray) -> np.ndarray:
    # np.take: the same gather as indexing, without its index checks and conversions (measured faster)
    return np.flatnonzero(np.take(_visible_table(), cps))


def squeeze(s: str) -> str:
    """``s`` without layout characters (whitespace, invisibles): what survives any re-spacing."""
    cps = _codepoints(s)
    return cps[_visible(cps)].tobytes().decode("utf-32-le", "surrogatepass")


@dataclass(frozen=True)
class Alignment:
    """For each character j of the aligned text: the input run ``[start[j], end[j])`` it came from
    (-1 for layout characters, which come from no particular input character)."""

    start: np.ndarray
    end: np.ndarray

    def span(self, s: int, e: int) -> tuple[int, int] | None:
        """The input span of ``[s, e)`` of the aligned text (its first to last visible character)."""
        a, b = int(self.start[s]) if s < len(self.start) else -1, int(self.end[e - 1]) if e > 0 else -1
        if a >= 0 and b >= 0:
            return a, b
        seg = self.start[s:e]
        hit = np.flatnonzero(seg >= 0)
        if not len(hit):
            return None
        return int(seg[hit[0]]), int(self.end[s + hit[-1]])

    def spans(self, pairs: list[tuple[int, int]]) -> list[tuple[int, int]] | None:
        """``[self.span(s, e) for s, e in pairs]``, or None when any is None. The two end characters of all
        spans are read in one gather (a span of a line or paragraph opens and closes on visible
        characters: its own input characters); only a span with a layout end takes :meth:`span`."""
        n = len(self.start)
        if not pairs or n == 0:
            return _each(self, pairs)
        # clipped gathers: an end out of range (s == n, e == 0) is told apart below, as span() does
        a = self.start.take([s for s, _ in pairs], mode="clip").tolist()
        b = self.end.take([e - 1 for _, e in pairs], mode="clip").tolist()
        out = []
        for (ps, pe), x, y in zip(pairs, a, b, strict=True):
            if x >= 0 and y >= 0 and ps < n and pe > 0:
                out.append((x, y))
            elif (span := self.span(ps, pe)) is not None:
                out.append(span)
            else:
                return None
        return out

    def then(self, inner: Alignment | Identity) -> Alignment:
        """Compose: ``inner`` maps C -> B (this text), ``self`` maps B -> A; the result maps C -> A."""
        n = len(self.start)
        ok = (inner.start >= 0) & (inner.start < n) & (inner.end >= 1) & (inner.end <= n)
        start = np.full(len(inner.start), -1, dtype=np.int64)
        end = np.full(len(inner.start), -1, dtype=np.int64)
        start[ok] = self.start[inner.start[ok]]
        end[ok] = self.end[inner.end[ok] - 1]
        bad = (start < 0) | (end < 0)
        start[bad] = -1
        end[bad] = -1
        return Alignment(start, end)


class Identity:
    """The alignment of a text with itself (the cleaner changed no character: half of real articles):
    each visible character maps to itself, each layout character to nothing. The same answers as the
    :class:`Alignment` :func:`identity_arrays` builds, without building it: a span only looks at the
    characters at its ends (the arrays are built only when composed, see :meth:`Alignment.then`)."""

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def _arrays(self) -> Alignment:
        return identity_arrays(self.text)

    @property
    def start(self) -> np.ndarray:
        return self._arrays.start

    @property
    def end(self) -> np.ndarray:
        return self._arrays.end

    def span(self, s: int, e: int) -> tuple[int, int] | None:
        """:meth:`Alignment.span` of the identity arrays: the first to last visible character of ``[s, e)``."""
        text, layout = self.text, _layout_chars()
        a = s if s < len(text) and text[s] not in layout else -1
        b = e if e > 0 and text[e - 1] not in layout else -1
        if a >= 0 and b >= 0:
            return a, b
        seg = text[s:e]
        first = next((j for j, c in enumerate(seg) if c not in layout), None)
        if first is None:
            return None
        last = next(j for j in range(len(seg) - 1, -1, -1) if seg[j] not in layout)
        return s + first, s + last + 1

    def spans(self, pairs: list[tuple[int, int]]) -> list[tuple[int, int]] | None:
        """``[self.span(s, e) for s, e in pairs]``, or None when any is None (:meth:`span`'s test of the two
        end characters, inline)."""
        text, layout, n = self.text, _layout_chars(), len(self.text)
        out = []
        for s, e in pairs:
            if e > 0 and s < n and text[s] not in layout and text[e - 1] not in layout:
                out.append((s, e))
            elif (span := self.span(s, e)) is not None:
                out.append(span)
            else:
                return None
        return out

    def then(self, inner: Alignment | Identity) -> Alignment:
        return self._arrays.then(inner)


def _each(al: Alignment | Identity, pairs: list[tuple[int, int]]) -> list[tuple[int, int]] | None:
    """``[al.span(s, e) for s, e in pairs]``, or None when any is None."""
    out = []
    for s, e in pairs:
        span = al.span(s, e)
        if span is None:
            return None
        out.append(span)
    return out


def identity_arrays(text: str) -> Alignment:
    """``text`` aligned with itself, as arrays."""
    vis = _visible(_codepoints(text))
    start = np.full(len(text), -1, dtype=np.int64)
    end = np.full(len(text), -1, dtype=np.int64)
    start[vis] = vis
    end[vis] = vis + 1
    return Alignment(start, end)


def align(src: str, dst: str) -> Alignment | Identity | None:
    """Map ``dst`` onto ``src``: ``dst`` must come from ``src`` by layout changes, cut ``?`` characters,
    deletions of whole runs between visible matches and short local replacements. None otherwise."""
    if src == dst:  # nothing changed (half of real articles): each visible character maps to itself
        return Identity(src)
    cs, cd = _codepoints(src), _codepoints(dst)
    vs, vd = _visible(cs), _visible(cd)
    a, b = cs[vs], cd[vd]
    start = np.full(len(dst), -1, dtype=np.int64)
    end = np.full(len(dst), -1, dtype=np.int64)
    ns, nd = len(a), len(b)
    if ns == nd and np.array_equal(a, b):
        start[vd] = vs
        end[vd] = vs + 1
        return Alignment(start, end)
    s_text: str | None = None
    d_text: str | None = None
    i = k = 0
    while k < nd:
        w = min(_WINDOW, ns - i, nd - k)
        if w > 0:
            diff = np.flatnonzero(a[i:i + w] != b[k:k + w])
            n = int(diff[0]) if len(diff) else w
            start[vd[k:k + n]] = vs[i:i + n]
            end[vd[k:k + n]] = vs[i:i + n] + 1
            i += n
            k += n
            if n == w:
                continue
            if k >= nd:
                break
        if i < ns and a[i] == 63:  # "?": a lost-character run the cleaner cut (any length)
            i += 1
            continue
        if s_text is None or d_text is None:
            s_text = a.tobytes().decode("utf-32-le", "surrogatepass")
            d_text = b.tobytes().decode("utf-32-le", "surrogatepass")
        step = _resync(s_text, d_text, i, k)
        if step is None:
            return None
        di, dk = step
        if dk:
            lo = int(vs[i]) if i < ns else len(src)
            hi = int(vs[i + di - 1]) + 1 if di else lo
            start[vd[k:k + dk]] = lo
            end[vd[k:k + dk]] = max(hi, lo + 1) if lo < len(src) else lo
        i += di
        k += dk
    return Alignment(start, end)


def _resync(s: str, d: str, i: int, k: int) -> tuple[int, int] | None:
    """The smallest (input skipped, output produced) after which the next characters agree again: the
    first ``(di, dk)`` in the order of :func:`_resync_steps` (``total = di + dk`` ascending, then ``dk``)
    for which ``s[i + di:][:n] == d[k + dk:][:n]`` (``n``: the ``_ANCHOR`` characters, fewer at the end of
    ``d``), or the output ends. The anchor depends on ``dk`` alone, so each ``dk`` needs one ``str.find``
    for its smallest ``di`` instead of a slice comparison per step (the same answer as :func:`_resync_steps`)."""
    nd = len(d)
    best: tuple[int, int] | None = None
    for dk in range(min(_RESYNC_DST, nd - k) + 1):
        lo = 1 if dk == 0 else 0  # (0, 0) is no step
        if k + dk == nd:  # the output ends here: the rest of the input was removed
            di: int | None = lo
        else:
            anchor = d[k + dk:k + dk + _ANCHOR]
            at = s.find(anchor, i + lo, i + _RESYNC_SRC + len(anchor))
            di = None if at < 0 else at - i
        if di is not None and (best is None or di + dk < best[0] + best[1]):
            best = (di, dk)
    return best


def _resync_steps(s: str, d: str, i: int, k: int) -> tuple[int, int] | None:
    """:func:`_resync` step by step (the reference its tests compare with)."""
    nd = len(d)
    for total in range(1, _RESYNC_SRC + _RESYNC_DST + 1):
        for dk in range(min(total, _RESYNC_DST) + 1):
            di = total - dk
            if di > _RESYNC_SRC or k + dk > nd:
                continue
            n = min(_ANCHOR, nd - (k + dk))
            if n == 0:
                return di, dk  # the output ends here: the rest of the input was removed
            if s[i + di:i + di + n] == d[k + dk:k + dk + n]:
                return di, dk
    return None


def remove_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` without the characters the spans cover (overlaps allowed)."""
    keep = np.ones(len(text), dtype=bool)
    for s, e in spans:
        keep[max(0, s):max(0, e)] = False
    cps = _codepoints(text)
    return cps[keep].tobytes().decode("utf-32-le", "surrogatepass")
