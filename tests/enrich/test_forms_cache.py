"""The on-disk cache of the Russian forms (``newsetl.enrich._morph``): same forms, and never in the way."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from newsetl.enrich import _morph

PHRASES = ["пошлина", "центральный банк", "министерство обороны", "сталь", "после"]


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """An empty cache directory, and no forms remembered by this process."""
    monkeypatch.setenv(_morph.CACHE_DIR_VARIABLE, str(tmp_path / "cache"))
    monkeypatch.delenv("PYMORPHY2_DICT_PATH", raising=False)
    _morph.russian_forms.cache_clear()
    monkeypatch.setattr(_morph, "_CACHES", {})
    yield tmp_path / "cache"
    _morph.russian_forms.cache_clear()


def _uncached() -> dict[str, tuple[str, ...]]:
    return {p: _morph._russian_forms(p) for p in PHRASES}


def test_forms_from_the_cache_equal_the_computed_ones(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pymorphy3")
    want = _uncached()
    assert {p: _morph.russian_forms(p) for p in PHRASES} == want  # cold: computed
    _morph.save_forms()
    files = list(fresh.glob("russian-forms-*.json"))
    assert len(files) == 1
    # a new process: nothing in memory; the dictionary must not be needed
    _morph.russian_forms.cache_clear()
    monkeypatch.setattr(_morph, "_CACHES", {})

    def no_dictionary() -> None:
        raise AssertionError("the cache should have served")

    monkeypatch.setattr(_morph, "_russian_forms", no_dictionary)
    assert {p: _morph.russian_forms(p) for p in PHRASES} == want
    assert want["пошлина"][0] == "пошлина" and "пошлины" in want["пошлина"]


def test_unwritable_or_broken_cache_is_ignored(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pymorphy3")
    want = _uncached()
    fresh.parent.joinpath("file").write_text("not a directory")
    monkeypatch.setenv(_morph.CACHE_DIR_VARIABLE, str(fresh.parent / "file" / "cache"))
    assert {p: _morph.russian_forms(p) for p in PHRASES} == want
    _morph.save_forms()  # cannot create the directory: no error
    # a malformed file is read as empty and replaced
    monkeypatch.setenv(_morph.CACHE_DIR_VARIABLE, str(fresh))
    fresh.mkdir()
    key = _morph._cache_key()
    (fresh / f"russian-forms-{key}.json").write_text('{"пошлина": "oops"}', encoding="utf-8")
    _morph.russian_forms.cache_clear()
    monkeypatch.setattr(_morph, "_CACHES", {})
    assert {p: _morph.russian_forms(p) for p in PHRASES} == want
    _morph.save_forms()
    _morph.russian_forms.cache_clear()
    monkeypatch.setattr(_morph, "_CACHES", {})
    assert {p: _morph.russian_forms(p) for p in PHRASES} == want


def test_other_dictionary_turns_the_cache_off(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYMORPHY2_DICT_PATH", str(fresh / "elsewhere"))
    assert _morph._forms_cache() is None
