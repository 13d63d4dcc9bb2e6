"""The compiled signatures (``newsetl.dedup.jit``) equal the numpy batch code value for value: the numpy
functions are the reference, and signatures stored by earlier runs must stay comparable with new ones."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from newsetl.dedup import jit
from newsetl.dedup import minhash as mh
from newsetl.dedup.text import normalize_bytes
from newsetl.settings import DedupConfig

_WORDS = st.sampled_from(["a", "b", "1", "9z", "жд", "Россия", "پاکستان", "۲۰۲۴", "x" * 70, "y" * 300, "q7" * 140,
                          "the", "The", "THE", "co-operation", "$5", "ß", "ﬁ", "\u200b", "🙂"])


@st.composite
def _batch(draw: st.DrawFn) -> list[str]:
    out = []
    for _ in range(draw(st.integers(0, 8))):
        if draw(st.booleans()):
            out.append(draw(st.text(max_size=80)))
            continue
        words = draw(st.lists(_WORDS, max_size=60))
        gap = draw(st.sampled_from([" ", "  ", ", ", " — ", "\n\n"]))
        out.append(draw(st.sampled_from(["", " ", " ,"])) + gap.join(words) + draw(st.sampled_from(["", " ", "."])))
    return out


def _numpy(bodies: list[str], cfg: DedupConfig) -> tuple[np.ndarray, np.ndarray]:
    return mh.compute_signatures_numpy(bodies, cfg)


@settings(max_examples=200, deadline=None)
@given(_batch(), st.integers(1, 12), st.sampled_from([16, 128]))
def test_kernel_equals_the_numpy_signatures(bodies: list[str], k: int, num_perm: int) -> None:
    cfg = DedupConfig(num_perm=num_perm, bands=num_perm // 4, shingle_size=k)
    sig, n_sh = mh.compute_signatures(bodies, cfg)
    want_sig, want_n = _numpy(bodies, cfg)
    assert sig.dtype == np.uint32 and n_sh.dtype == np.int32
    assert sig.shape == (len(bodies), num_perm)
    assert np.array_equal(sig, want_sig)
    assert np.array_equal(n_sh, want_n)


def test_kernel_on_long_repetitive_and_empty_documents() -> None:
    cfg = DedupConfig()
    rng = np.random.default_rng(7)
    vocab = [f"w{i}" for i in range(300)] + ["Исламабад", "Москва", "2024"]
    bodies = [
        " ".join(rng.choice(vocab, size=n).tolist()) for n in (1, 4, 5, 6, 50, 5_000, 40_000)
    ] + ["", "   ", "spam " * 2_000, "one two three four five " * 300]
    sig, n_sh = mh.compute_signatures(bodies, cfg)
    want_sig, want_n = _numpy(bodies, cfg)
    assert np.array_equal(sig, want_sig) and np.array_equal(n_sh, want_n)
    assert n_sh[-4:].tolist() == [0, 0, 1, 5]  # empty, blank, one repeated shingle, five distinct ones
    assert sig[-4].tolist() == [0xFFFFFFFF] * cfg.num_perm


def test_normalized_bytes_given_or_computed_give_the_same_signatures() -> None:
    cfg = DedupConfig()
    bodies = ["Pakistan and Russia signed 3 accords.", "Пакистан и Россия подписали соглашение."]
    given_norm = mh.compute_signatures(bodies, cfg, [normalize_bytes(b) for b in bodies])
    computed = mh.compute_signatures(bodies, cfg)
    assert np.array_equal(given_norm[0], computed[0]) and np.array_equal(given_norm[1], computed[1])


def test_warm_compiles_the_kernel_that_compute_signatures_runs() -> None:
    jit.warm()
    assert len(jit._kernel.signatures) == 1  # one specialisation: warm() passes the types the pipeline passes
    mh.compute_signatures(["Pakistan and Russia"], DedupConfig())
    assert len(jit._kernel.signatures) == 1
