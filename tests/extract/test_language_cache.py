"""py3langid's model tables are kept unpacked in the user's cache directory: same values, read back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from py3langid import langid

from newsetl.extract import language


def _same(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    for x, y in zip(a, b, strict=True):
        if type(x) is not type(y) or getattr(x, "typecode", None) != getattr(y, "typecode", None):
            return False
        if isinstance(x, np.ndarray) and (x.dtype != y.dtype or not np.array_equal(x, y)):
            return False
        if not isinstance(x, np.ndarray) and x != y:
            return False
    return True


@pytest.fixture(scope="module")
def reference() -> tuple[Any, ...]:
    return tuple(langid._load_model_file(langid.MODEL_DIR / langid.MODEL_FILE))


def test_written_then_read_back(reference: tuple[Any, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSETL_CACHE_DIR", str(tmp_path))
    assert _same(language.model_tables(), reference)
    files = list(tmp_path.glob("langid-model-*.npz"))
    assert len(files) == 1

    def unpacking(*_: Any) -> Any:
        raise AssertionError("the model was unpacked again")

    monkeypatch.setattr(langid, "_load_model_file", unpacking)
    assert _same(language.model_tables(), reference)


def test_a_damaged_file_is_ignored_and_written_again(reference: tuple[Any, ...], tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSETL_CACHE_DIR", str(tmp_path))
    language.model_tables()
    (cached,) = tmp_path.glob("langid-model-*.npz")
    cached.write_bytes(cached.read_bytes()[:1000])
    assert _same(language.model_tables(), reference)
    assert cached.stat().st_size > 10_000_000  # written again, whole


def test_an_unwritable_cache_is_no_error(reference: tuple[Any, ...], tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("NEWSETL_CACHE_DIR", str(blocker / "cache"))
    assert _same(language.model_tables(), reference)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]
