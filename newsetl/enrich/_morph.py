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

The Russian forms are kept in a small JSON cache in the user's cache directory (``$NEWSETL_CACHE_DIR``,
else ``$XDG_CACHE_HOME/newsetl``, else ``~/.cache/newsetl``), keyed by this module's source and the
pymorphy3 / dictionary versions: a process whose taxonomy's phrases are all there does not load the
dictionary at all (~0.7 s CPU saved per run). See the end of this module.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from newsetl.cachedir import CACHE_DIR_VARIABLE, cache_dir, write_atomically  # noqa: F401  (the variable: tests)
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
    it; the words after the head (genitive or prepositional complements) stay as written. Read from the
    forms cache (see ``_forms_cache``) when it has the phrase.
    """
    cache = _forms_cache()
    if cache is not None:
        known = cache.forms.get(phrase)
        if known is not None:
            return known
    forms = _russian_forms(phrase)
    if cache is not None and _morph() is not None:
        cache.forms[phrase] = forms
        cache.dirty = True
    return forms


def _russian_forms(phrase: str) -> tuple[str, ...]:
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


# ------------------------------------------------------------------------------------------ forms cache
# The Russian forms of the taxonomy's terms cost ~0.7 s CPU per process (loading pymorphy3's dictionary,
# ~9,000 parses). They are a pure function of the phrase, this module's code and the pymorphy3 / dictionary
# / DAWG versions, so they are kept in one JSON file per such key in the user's cache directory
# (``$NEWSETL_CACHE_DIR``, else ``$XDG_CACHE_HOME/newsetl``, else ``~/.cache/newsetl``). A missing, unreadable
# or malformed file is ignored (the forms are computed), an unwritable directory is not an error, and
# ``PYMORPHY2_DICT_PATH`` (another dictionary) turns the cache off.
_VERSIONED = ("pymorphy3", "pymorphy3-dicts-ru", "dawg2-python", "DAWG2")


@dataclass
class _FormsCache:
    path: Path
    forms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    dirty: bool = False


_CACHES: dict[Path, _FormsCache] = {}


@functools.lru_cache(maxsize=1)
def _cache_key() -> str | None:
    """Hash of this module's source and the versions the forms depend on (None: no cache)."""
    try:
        versions = []
        for dist in _VERSIONED:
            try:
                versions.append(f"{dist}={metadata.version(dist)}")
            except metadata.PackageNotFoundError:
                versions.append(f"{dist}=-")
        if versions[0].endswith("=-"):
            return None  # no pymorphy3: terms match as written, nothing to cache
        source = Path(__file__).read_bytes()
    except OSError:
        return None
    return hashlib.sha256("\n".join(versions).encode() + b"\n" + source).hexdigest()[:20]


def _forms_cache() -> _FormsCache | None:
    """The forms cache of the current key and directory, read once per process (None: cache off)."""
    if "PYMORPHY2_DICT_PATH" in os.environ:
        return None
    key = _cache_key()
    if key is None:
        return None
    path = cache_dir() / f"russian-forms-{key}.json"
    cache = _CACHES.get(path)
    if cache is None:
        cache = _CACHES[path] = _FormsCache(path, _read_forms(path))
    return cache


def _read_forms(path: Path) -> dict[str, tuple[str, ...]]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(raw, dict):
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for phrase, forms in raw.items():
        if not (isinstance(forms, list) and forms and all(isinstance(f, str) for f in forms)):
            return {}  # not a file this module wrote: ignore it whole
        out[phrase] = tuple(forms)
    return out


def _write_bytes(data: bytes, fh: Any) -> None:
    fh.write(data)


def save_forms() -> None:
    """Write the forms computed since the cache was read (atomically; silently skipped when the cache
    directory cannot be written)."""
    for cache in list(_CACHES.values()):
        if not cache.dirty:
            continue
        merged = {**_read_forms(cache.path), **cache.forms}  # another process may have added phrases meanwhile
        data = json.dumps({k: list(v) for k, v in sorted(merged.items())}, ensure_ascii=False).encode("utf-8")
        write_atomically(cache.path, functools.partial(_write_bytes, data))
        cache.dirty = False
