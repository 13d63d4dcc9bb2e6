"""Language identification with py3langid (its model ships in the wheel; nothing is downloaded).

The classifier is restricted to ISO 639-1 languages (two-letter codes): py3langid's extra three-letter
varieties (``arz``, ``yue``, ``zxx`` ...) and dead/constructed languages (Latin, Esperanto, Sanskrit)
only produce false positives on news text. Short or low-confidence text is ``"und"``.

Speed: the classifier only ever sees the first ``SAMPLE_CHARS`` characters, and plainly English text
(almost every article of these corpora) does not reach it at all: a sample that is nearly all ASCII, at
least ``FAST_MIN_WORDS`` words long, with at least ``FAST_MIN_HITS`` and ``FAST_MIN_SHARE`` of its words
English function words ("the", "which", "were" ...) is ``"en"``. The thresholds were set on 27,700 texts
(generated corpus, BBC, the Pakistani news pages and the readability test pages, whole bodies and single
paragraphs): every text the fast path accepts, py3langid also classifies as ``en`` (with confidence), and
the most English-looking text py3langid does *not* call ``en`` has 6 such words (a list of names), half
the threshold. The model is loaded once per process, lazily, and its feature table is converted once to a
C-ordered float32 array (the same numbers; the scores are bit-identical, the row gather is faster); the
feature walk over the sample's bytes runs in numpy (see ``AC_DEPTH``: the same counts, in the same order).
"""

from __future__ import annotations

import functools
import re
import threading
from typing import Any

from newsetl.extract.langid_codes import DETECTOR_CODES

MIN_WORDS = 5
MIN_CONFIDENCE = 0.3
SAMPLE_CHARS = 600  # ~100 words: enough for news text; py3langid cost grows with length
_EXCLUDED = frozenset({"la", "eo", "sa", "zxx"})
_lock = threading.Lock()
_identifier: Any = None

# English-only fast path (see the module docstring). Function words that are not words of the other
# Latin-script languages py3langid knows (no "in", "is", "a", "die", "van", "of" is kept out too).
FAST_MIN_WORDS = 40
FAST_MIN_HITS = 12
FAST_MIN_SHARE = 0.15
FAST_MAX_NON_ASCII = 0.04  # extra UTF-8 bytes per character (curly quotes and dashes are fine)
_EN_FUNCTION_WORDS = frozenset(
    ["the", "and", "that", "with", "for", "was", "were", "which", "from", "have", "has", "been", "this", "their", "would", "said", "they", "will", "are", "but", "not", "had", "who", "there", "its", "also", "after", "when", "than", "them", "could", "about", "into", "more", "other", "what", "over", "these", "those", "should", "because", "while", "where", "only", "such", "being"]
)
_ASCII_WORD = re.compile(r"[a-z]+")


# The feature walk (py3langid's ``visit_counts``: a byte-by-byte Python loop through its n-gram
# automaton, most of the classifier's time) runs in numpy: the automaton is the Aho-Corasick automaton of
# its n-gram trie (verified for this model by tests/extract/test_language.py), so the state after each
# byte is the state reached from the start by the last AC_DEPTH bytes alone, computed for every position
# at once in AC_DEPTH vectorised steps. The features are counted in the order the loop finds them, so the
# scores are bit-identical. Only for the model verified (``AC_MODEL_CRC``) and texts of AC_MIN_BYTES or
# more; any other model or a shorter text walks the library's loop.
AC_DEPTH = 6  # the deepest state of the automaton (its longest n-gram, in bytes)
AC_MODEL_CRC = 608781725  # zlib.crc32 of the automaton's tables (see _model_crc)
AC_MIN_BYTES = 384  # shorter texts: the library's loop is faster than numpy's per-call overhead (measured)


def _model_crc(ident: Any) -> int:
    import zlib

    import numpy as np

    crc = zlib.crc32(ident.tk_nextmove)
    crc = zlib.crc32(ident.tk_row, crc)
    return zlib.crc32(np.asarray(ident.tk_output, dtype=np.int64).tobytes(), crc)


def _identifier_class() -> Any:
    import numpy as np
    from py3langid.langid import LanguageIdentifier

    class Identifier(LanguageIdentifier):  # type: ignore[misc]
        """py3langid's classifier with the feature walk in numpy (see AC_DEPTH); the rest is the library's."""

        __slots__ = ("_np_next", "_np_out", "_np_rowbase", "_np_scratch", "_np_start2")

        def use_numpy_walk(self) -> bool:
            """Prepare the numpy walk; False (the library's loop throughout) for a model not verified."""
            self._np_next = None
            if self.tk_nextmove.itemsize != 4 or _model_crc(self) != AC_MODEL_CRC:
                return False
            self._np_next = np.frombuffer(self.tk_nextmove, dtype=np.uint32)
            self._np_rowbase = np.asarray(self.tk_row, dtype=np.int64) << 8
            self._np_out = np.asarray(self.tk_output, dtype=np.int64)
            self._np_start2 = start_pairs(self._np_next, self._np_rowbase)
            self._np_scratch = threading.local()  # one FeatureScratch per thread (see feature_counts)
            return True

        def _raw_score(self, text: bytes) -> Any:
            if self._np_next is None or len(text) < AC_MIN_BYTES:
                return super()._raw_score(text)
            scratch = getattr(self._np_scratch, "arrays", None)
            if scratch is None:
                scratch = self._np_scratch.arrays = FeatureScratch(len(self.nb_ptc))
            got = feature_counts(self._np_next, self._np_rowbase, self._np_out, text, self._np_start2, scratch)
            if got is None:
                return super()._raw_score(text)  # no feature: the library's fill
            idx, counts = got  # the library's _sparse_score, from arrays instead of a Counter; np.take
            # gathers the same rows as ``nb_ptc[idx]`` (same array, C order) in ~60% of its time (measured)
            return np.log1p(counts.astype(np.float32)) @ np.take(self.nb_ptc, idx, axis=0) + self.nb_pc

    return Identifier


_NEVER = 1 << 62  # FeatureScratch.first of a feature not seen (larger than any position)


class FeatureScratch:
    """Work arrays of :func:`feature_counts`, one slot per feature: all 0 (``count``) and all ``_NEVER``
    (``first``) between calls. Kept per thread: filling 2 x 0.8 MB per sample would cost more than the
    count itself, and only the slots of the sample's features are touched and reset."""

    def __init__(self, n_features: int) -> None:
        import numpy as np

        self.count = np.zeros(n_features, dtype=np.intp)
        self.first = np.full(n_features, _NEVER, dtype=np.intp)


def start_pairs(nextmove: Any, rowbase: Any) -> Any:
    """The automaton's state after two bytes x, y read from the start, at ``x * 256 + y`` (64 Ki states)."""
    import numpy as np

    start1 = nextmove[rowbase[0] + np.arange(256)].astype(np.int64)
    return nextmove[(rowbase[start1][:, None] + np.arange(256)).ravel()].astype(np.int64)


def feature_counts(nextmove: Any, rowbase: Any, output: Any, text: bytes, start2: Any = None,
                   scratch: FeatureScratch | None = None) -> tuple[Any, Any] | None:  # fmt: skip
    """What ``py3langid.langid.visit_counts(...)`` counts, for an Aho-Corasick automaton of depth at most
    AC_DEPTH: (features, counts) in the order each feature first occurs (the library's Counter order),
    None when there is none. ``start2``: :func:`start_pairs` of the automaton; ``scratch``: a
    :class:`FeatureScratch` no other thread uses (both built here when not given: slower, same result)."""
    import numpy as np

    b = np.frombuffer(text, dtype=np.uint8).astype(np.int64)
    n = len(b)
    if not n:
        return None
    state = np.zeros(n, dtype=np.int64)
    top = n - 1  # position i reads byte i - j for j = min(i, AC_DEPTH-1) .. 0, from the start state
    if n >= AC_DEPTH:  # the first two of those steps in one lookup: both start from the start state
        if start2 is None:
            start2 = start_pairs(nextmove, rowbase)
        state[AC_DEPTH - 1:] = start2.take((b[:n - AC_DEPTH + 1] << 8) | b[1:n - AC_DEPTH + 2])
        state[AC_DEPTH - 2] = nextmove[rowbase[0] + b[0]]  # this position's first step (j = AC_DEPTH-2)
        top = AC_DEPTH - 3
    for j in range(min(top, n - 1), -1, -1):
        idx = rowbase.take(state[j:])
        idx += b[:n - j]
        state[j:] = nextmove.take(idx)
    feats = output.take(state)
    feats = feats[feats >= 0]
    if not len(feats):
        return None
    if scratch is None:
        scratch = FeatureScratch(int(output.max()) + 1)
    pos = np.arange(len(feats))
    try:  # counts and first positions per feature (ufunc.at: unbuffered, every repeat counted)
        np.add.at(scratch.count, feats, 1)
        np.minimum.at(scratch.first, feats, pos)
        found = feats[scratch.first.take(feats) == pos]  # each feature at its first position, in text order
        return found, scratch.count.take(found)
    finally:  # the slots touched back to their rest values, whatever happened
        scratch.count[feats] = 0
        scratch.first[feats] = _NEVER


def _get() -> Any:
    global _identifier
    if _identifier is None:
        with _lock:
            if _identifier is None:
                import numpy as np

                ptc, pc, classes, nextmove, row, output = model_tables()
                ident = _identifier_class()(np.asarray(ptc), np.asarray(pc), classes, nextmove, output,
                                            norm_probs=True, tk_row=row)  # as from_model_file builds it
                ident.use_numpy_walk()
                langs = sorted({c for c in ident.nb_classes if len(c) == 2 and c not in _EXCLUDED})
                ident.set_languages(langs)
                # the column selection leaves a Fortran-ordered float16 copy: gathering ~300 feature rows
                # per text from it dominated classify(); same values as float32, C order
                ident.nb_ptc = np.ascontiguousarray(ident.nb_ptc, dtype=np.float32)
                _identifier = ident
    return _identifier


def model_tables() -> tuple[Any, ...]:
    """py3langid's model tables, as ``py3langid.langid._load_model_file`` returns them (the arrays
    ``from_model_file`` builds its identifier from).

    The wheel ships them xz-compressed: unpacking takes ~0.4 s of the ~0.8 s the model costs each process
    that starts a run (measured), before ``newsetl run`` can fork its workers. So they are kept unpacked,
    the same values, in the user's cache directory (``newsetl.cachedir``), keyed by the model file's
    content (4.5 MB, hashed in ~1 ms), so a reinstall of the same py3langid reuses the file; writing one
    removes the files of other models (each is 69 MB: keyed by the file's modification time, every reinstall
    used to leave one more). A missing or unreadable cache file is ignored (the model is unpacked and the
    file written again), an unwritable directory is not an error."""
    import array
    import contextlib

    import numpy as np
    import xxhash
    from py3langid.langid import MODEL_DIR, MODEL_FILE, _load_model_file

    from newsetl.cachedir import cache_dir, write_atomically

    source = MODEL_DIR / MODEL_FILE
    path = None
    try:
        key = xxhash.xxh3_128_hexdigest(source.read_bytes())
        path = cache_dir() / f"langid-model-{key[:20]}.npz"
        with np.load(path, allow_pickle=False) as z:
            codes = str(z["typecodes"])
            return (z["ptc"], z["pc"], [str(c) for c in z["classes"]], array.array(codes[0], z["nextmove"].tobytes()),
                    array.array(codes[1], z["row"].tobytes()), z["output"].tolist())
    except Exception:  # no file, a partial or foreign one (BadZipFile, EOFError, KeyError...): unpack again
        pass
    ptc, pc, classes, nextmove, row, output = tables = _load_model_file(source)
    if path is not None and write_atomically(path, lambda fh: np.savez(
            fh, ptc=ptc, pc=pc, classes=np.array(classes), typecodes=np.array(nextmove.typecode + row.typecode),
            nextmove=np.frombuffer(nextmove, dtype=nextmove.typecode), row=np.frombuffer(row, dtype=row.typecode),
            output=np.array(output, dtype=np.int64))):
        for stale in path.parent.glob("langid-model-*.npz"):
            if stale != path:
                with contextlib.suppress(OSError):  # another user's file, say: left, never an error
                    stale.unlink()
    return tables


#: ISO 639-1: the codes a page or record may state for its language.
ISO_639_1 = (
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az", "ba", "be", "bg", "bh", "bi",
    "bm", "bn", "bo", "br", "bs", "ca", "ce", "ch", "co", "cr", "cs", "cu", "cv", "cy", "da", "de", "dv",
    "dz", "ee", "el", "en", "eo", "es", "et", "eu", "fa", "ff", "fi", "fj", "fo", "fr", "fy", "ga", "gd",
    "gl", "gn", "gu", "gv", "ha", "he", "hi", "ho", "hr", "ht", "hu", "hy", "hz", "ia", "id", "ie", "ig",
    "ii", "ik", "io", "is", "it", "iu", "ja", "jv", "ka", "kg", "ki", "kj", "kk", "kl", "km", "kn", "ko",
    "kr", "ks", "ku", "kv", "kw", "ky", "la", "lb", "lg", "li", "ln", "lo", "lt", "lu", "lv", "mg", "mh",
    "mi", "mk", "ml", "mn", "mr", "ms", "mt", "my", "na", "nb", "nd", "ne", "ng", "nl", "nn", "no", "nr",
    "nv", "ny", "oc", "oj", "om", "or", "os", "pa", "pi", "pl", "ps", "pt", "qu", "rm", "rn", "ro", "ru",
    "rw", "sa", "sc", "sd", "se", "sg", "si", "sk", "sl", "sm", "sn", "so", "sq", "sr", "ss", "st", "su",
    "sv", "sw", "ta", "te", "tg", "th", "ti", "tk", "tl", "tn", "to", "tr", "ts", "tt", "tw", "ty", "ug",
    "uk", "ur", "uz", "ve", "vi", "vo", "wa", "wo", "xh", "yi", "yo", "za", "zh", "zu",
)


def allowed_languages() -> frozenset[str]:
    """Every value ``articles.language`` may hold: ISO 639-1, each code the detector can return
    (:data:`~newsetl.extract.langid_codes.DETECTOR_CODES`, derived from the model), and 'und'."""
    return frozenset(ISO_639_1) | DETECTOR_CODES | {"und"}


def language_values() -> tuple[str, ...]:
    """:func:`allowed_languages` in a stable order (the codes sorted, 'und' last) for the GX suite."""
    return (*sorted(allowed_languages() - {"und"}), "und")


def detector_codes() -> list[str]:
    """The codes the loaded classifier can return (reads the model: 1.3 s): what ``langid_codes`` holds."""
    return sorted({str(c) for c in _get().nb_classes})


def normalize_language(code: str | None) -> str | None:
    """``"en-US"``, ``"EN_gb"``, ``"eng"`` -> ``"en"``; None for anything that is not a language code
    newsetl can store (see :func:`allowed_languages`: a page saying ``lang="xx"`` is undetermined)."""
    if not code:
        return None
    c = code.strip().lower().replace("_", "-").split("-")[0]
    three = {"eng": "en", "urd": "ur", "rus": "ru", "ara": "ar", "fas": "fa", "per": "fa", "hin": "hi",
             "zho": "zh", "chi": "zh", "fra": "fr", "fre": "fr", "deu": "de", "ger": "de", "spa": "es"}  # fmt: skip
    c = three.get(c, c)
    return c if c != "und" and c in allowed_languages() else None


def write_detector_codes(path: str | None = None) -> str:
    """Regenerate ``newsetl/extract/langid_codes.py`` from the model (after a py3langid upgrade)."""
    from pathlib import Path

    target = Path(path) if path else Path(__file__).with_name("langid_codes.py")
    head = target.read_text(encoding="utf-8").split("DETECTOR_CODES", 1)[0]
    rows, row = [], "   "
    for c in detector_codes():
        item = f' "{c}",'
        if len(row) + len(item) > 110:
            rows.append(row)
            row = "   "
        row += item
    rows.append(row)
    target.write_text(head + "DETECTOR_CODES = frozenset({\n" + "\n".join(rows) + "\n})  # fmt: skip\n", encoding="utf-8")
    return str(target)


if __name__ == "__main__":
    print(write_detector_codes())


def plainly_english(sample: str) -> bool:
    """True when ``sample`` is long, (nearly) ASCII text whose function words are clearly English."""
    n_chars = len(sample)
    if not sample.isascii() and len(sample.encode("utf-8", "surrogatepass")) - n_chars > FAST_MAX_NON_ASCII * n_chars:
        return False
    words = _ASCII_WORD.findall(sample.lower())
    if len(words) < FAST_MIN_WORDS:
        return False
    hits = sum(map(_EN_FUNCTION_WORDS.__contains__, words))
    return hits >= FAST_MIN_HITS and hits >= FAST_MIN_SHARE * len(words)


def detect_language(text: str, *, min_words: int = MIN_WORDS) -> str:
    """ISO 639-1 code of ``text``'s language, or ``"und"`` when it has fewer than ``min_words`` words or
    the classifier is not confident."""
    sample = text[:SAMPLE_CHARS]
    if len(sample.split(None, min_words)) < min_words:
        return "und"
    return _sample_language(sample)


@functools.lru_cache(maxsize=4096)
def _sample_language(sample: str) -> str:
    """The language of a sample of enough words: a function of the sample alone (the model is fixed per
    process), so a sample seen before (~8% of real records repeat another's body) is not classified again."""
    if plainly_english(sample):
        return "en"
    lang, prob = _get().classify(sample)
    if prob < MIN_CONFIDENCE:
        return "und"
    return str(lang)
