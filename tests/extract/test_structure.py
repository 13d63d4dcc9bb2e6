"""newsetl.clean and newsetl.extract do not import each other (newsetl.clean_extract sequences them)."""

from __future__ import annotations

import ast
from pathlib import Path

import newsetl

PKG = Path(newsetl.__file__).resolve().parent


def _imports(package: str) -> set[str]:
    found: set[str] = set()
    for p in (PKG / package).rglob("*.py"):
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module)
            elif isinstance(node, ast.Import):
                found.update(a.name for a in node.names)
    return found


def test_clean_does_not_import_extract() -> None:
    assert sorted(m for m in _imports("clean") if m.startswith("newsetl.extract")) == []


def test_extract_does_not_import_clean() -> None:
    assert sorted(m for m in _imports("extract") if m.startswith("newsetl.clean")) == []
