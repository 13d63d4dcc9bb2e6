"""Russian and Urdu as first-class languages: inflected forms, script and spelling variants, offsets."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsetl.enrich._morph import russian_forms, term_variants, urdu_forms
from newsetl.enrich._phrases import PhraseIndex, fold, make_pattern, original_offset, strip_invisible
from newsetl.enrich.sectors import SectorMatcher, compose_text
from newsetl.enrich.taxonomy import parse_taxonomy


@pytest.fixture(scope="module")
def m() -> SectorMatcher:
    tax = parse_taxonomy(
        {
            "sectors": [
                {"id": "trade", "label": "Trade", "terms": {"пошлина": 1.0, "برآمدات": 1.0}},
                {"id": "finance", "label": "Finance", "terms": {"центральный банк": 1.5, "بینک": 1.0, "ЦБ": 1.0}},
                {"id": "diplomacy", "label": "Diplomacy", "terms": {"посол": 1.0}},
                {"id": "economy", "label": "Economy", "terms": {"کمپنی": 1.0, "زر مبادلہ": 1.0}},
            ]
        },
        "lang.yaml",
    )  # fmt: skip
    return SectorMatcher(tax)


def sectors(m: SectorMatcher, text: str) -> set[str]:
    return {h.sector for h in m.tag(None, text, all_scores=True)}


def test_russian_cases_and_numbers_match(m: SectorMatcher) -> None:
    for text in ("Правительство повысило пошлины на зерно.", "Речь о пошлине на сталь.",
                 "Решение о ввозных пошлинах.", "Пошлиной облагаются товары."):
        assert sectors(m, text) == {"trade"}, text
    for text in ("Совет директоров центрального банка", "центральными банками стран", "ЦЕНТРАЛЬНОМ БАНКЕ"):
        assert sectors(m, text) == {"finance"}, text


def test_russian_phrase_inflects_head_and_adjective_only() -> None:
    forms = set(russian_forms("добыча нефти"))
    assert {"добыча нефти", "добычи нефти", "добычей нефти"} <= forms
    assert not any(f.split()[1] != "нефти" for f in forms)
    assert "центрального банка" in russian_forms("центральный банк")


def test_a_form_that_is_another_word_is_left_out(m: SectorMatcher) -> None:
    assert "после" not in russian_forms("посол")  # "после" = "after", not the ambassador
    assert "стали" not in russian_forms("сталь")  # "стали" = "became"
    assert sectors(m, "После матча игроки ушли.") == set()
    assert sectors(m, "Посла вызвали в МИД.") == {"diplomacy"}


def test_russian_acronyms_stay_case_exact(m: SectorMatcher) -> None:
    assert term_variants("ЦБ") == ["ЦБ"]
    assert sectors(m, "ЦБ сохранил ставку.") == {"finance"}
    assert sectors(m, "цб") == set()


def test_yo_reads_as_ye() -> None:
    idx = PhraseIndex([make_pattern("ещё", "x")])
    assert [h.payload for h in idx.find("еще раз")] == ["x"]


def test_urdu_plural_and_oblique_forms(m: SectorMatcher) -> None:
    assert urdu_forms("کمپنی") == ["کمپنی", "کمپنیاں", "کمپنیوں"]
    assert urdu_forms("ادارہ") == ["ادارہ", "ادارے", "اداروں"]
    assert urdu_forms("قیمت") == ["قیمت", "قیمتوں", "قیمتیں"]
    assert sectors(m, "ملک کی کمپنیوں نے منافع کمایا") == {"economy"}
    assert sectors(m, "بینکوں نے شرح بڑھا دی") == {"finance"}


def test_urdu_spelling_and_script_variants(m: SectorMatcher) -> None:
    # Arabic yeh/kaf instead of Urdu ی/ک, diacritics, tatweel, zero-width joiner, run-together compound
    for text in ("بينك", "بیـنک", "بِینک", "بی\u200dنک"):
        assert sectors(m, f"اسٹیٹ {text} کا اعلان") == {"finance"}, text
    assert sectors(m, "ملکی برآمدات میں اضافہ") == {"trade"}
    assert sectors(m, "ملکی برآمدات\u200c میں") == {"trade"}
    assert sectors(m, "زرمبادلہ کے ذخائر") == {"economy"}
    assert sectors(m, "زر مبادلہ کے ذخائر") == {"economy"}


def test_spans_point_into_the_original_text_when_marks_are_removed(m: SectorMatcher) -> None:
    text = "خبر: اسٹیٹ بِینک نے کہا"
    (hit,) = m.tag(None, text, all_scores=True)
    ((s, e),) = hit.spans
    assert text[s:e] == "بِینک"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("بینکيك ہه\u064e\u0650\u200c\u200d\u0640 abc,.-ёе")), max_size=40))
def test_strip_and_fold_keep_offsets(text: str) -> None:
    visible, cuts = strip_invisible(text)
    assert len(fold(visible)) == len(visible)
    if cuts is None:
        assert visible == text
    offsets = [original_offset(j, cuts) for j in range(len(visible))]
    assert all(text[o] == c for o, c in zip(offsets, visible, strict=True))
    assert offsets == sorted(set(offsets))
    t, _ = compose_text(None, text)
    assert t == text
