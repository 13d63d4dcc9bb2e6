"""The batch fast paths of the fingerprints equal their plain definitions (issue 17): the casefold folded
into the NFKC code point table, token hashes over whole segments (no compaction to the word bytes),
shingles from unmasked slices with short documents apart, any slicing of the batch."""

from __future__ import annotations

import unicodedata

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from newsetl.dedup import compute_signatures, fingerprints, normalized_text_hash
from newsetl.dedup import minhash as mh
from newsetl.dedup.text import _NOT_ONE_CHAR, _casefold_table, _fold_table, normalize_bytes
from newsetl.settings import DedupConfig
from tests.dedup.test_signatures import slow_signature


def _normalize_bytes_by_steps(text: str) -> bytes:
    """``normalize_bytes`` as it was: NFKC, then ``str.casefold``, then the fold table (BMP text)."""
    if not text:
        return b""
    if text.isascii():
        return normalize_bytes(text)
    folded = unicodedata.normalize("NFKC", text).casefold()
    cps = np.frombuffer(folded.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    assert cps.max() < 0x10000
    return _fold_table()[cps].tobytes().decode("utf-32-le", "surrogatepass").encode("utf-8")


def test_casefold_table_is_the_fold_of_each_casefold() -> None:
    table, fold = _casefold_table(), _fold_table()
    for cp in range(0x10000):
        f = chr(cp).casefold()
        want = fold[ord(f)] if len(f) == 1 and ord(f) < 0x10000 else _NOT_ONE_CHAR
        assert table[cp] == want, hex(cp)
    assert table[ord("ß")] == _NOT_ONE_CHAR and table[ord("İ")] == _NOT_ONE_CHAR
    assert table[ord("Ж")] == ord("ж") and table[ord("A")] == ord("a") and table[ord("—")] == 32


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0xFFFF, exclude_categories=["Cs"]), max_size=120)
       | st.text(alphabet=st.sampled_from("Ab1 ,.-—«»ёЁпРИ\u00a0\u200bپاکستانی۲\u064bßẞ\ufb01İΣς\u0345ǅ"), max_size=60))
def test_normalize_bytes_equals_the_steps_byte_for_byte(s: str) -> None:
    if max(map(ord, unicodedata.normalize("NFKC", s).casefold()), default=0) < 0x10000:  # (astral: unchanged path)
        assert normalize_bytes(s) == _normalize_bytes_by_steps(s)


def test_normalize_bytes_known_cases() -> None:
    assert normalize_bytes("Straße — ЁЛКА") == "strasse   ёлка".encode()  # sharp s: the casefold path
    assert normalize_bytes("İstanbul") == b"i stanbul"  # casefold: i + a combining dot, which is no letter
    assert normalize_bytes("Пак\u00a0Россия, ﬁne") == "пак россия  fine".encode()


_TOKENS = st.sampled_from(["a", "b", "1", "9z", "жд", "پاک", "x" * 70, "y" * 300, "q7" * 140])


@st.composite
def _bodies(draw: st.DrawFn) -> list[str]:
    out = []
    for _ in range(draw(st.integers(1, 6))):
        words = draw(st.lists(_TOKENS, max_size=12))
        lead, gap = draw(st.sampled_from(["", " ", "  , "])), draw(st.sampled_from([" ", ", ", " — "]))
        out.append(lead + gap.join(words) + draw(st.sampled_from(["", " ", "!"])))
    return out


@settings(max_examples=120, deadline=None)
@given(_bodies(), st.integers(1, 7))
def test_signatures_equal_the_slow_reference_with_long_tokens_and_any_shingle_size(bodies: list[str], k: int) -> None:
    cfg = DedupConfig(num_perm=16, bands=4, shingle_size=k)
    sig, n_sh = compute_signatures(bodies, cfg)
    for i, d in enumerate(bodies):
        ref, n_ref = slow_signature(d, cfg)
        assert sig[i].tolist() == ref, (d, k)
        assert int(n_sh[i]) == n_ref


@settings(max_examples=60, deadline=None)
@given(_bodies(), st.integers(1, 400))
def test_any_slicing_of_the_batch_gives_the_same_fingerprints(bodies: list[str], chunk: int) -> None:
    cfg = DedupConfig(num_perm=16, bands=4)
    whole = mh.compute_signatures_numpy(bodies, cfg)
    old = mh._CHUNK_CHARS
    try:
        mh._CHUNK_CHARS = chunk
        sliced = mh.compute_signatures_numpy(bodies, cfg)
    finally:
        mh._CHUNK_CHARS = old
    assert np.array_equal(whole[0], sliced[0]) and np.array_equal(whole[1], sliced[1])


def test_fingerprints_are_the_hash_and_the_signatures() -> None:
    cfg = DedupConfig()
    titles = ["A title", None, "", "Заголовок"]
    bodies = ["The KSE-100 index closed at 45,123 points.", "short", "", "Министр Лавров прибыл в Исламабад 6 апреля."]
    hashes, sig, n_sh = fingerprints(titles, bodies, cfg)
    assert hashes == [normalized_text_hash(t, b) for t, b in zip(titles, bodies, strict=True)]
    want_sig, want_n = compute_signatures(bodies, cfg)
    assert np.array_equal(sig, want_sig) and np.array_equal(n_sh, want_n)


def test_token_arrays_of_leading_spaces_and_empty_documents() -> None:
    th, digit, offsets = mh._token_arrays([], [b"   a 1", b"", b"  ", b"bb"])
    assert offsets.tolist() == [0, 2, 2, 2, 3]
    assert digit.tolist() == [False, True, False]
    one = mh._token_arrays([], [b"a"])[0]
    assert th[0] == one[0] and th[2] == mh._token_arrays([], [b"bb"])[0][0]
