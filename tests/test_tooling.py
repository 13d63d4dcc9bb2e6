"""The repository's own quality gates: ruff, mypy on the pure modules, committed suites in sync."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def test_ruff_clean() -> None:
    r = subprocess.run([str(BIN / "ruff"), "check", "."], cwd=REPO, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.slow
def test_mypy_pure_modules() -> None:
    r = subprocess.run([str(BIN / "mypy")], cwd=REPO, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_ci_calls_the_readme_test_command() -> None:
    readme = (REPO / "README.md").read_text()
    first_block = readme.split("```bash", 1)[1].split("```", 1)[0]
    assert "bash scripts/run-sample.sh" in first_block and "bash scripts/test.sh" in first_block
    assert "bash scripts/test.sh" in (REPO / ".ci" / "run").read_text()


def test_tests_do_not_depend_on_the_checkout_layout() -> None:
    """No test names a virtualenv folder or an absolute checkout path: they run in any layout (issue 15:
    tests that hard-coded ``.venv/bin`` failed in every other checkout). Executables come from the
    running interpreter's folder (``sys.executable``), files from ``Path(__file__)``."""
    import re

    pattern = re.compile(r"""["'/](\.venv|venv)/(bin|lib)\b|["'](/work|/home|/Users)/""")
    hits = [f"{p.relative_to(REPO)}:{n}: {line.strip()}"
            for p in sorted((REPO / "tests").rglob("*.py"))
            for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
            if pattern.search(line) and "pattern = re.compile" not in line]
    assert hits == []
