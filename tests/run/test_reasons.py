"""Every quarantine reason raised in newsetl is a member of ``newsetl.reasons.Reason`` with a fix text: the
readers and extractors pass members (never string literals that could drift from the list)."""

from __future__ import annotations

import ast
from pathlib import Path

import newsetl
from newsetl.reasons import EXPLANATIONS, Reason

PKG = Path(newsetl.__file__).resolve().parent
RAISER_DIRS = ("ingest", "extract", "clean")
#: calls whose first argument is a quarantine reason
REASON_CALLS = frozenset({"TerminalError", "reject"})
VALUES = frozenset(r.value for r in Reason)


def _callee(node: ast.Call) -> str | None:
    f = node.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


def _reason_args(node: ast.Call) -> list[ast.expr]:
    """The arguments that can be the reason: the first of TerminalError(reason, detail, ...), the first two
    of reject(uri, reason, detail) (discover) and reject(reason, detail, index) (read)."""
    args = [*node.args, *(k.value for k in node.keywords if k.arg == "reason")]
    return args[:1] if _callee(node) == "TerminalError" else args[:2]


def _raisers() -> list[Path]:
    files = [p for d in RAISER_DIRS for p in sorted((PKG / d).rglob("*.py"))]
    return [*files, PKG / "clean_extract.py"]


def test_raisers_pass_reason_members_not_strings() -> None:
    literal: list[str] = []
    seen = 0
    for path in _raisers():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or _callee(node) not in REASON_CALLS:
                continue
            for arg in _reason_args(node):
                if isinstance(arg, ast.Constant) and arg.value in VALUES:
                    literal.append(f"{path.relative_to(PKG.parent)}:{node.lineno}: {arg.value!r}")
                elif isinstance(arg, ast.Attribute) and isinstance(arg.value, ast.Name) and arg.value.id == "Reason":
                    seen += 1
                    assert arg.attr in Reason.__members__, f"{path}:{node.lineno}: no Reason.{arg.attr}"
    assert literal == []
    assert seen > 50  # the scan found the raisers (it would pass vacuously on a wrong folder)


def test_every_member_has_a_fix_text() -> None:
    assert sorted(r.value for r in Reason if r not in EXPLANATIONS) == []
    assert EXPLANATIONS["invalid_json"] == EXPLANATIONS[Reason.INVALID_JSON]


def test_quarantine_does_not_import_the_runner() -> None:
    """The import cycle is gone: reading the quarantine never imports the pipeline stages."""
    tree = ast.parse((PKG / "quarantine.py").read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert sorted(m for m in imported if m.startswith(("newsetl.run", "newsetl.pipeline"))) == []
