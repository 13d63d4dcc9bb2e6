"""Smoke tests of the performance harness: a deterministic generator, the floor, run.py end to end.

No timing is asserted anywhere; the pipeline phase needs the step modules to be complete.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"newsetl_bench_{name}", BENCH / f"{name}.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


generate = _load("generate")
floor = _load("floor")
run = _load("run")

N = 150


def _tree_digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and p.name != generate.META_NAME}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gen") / "c"
    generate.generate(N, out, seed=3, corpora=None)  # bundled sample only: no ../shared needed
    return out


def test_generator_is_deterministic(corpus: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    generate.generate(N, again, seed=3, corpora=None)
    assert _tree_digest(again) == _tree_digest(corpus)
    other = tmp_path / "other"
    generate.generate(N, other, seed=4, corpora=None)
    assert _tree_digest(other) != _tree_digest(corpus)


def test_truth_names_every_record(corpus: Path) -> None:
    rows = [json.loads(line) for line in (corpus / generate.TRUTH_NAME).read_text().splitlines()]
    kinds = Counter(r["kind"] for r in rows)
    assert sum(v for k, v in kinds.items() if k != "junk") == N
    assert kinds["junk"] == 6
    assert kinds["exact"] > 0 and kinds["original"] > N // 2
    assert kinds["headline"] + kinds["drop_para"] + kinds["typos"] > 0
    seen: set[str] = set()
    per_file: Counter[str] = Counter()
    for r in rows:
        assert (corpus / r["file"]).is_file()
        per_file[r["file"]] += 1
        if r["kind"] == "original":
            seen.add(r["id"])
        elif r["kind"] != "junk":
            assert r["id"] in seen  # a copy always follows its original
    formats = Counter(r["format"] for r in rows)
    assert {"txt", "html", "json", "jsonl"} <= set(formats)
    for f, n in per_file.items():
        if f.endswith(".jsonl"):
            assert len((corpus / f).read_bytes().splitlines()) == n


def test_floor_reads_every_record(corpus: Path, tmp_path: Path) -> None:
    res = floor.run_floor([str(corpus)], tmp_path / "floor.parquet")
    assert res["records"] == N
    assert res["errors"] == 6  # the junk files
    import pyarrow.parquet as pq

    assert pq.read_metadata(tmp_path / "floor.parquet").num_rows == N


def test_run_report_and_results(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out_json = tmp_path / "out.json"
    buf = io.StringIO()
    monkeypatch.setattr(sys, "stdout", buf)
    code = run.main([str(corpus), "--workers", "1", "--no-prefect", "--json", str(out_json),
                     "--results-dir", str(tmp_path / "results")])
    res = json.loads(out_json.read_text())
    text = buf.getvalue()
    assert "floor (read+parse+write)" in text
    assert res["phases"]["floor"]["floor"]["records"] == N
    assert res["phases"]["floor"]["peak_rss"] > 0
    assert "flow" not in res["phases"]
    lib = res["phases"]["library"]
    assert lib["error"] is None, lib["error"]  # fails until the pipeline runs end to end
    assert code == 0
    assert lib["result"]["articles_loaded"] + lib["result"]["duplicates"] > 0
    assert res["summary"]["pipeline_over_floor"] > 0
    assert "pipeline / floor" in text


def test_progress_display_is_off_without_a_tty() -> None:
    from newsetl.progress import progress_display

    with progress_display(stream=io.StringIO()) as p:
        assert p is None


def test_progress_draws_stages() -> None:
    from rich.console import Console

    from newsetl.progress import RichProgress

    buf = io.StringIO()
    with RichProgress(Console(file=buf, force_terminal=True, width=160, color_system=None)) as p:
        p("process", 1, 2, files=10, articles=100)
        p("process", 2, 2, files=20, articles=200)
        p("dedup", 1, 2)
    text = buf.getvalue()
    assert "process" in text and "dedup" in text
    assert "200 articles" in text and "20 files" in text
