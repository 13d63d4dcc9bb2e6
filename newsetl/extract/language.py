"""Language identification with py3langid (its model ships in the wheel; nothing is downloaded).

The classifier is restricted to ISO 639-1 languages (two-letter codes): py3langid's extra three-letter
varieties (``arz``, ``yue``, ``zxx`` ...) and dead/constructed languages (Latin, Esperanto, Sanskrit)
only produce false positives on news text. Short or low-confidence text is ``"und"``.
"""

from __future__ import annotations

import threading
from typing import Any

MIN_WORDS = 5
MIN_CONFIDENCE = 0.3
SAMPLE_CHARS = 600  # ~100 words: enough for news text; py3langid cost grows with length
_EXCLUDED = frozenset({"la", "eo", "sa", "zxx"})
_lock = threading.Lock()
_identifier: Any = None


def _get() -> Any:
    global _identifier
    if _identifier is None:
        with _lock:
            if _identifier is None:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
                langs = sorted({c for c in ident.nb_classes if len(c) == 2 and c not in _EXCLUDED})
                ident.set_languages(langs)
                _identifier = ident
    return _identifier


def normalize_language(code: str | None) -> str | None:
    """``"en-US"``, ``"EN_gb"``, ``"eng"`` -> ``"en"``; None for anything that is not a language code."""
    if not code:
        return None
    c = code.strip().lower().replace("_", "-").split("-")[0]
    three = {"eng": "en", "urd": "ur", "rus": "ru", "ara": "ar", "fas": "fa", "per": "fa", "hin": "hi",
             "zho": "zh", "chi": "zh", "fra": "fr", "fre": "fr", "deu": "de", "ger": "de", "spa": "es"}  # fmt: skip
    c = three.get(c, c)
    return c if len(c) == 2 and c.isalpha() else None


def detect_language(text: str, *, min_words: int = MIN_WORDS) -> str:
    """ISO 639-1 code of ``text``'s language, or ``"und"`` when it has fewer than ``min_words`` words or
    the classifier is not confident."""
    sample = text[:SAMPLE_CHARS]
    if len(sample.split(None, min_words)) < min_words:
        return "und"
    lang, prob = _get().classify(sample)
    if prob < MIN_CONFIDENCE:
        return "und"
    return str(lang)
