"""``config/newsetl.example.yaml`` loads as shipped, documents every setting, and holds the defaults."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from newsetl.settings import Settings, load_settings
from tests.reliability._support import chdir

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "config" / "newsetl.example.yaml"


def _keys(model: type[BaseModel], prefix: str = "") -> set[str]:
    out: set[str] = set()
    for name, f in model.model_fields.items():
        sub = f.annotation
        if isinstance(sub, type) and issubclass(sub, BaseModel):
            out |= _keys(sub, f"{prefix}{name}.")
        else:
            out.add(prefix + name)
    return out


def _flat(d: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        if isinstance(v, dict) and k != "field_map":
            out |= _flat(v, f"{prefix}{k}.")
        else:
            out[prefix + k] = v
    return out


def test_the_example_config_loads_and_holds_the_defaults() -> None:
    with chdir(REPO):  # its paths (config/sectors.yaml, ...) are relative to the folder newsetl runs in
        got = load_settings(EXAMPLE)
    want = Settings(workers=got.workers)  # workers: the example's 2; the default depends on the machine
    flat_got, flat_want = _flat(got.model_dump()), _flat(want.model_dump())
    resolved = {k: (REPO / v).resolve() if isinstance(v, Path) else v for k, v in flat_got.items()}
    assert resolved == flat_want
    assert got.workers == 2


def test_the_example_config_names_every_setting() -> None:
    import yaml

    shipped = _flat(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")))
    assert set(shipped) == _keys(Settings)


@pytest.mark.parametrize("text", ["ingest:\n", "ingest:\n  field_map:\n", "storage:\n  # none yet\n", "warehouse:\n"])
def test_a_key_left_empty_means_its_default(tmp_path: Path, text: str) -> None:
    p = tmp_path / "c.yaml"
    p.write_text(text)
    assert load_settings(p) == Settings()
