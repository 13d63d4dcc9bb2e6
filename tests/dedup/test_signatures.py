from __future__ import annotations

import unicodedata

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from newsetl.dedup import compute_signatures, normalize_text, normalized_text_hash
from newsetl.dedup import minhash as mh
from newsetl.dedup.text import normalize_bytes
from newsetl.settings import DedupConfig

M64 = (1 << 64) - 1


def _fmix(x: int) -> int:
    x ^= x >> 33
    x = (x * 0xFF51AFD7ED558CCD) & M64
    x ^= x >> 33
    x = (x * 0xC4CEB9FE1A85EC53) & M64
    return x ^ (x >> 33)


def slow_signature(body: str, cfg: DedupConfig) -> tuple[list[int], int]:
    """Pure-Python reference: one document, one permutation at a time."""
    toks = normalize_bytes(body).split()
    golden = 0x9E3779B97F4A7C15
    th = []
    for t in toks:
        acc = sum((c + 1) * int(mh._BYTE_POS[p & 63]) for p, c in enumerate(t)) & M64
        th.append(_fmix((acc + len(t) * golden) & M64))
    digit = [any(48 <= c <= 57 for c in t) for t in toks]
    k = cfg.shingle_size
    starts = range(len(toks) - k + 1) if len(toks) >= k else ([0] if toks else [])
    items: set[int] = set()
    for j in starts:
        window = range(j, min(j + k, len(toks)))
        acc = sum(th[i] * int(mh._POS[(i - j) % 12]) for i in window) & M64
        copies = mh.NUMBER_WEIGHT if any(digit[i] for i in window) else 1
        # bit 0 of the hash (and of the permuted value before the minimum) flags a digit
        flag = 1 if copies > 1 or any(digit[i] for i in window) else 0
        for c in range(copies):
            items.add(((_fmix(acc ^ int(mh._SALTS[c])) >> 32) & 0xFFFFFFFE) | flag)
    a, b = mh.permutations(cfg)
    sig = [
        (min(((((int(ai) * x + int(bi)) & M64) & ~(1 << 32)) | ((x & 1) << 32)) for x in items) >> 32)
        if items
        else 0xFFFFFFFF
        for ai, bi in zip(a, b, strict=True)
    ]
    return sig, len(items)


def test_vectorised_signature_equals_slow_reference() -> None:
    cfg = DedupConfig(num_perm=32, bands=8)
    docs = [
        "The KSE-100 index closed at 45,123 points on Monday, up 0.5%, as oil stocks rallied.",
        "Short text",  # fewer tokens than the shingle size: one shingle
        "",
        "Straße ﬁnal “quoted” words — here, and the same words again: straße ﬁnal quoted words here!",
        "Ласкаво просимо: добро пожаловать в Пакистан, министр Лавров прибыл в Исламабад 6 апреля 2021 года.",
    ]
    sig, n_sh = compute_signatures(docs, cfg)
    assert sig.dtype == np.uint32 and sig.shape == (5, 32)
    assert n_sh.dtype == np.int32
    for i, d in enumerate(docs):
        ref, n_ref = slow_signature(d, cfg)
        assert sig[i].tolist() == ref, d
        assert int(n_sh[i]) == n_ref
    assert n_sh[2] == 0 and (sig[2] == 0xFFFFFFFF).all()
    assert n_sh[1] == 1


def test_signature_independent_of_batch_composition() -> None:
    cfg = DedupConfig()
    docs = [f"document number {i} " + "word " * i + "tail text here" for i in range(40)]
    full, _ = compute_signatures(docs, cfg)
    alone, _ = compute_signatures(docs[7:8], cfg)
    assert (full[7] == alone[0]).all()


def test_digits_not_folded() -> None:
    a = normalized_text_hash("Market close", "The index closed at 45,123 points, up 120 points.")
    b = normalized_text_hash("Market close", "The index closed at 45,124 points, up 121 points.")
    assert a != b


def test_exact_key_folds_case_punctuation_space_and_nfkc() -> None:
    a = normalized_text_hash("Lavrov in Islamabad", "Russia’s FM arrived — talks   today.\n\nMore to come")
    b = normalized_text_hash("LAVROV IN ISLAMABAD!", "russia's fm arrived - talks today. More to come...")
    c = normalized_text_hash("Lavrov in Islamabad", unicodedata.normalize("NFKD", "Russia’s FM arrived, talks today; more to come"))
    assert a == b == c
    assert normalized_text_hash(None, "x") != normalized_text_hash("x", "")


def test_normal_form() -> None:
    assert normalize_text("Hello,  WORLD! ﬁne snake_case 1,307\u00a0x") == "hello world fine snake case 1 307 x"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_normal_form_is_idempotent_and_token_separated(s: str) -> None:
    n = normalize_text(s)
    assert normalize_text(n) == n
    assert "  " not in n and n == n.strip()


def _normal_tokens_by_definition(text: str) -> list[bytes]:
    """The normal form's tokens by its definition: NFKC, casefold, non-ASCII non-word runs and ASCII
    non-alphanumerics to spaces (``normalize_bytes`` takes a code point table for the BMP)."""
    from newsetl.dedup.text import _ASCII_FOLD, _NON_ASCII_FOLD

    folded = _NON_ASCII_FOLD.sub(" ", unicodedata.normalize("NFKC", text).casefold())
    return folded.encode("utf-8").translate(_ASCII_FOLD).split()


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200)
       | st.text(alphabet=st.sampled_from("Ab1 ,.-—«»…ёЁпРИ\u00a0\u200bپاکستانی۲\u064b\U0001f600ß\ufb01İ"), max_size=60))
def test_normal_tokens_equal_the_definition(s: str) -> None:
    assert normalize_bytes(s).split() == _normal_tokens_by_definition(s)


def test_fold_table_equals_the_regex_on_every_bmp_character() -> None:
    from newsetl.dedup.text import _NON_ASCII_FOLD, _fold_table

    table = _fold_table()
    for cp in (*range(0x80, 0xD800), *range(0xE000, 0x10000)):
        assert table[cp] == (32 if _NON_ASCII_FOLD.fullmatch(chr(cp)) else cp), hex(cp)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("ab c1 2д ж9پ ,x"), max_size=80), min_size=1, max_size=6))
def test_signatures_equal_the_slow_reference_for_any_batch(docs: list[str]) -> None:
    cfg = DedupConfig(num_perm=16, bands=4)
    sig, n_sh = compute_signatures(docs, cfg)
    for i, d in enumerate(docs):
        ref, n_ref = slow_signature(d, cfg)
        assert sig[i].tolist() == ref, d
        assert int(n_sh[i]) == n_ref


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab1 ,\t\n.ЖжپX\u00a0\u2003-"), max_size=300))
def test_exact_key_equals_its_definition(s: str) -> None:
    import xxhash

    from newsetl.dedup.text import _collapse

    norm = normalize_bytes(s)
    assert _collapse(norm) == b" ".join(norm.split())
    title = s[:20]
    want = xxhash.xxh3_128_hexdigest(b" ".join(normalize_bytes(title).split()) + b"\n" + b" ".join(norm.split()))
    assert normalized_text_hash(title, s) == want
    assert normalized_text_hash(title, s, norm) == want
