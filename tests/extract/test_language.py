from __future__ import annotations

from functools import cache
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from newsetl.extract.language import detect_language, normalize_language


def test_detect() -> None:
    assert detect_language("Russia and Pakistan agreed on Wednesday to expand cooperation in energy.") == "en"
    assert detect_language("وزیر خارجہ نے کہا کہ پاکستان روس کے ساتھ تعلقات کو مضبوط بنانا چاہتا ہے") == "ur"
    assert detect_language("Министр иностранных дел России прибыл в Исламабад для переговоров") == "ru"


def test_short_text_is_undetermined() -> None:
    assert detect_language("Hello there") == "und"
    assert detect_language("") == "und"


def test_normalize_language() -> None:
    assert normalize_language("en-US") == "en"
    assert normalize_language("EN_gb") == "en"
    assert normalize_language("urd") == "ur"
    assert normalize_language("english") is None
    assert normalize_language(None) is None


def test_allowed_languages_come_from_the_detector() -> None:
    from newsetl.extract.langid_codes import DETECTOR_CODES
    from newsetl.extract.language import allowed_languages, detector_codes

    # the generated set is what the model holds (regenerate with `python -m newsetl.extract.language`)
    assert set(detector_codes()) == DETECTOR_CODES
    assert allowed_languages() >= DETECTOR_CODES and "und" in allowed_languages()


def test_every_detected_code_passes_the_language_expectation() -> None:
    from newsetl.extract.language import detector_codes
    from newsetl.validate.suites import LANGUAGES

    assert set(detector_codes()) <= set(LANGUAGES)
    assert LANGUAGES[-1] == "und" and len(set(LANGUAGES)) == len(LANGUAGES)


def test_stated_codes_outside_the_allowed_set_are_undetermined() -> None:
    assert normalize_language("xx") is None
    assert normalize_language("und") is None
    assert normalize_language("ur-PK") == "ur"


def test_a_code_the_detector_gains_is_valid(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A code py3langid can return ("sh", say, after an upgrade) passes the language expectation: the
    allowed set is derived from the detector, not listed by hand."""
    import datetime as dt

    from newsetl.extract import language
    from newsetl.validate import build_suites, validate_table
    from tests.validate.helpers import article, articles

    table = articles([article(0, language="sh")])
    rejected = validate_table("articles", table, build_suites([]), today=dt.date(2025, 1, 1)).rejected
    assert [(r.reason, r.detail) for r in rejected] == [
        ("expect_column_values_to_be_in_set", "column=language value=sh: language is ISO 639-1 or 'und'")]
    monkeypatch.setattr(language, "DETECTOR_CODES", language.DETECTOR_CODES | {"sh"})
    assert validate_table("articles", table, build_suites([]), today=dt.date(2025, 1, 1)).rejected == []


@cache
def _library_identifier() -> Any:
    """py3langid's own classifier, set up as newsetl's (languages, float32 table)."""
    import numpy as np
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    from newsetl.extract import language

    lib = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    lib.set_languages(sorted({c for c in lib.nb_classes if len(c) == 2 and c not in language._EXCLUDED}))
    lib.nb_ptc = np.ascontiguousarray(lib.nb_ptc, dtype=np.float32)
    return lib


def test_the_model_automaton_is_aho_corasick_of_the_stated_depth() -> None:
    """What the numpy feature walk relies on: py3langid's automaton is the Aho-Corasick automaton of the
    trie of its breadth-first tree (every transition is the one the textbook construction gives), the
    trie is AC_DEPTH deep, and the model is the one whose checksum enables the walk."""
    import numpy as np

    from newsetl.extract import language

    ident = language._get()
    assert ident._np_next is not None and language._model_crc(ident) == language.AC_MODEL_CRC
    nm = np.frombuffer(ident.tk_nextmove, dtype=np.uint32)
    rowbase = np.asarray(ident.tk_row, dtype=np.int64) << 8
    n = len(rowbase)
    byte = np.arange(256)
    depth = np.full(n, -1)
    parent = np.full(n, -1)
    label = np.full(n, -1)
    depth[0] = 0
    frontier, order, d = np.array([0]), [0], 0
    while len(frontier):
        d += 1
        nxt = nm[(rowbase[frontier][:, None] + byte).ravel()].astype(np.int64)
        src, lab = np.repeat(frontier, 256), np.tile(byte, len(frontier))
        new = depth[nxt] < 0
        states, first = np.unique(nxt[new], return_index=True)
        depth[states], parent[states], label[states] = d, src[new][first], lab[new][first]
        frontier = states
        order.extend(states.tolist())
    assert len(order) == n and int(depth.max()) == language.AC_DEPTH
    children: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for t in order[1:]:
        children[parent[t]].append((int(label[t]), t))
    fail = np.zeros(n, dtype=np.int64)
    goto = np.zeros((n, 256), dtype=np.int64)
    for s in order:
        row = goto[fail[s]].copy() if s else np.zeros(256, dtype=np.int64)
        for b, t in children[s]:
            fail[t] = goto[fail[s], b] if s else 0
            row[b] = t
        goto[s] = row
        assert np.array_equal(row, nm[rowbase[s]:rowbase[s] + 256]), s


_SAMPLES = st.lists(st.sampled_from(["the ", "Министр ", "وزیر خارجہ ", "ہے", "e\u0301", "Ω", "😀", "  ", "\n", "ABC ",
                                     "1998 ", "-", "اسلام آباد", "Исламабад", "x"]) | st.text(max_size=4),
                    max_size=120).map("".join)  # fmt: skip


@cache
def _scratch() -> Any:
    from newsetl.extract import language

    return language.FeatureScratch(len(language._get().nb_ptc))


@settings(max_examples=300, deadline=None)
@given(_SAMPLES)
def test_numpy_feature_walk_is_the_librarys(text: str) -> None:
    from collections import Counter

    from py3langid.langid import visit_counts

    from newsetl.extract import language

    ident = language._get()
    data = text.encode("utf-8", "surrogatepass")
    want = visit_counts(ident.tk_nextmove, ident._rowbase, ident.tk_output, data) or Counter()
    got = language.feature_counts(ident._np_next, ident._np_rowbase, ident._np_out, data)
    assert (list(zip(*got, strict=True)) if got else []) == list(want.items())
    # as classify calls it: the identifier's start pairs and one scratch reused across samples
    got = language.feature_counts(ident._np_next, ident._np_rowbase, ident._np_out, data, ident._np_start2, _scratch())
    assert (list(zip(*got, strict=True)) if got else []) == list(want.items())
    assert not _scratch().count.any() and (_scratch().first == language._NEVER).all()  # back at rest
    lib = _library_identifier()
    for sample in (text, text * 8):  # * 8: past AC_MIN_BYTES, where classify walks in numpy
        assert ident.classify(sample) == lib.classify(sample)
        assert ident._decide(sample).tobytes() == lib._decide(sample).tobytes()


def test_a_repeated_sample_is_classified_once(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from newsetl.extract import language

    text = "Министр иностранных дел России прибыл в Исламабад для переговоров о торговле и энергетике. " * 3
    want = language.detect_language(text)
    language._sample_language.cache_clear()
    calls = []
    real = language._get()
    monkeypatch.setattr(language, "_get", lambda: calls.append(1) or real)
    assert want == "ru" and [language.detect_language(text) for _ in range(3)] == ["ru"] * 3
    assert len(calls) == 1
    language._sample_language.cache_clear()


def test_threads_classify_as_one_thread_does() -> None:
    """Each thread counts features in its own FeatureScratch: concurrent samples do not mix."""
    from concurrent.futures import ThreadPoolExecutor

    from newsetl.extract import language

    ident = language._get()
    texts = [("Министр иностранных дел России прибыл в Исламабад " * 12)[i:] for i in range(40)]
    texts += [("وزیر خارجہ نے کہا کہ پاکستان روس کے ساتھ تعلقات " * 12)[i:] for i in range(40)]
    want = [ident._decide(t).tobytes() for t in texts]
    with ThreadPoolExecutor(4) as pool:
        for _ in range(5):
            assert list(pool.map(lambda t: ident._decide(t).tobytes(), texts)) == want
