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


def test_one_file_per_model_and_the_stale_ones_removed(reference: tuple[Any, ...], tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The file is keyed by the model's content, not its install time: a reinstall of the same model reuses
    it, and writing one removes the files of other models (each is ~69 MB)."""
    monkeypatch.setenv("NEWSETL_CACHE_DIR", str(tmp_path))
    stale = tmp_path / "langid-model-0123456789abcdef0123.npz"
    stale.write_bytes(b"an older model's tables")
    other = tmp_path / "forms-ru-something.pickle"
    other.write_bytes(b"another cache")
    assert _same(language.model_tables(), reference)
    (kept,) = tmp_path.glob("langid-model-*.npz")
    assert kept != stale and other.exists()
    model = langid.MODEL_DIR / langid.MODEL_FILE
    monkeypatch.setattr(langid, "MODEL_DIR", tmp_path / "reinstalled")
    copy = tmp_path / "reinstalled" / langid.MODEL_FILE
    copy.parent.mkdir(parents=True)
    copy.write_bytes(model.read_bytes())  # the same model, installed again (a new modification time)
    monkeypatch.setattr(langid, "_load_model_file", lambda *_: pytest.fail("the model was unpacked again"))
    assert _same(language.model_tables(), reference)
    assert list(tmp_path.glob("langid-model-*.npz")) == [kept]
