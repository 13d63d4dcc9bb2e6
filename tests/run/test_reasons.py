"""Every quarantine reason raised in newsetl is a member of ``newsetl.reasons.Reason`` with a fix text."""

from __future__ import annotations

import re
from pathlib import Path

import newsetl
from newsetl.reasons import EXPLANATIONS, Reason

PKG = Path(newsetl.__file__).resolve().parent
# TerminalError("reason", ...), .reject("reason", ...) and Rejection(uri, "stage", "reason", ...) literals
RAISED = re.compile(r"""(?:TerminalError\(\s*|\.reject\(\s*(?:[\w.]+,\s*)?|Rejection\([^,()]+,\s*"[a-z_]+",\s*)"([a-z_]+)\"""")


def raised_literals() -> set[str]:
    found: set[str] = set()
    for p in PKG.rglob("*.py"):
        found |= set(RAISED.findall(p.read_text(encoding="utf-8")))
    return found


def test_every_raised_reason_is_a_member() -> None:
    literals = raised_literals()
    assert literals, "the scan found no raiser: the pattern is out of date"
    assert sorted(literals - {r.value for r in Reason}) == []


def test_every_member_has_a_fix_text() -> None:
    assert sorted(r.value for r in Reason if r not in EXPLANATIONS) == []
    assert EXPLANATIONS["invalid_json"] == EXPLANATIONS[Reason.INVALID_JSON]


def test_quarantine_does_not_import_the_runner() -> None:
    """The import cycle is gone: reading the quarantine never imports the pipeline stages."""
    import ast

    tree = ast.parse((PKG / "quarantine.py").read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert sorted(m for m in imported if m.startswith(("newsetl.run", "newsetl.pipeline"))) == []
