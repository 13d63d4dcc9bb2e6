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
