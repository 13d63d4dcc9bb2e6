"""Every quarantine reason a reader or extractor raises is a ``Reason`` member (``newsetl/reasons.py``):
one list of reasons, each with its explanation and fix, and no free-typed string that drifts from it."""

from __future__ import annotations

import ast
from pathlib import Path

from newsetl.reasons import EXPLANATIONS, Reason

PKG = Path(__file__).resolve().parents[1] / "newsetl"
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


def test_every_reason_is_explained() -> None:
    assert [r for r in Reason if r not in EXPLANATIONS] == []
