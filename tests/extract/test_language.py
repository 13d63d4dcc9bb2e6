from __future__ import annotations

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
