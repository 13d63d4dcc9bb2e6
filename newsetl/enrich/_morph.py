"""The surface forms a configured term matches: English plurals, Russian case forms, Urdu plural/oblique.

``term_variants(term)`` is called once per term when a matcher is built (never per document), so the
one Aho-Corasick pass over the text stays the only run-time cost:

- Latin script: the term plus the regular plural of its last word (``plural_variants``).
- Cyrillic (Russian): every case and number of the term, from pymorphy3's dictionary (shipped in the
  ``pymorphy3-dicts-ru`` wheel; nothing is downloaded). A one-word term gives its whole lexeme
  ("пошлина" -> пошлины, пошлине, пошлину, пошлиной, пошлинах ...). In a phrase, the words in the
  nominative (the head noun and the adjectives agreeing with it) are inflected together and the others
  stay as written; a generated form that is more likely another word ("после" = after, not the
  prepositional of "посол"; "стали" = became) is left out: "центральный банк" -> "центрального банка", "центральным банкам"; "министерство
  обороны" -> "министерства обороны". So write a Russian phrase in its dictionary form (nominative
  singular). Without pymorphy3 installed, the term matches as written.
- Arabic script (Urdu): the plural and oblique forms of the last word (کمپنی -> کمپنیاں، کمپنیوں;
  ادارہ -> ادارے، اداروں; قیمت -> قیمتیں، قیمتوں), and a two-word term whose first word ends in a
  non-joining letter also matches written as one word (زر مبادلہ -> زرمبادلہ). Spelling variants of
  single letters (ي/ی, ك/ک, ه/ہ), diacritics and zero-width characters are handled by ``_phrases.fold``.

``stem*`` terms are prefixes and acronyms in capitals (ЦБ, ВОЗ) match case-exactly; neither is expanded.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from newsetl.enrich._phrases import is_acronym, plural_variants

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")
_AGREEING = {"NOUN", "ADJF", "PRTF"}
# Urdu letters that do not join the next one: a word ending in one may be written run together with
# the next word
_NON_JOINING = set("اآدڈذرڑزژوےۓء")


@functools.lru_cache(maxsize=1)
def _morph() -> Any:
    try:
        import pymorphy3
    except ImportError:  # optional at run time: terms then match as written
        return None
    return pymorphy3.MorphAnalyzer(lang="ru")


def _parse_as(morph: Any, word: str, pos: set[str]) -> Any:
    """The parse of ``word`` as a nominative of one of ``pos`` (None when it is not one)."""
    for p in morph.parse(word):
        if p.tag.POS in pos and p.tag.case == "nomn":
            return p
    return None


def _reads_as(morph: Any, form: str, lemma: str) -> bool:
    """True when ``form`` is most likely a form of ``lemma``: "после" (after) is also the prepositional
    of "посол" (ambassador) and "стали" (became) a form of "сталь" (steel); such forms are left out."""
    return bool(morph.parse(form)[0].normal_form == lemma)


@functools.lru_cache(maxsize=4096)
def russian_forms(phrase: str) -> tuple[str, ...]:
    """Every case/number form of a Russian word or phrase (the phrase itself first).

    A phrase inflects its head (the first noun in the nominative) and the nominative adjectives before
    it; the words after the head (genitive or prepositional complements) stay as written.
    """
    morph = _morph()
    words = phrase.split()
    if morph is None or not words:
        return (phrase,)
    out = [phrase]
    if len(words) == 1:
        parses = morph.parse(words[0])
        best = next((p for p in parses if p.tag.POS in _AGREEING and p.tag.case == "nomn"), parses[0])
        out.extend(f.word for f in best.lexeme if _reads_as(morph, f.word, best.normal_form))
        return tuple(dict.fromkeys(out))
    head = next((i for i, w in enumerate(words) if _parse_as(morph, w, {"NOUN"})), None)
    if head is None:
        return (phrase,)
    parsed: list[Any] = [None] * len(words)
    parsed[head] = _parse_as(morph, words[head], {"NOUN"})
    for i in range(head):
        parsed[i] = _parse_as(morph, words[i], {"ADJF", "PRTF"})
    numbers = ("plur",) if parsed[head].tag.number == "plur" else ("sing", "plur")
    for number in numbers:
        for case in _CASES:
            forms = []
            for w, p in zip(words, parsed, strict=True):
                f = p.inflect({case, number}) if p is not None else None
                if p is not None and f is None:
                    break
                forms.append(f.word if f is not None else w)
            else:
                if _reads_as(morph, forms[head], parsed[head].normal_form):
                    out.append(" ".join(forms))
    return tuple(dict.fromkeys(out))


def urdu_forms(phrase: str) -> list[str]:
    """Plural and oblique forms of the last word of an Urdu phrase, and the run-together spelling."""
    words = phrase.split()
    if not words:
        return [phrase]
    head, last = words[:-1], words[-1]
    lasts = [last]
    if last.endswith("ی"):
        lasts += [last + "اں", last + "وں"]
    elif last.endswith(("ا", "ہ")) and len(last) > 2:
        lasts += [last[:-1] + "ے", last[:-1] + "وں"]
    elif not last.endswith(("و", "ں", "ے", "ؤ", "ئ")) and len(last) > 1:
        lasts += [last + "وں", last + "یں"]
    out = [" ".join([*head, w]) for w in lasts]
    if len(words) == 2 and words[0][-1] in _NON_JOINING:
        out += [words[0] + w for w in lasts]
    return list(dict.fromkeys(out))


def term_variants(term: str) -> list[str]:
    """The phrases a configured term matches (the term itself first); see the module docstring."""
    raw = term.strip()
    if raw.endswith("*"):
        return [raw]
    if _CYRILLIC.search(raw):
        return [raw] if is_acronym(raw) else list(russian_forms(raw.casefold()))
    if _ARABIC.search(raw):
        return urdu_forms(raw)
    return plural_variants(raw)
