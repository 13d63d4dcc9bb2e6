"""The bad-input catalogue: each bad file gives a quarantine row with a precise reason (or is loaded
harmlessly), and the run still succeeds (exit status 0) with every good article loaded.

The committed files are in ``tests/fixtures/bad/`` (``make_fixtures.py`` documents their bytes); large
or file-system-dependent inputs (a 3 MB file over a 1 MB limit, a gzip bomb, a symlink out of the source
folder, a file that vanishes mid-run, a real 100 MB file) are generated here in ``tmp_path``.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from newsetl import cli
from newsetl import run as pl
from newsetl.run import planning
from newsetl.settings import load_settings
from tests.reliability import _support as S

BAD = S.REPO / "tests" / "fixtures" / "bad"
SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
CATALOGUE_CONFIG = "workers: 1\ningest:\n  max_file_bytes: 1000000\n  max_decompressed_bytes: 2000000\n"

# input file -> expected outcome: ("quarantine", reason, stage, detail regex) or ("loaded", {column: value})
CATALOGUE: list[tuple[str, tuple[Any, ...]]] = [
    ("empty.txt", ("quarantine", "empty_file", "ingest", r"^file is empty \(0 bytes\)$")),
    ("photo_renamed.txt", ("quarantine", "binary_content", "ingest", r"^PNG image data, not text$")),
    ("huge.txt", ("quarantine", "too_large", "ingest",
                  r"^file is 3000000 bytes, more than ingest\.max_file_bytes=1000000$")),
    ("invalid_utf8.txt", ("loaded", {"title": "Trade talks resume"})),
    ("truncated.json", ("quarantine", "invalid_json", "ingest", r"truncated JSON\?")),
    ("ill_typed.json", ("quarantine", "wrong_field_type", "extract",  # a number title, an object body (issue 12)
                        r"^title is a number \(42\); body is an object: a title must be a string")),
    ("no_body.html", ("quarantine", "no_article", "extract", r"empty body")),
    ("future_date.json", ("loaded", {"title": "Talks in the year 2999", "published_date": None,
                                     "date_source": "none"})),
    ("ancient_date.json", ("loaded", {"title": "Talks at Hastings", "published_date": None,
                                      "date_source": "none"})),
    ("date_in_text_2999.txt", ("loaded", {"title": "Talks scheduled far ahead", "published_date": None})),
    ("billion_laughs_feed.xml", ("quarantine", "xml_entities", "ingest", r"DOCTYPE declares <!ENTITY")),
    ("billion_laughs_page.html", ("loaded", {"title": "Laughs &lol9;"})),  # entities left unexpanded
    ("bomb.txt.gz", ("quarantine", "decompression_limit", "ingest",
                     r"expands past ingest\.max_decompressed_bytes=2000000 .*decompression bomb")),
    ("link_out.txt", ("quarantine", "symlink_outside_root", "ingest",
                      r"^symlink to .*/outside/secret\.txt, outside the source root .*follow_symlinks_outside_root")),
    ("name with spaces – ünïcødé café.txt", ("loaded", {"title": "Café owners meet in Karachi"})),
    ("source_traversal.json", ("loaded", {"source_name": "../../../../tmp/newsetl-evil",
                                          "canonical_url": "https://example.com/../../etc/passwd"})),
    ("script_in_text.txt", ("loaded", {"title": f"Headline with {SCRIPT} inside"})),
    ("script_escaped.html", ("loaded", {"title": f"Escaped script {SCRIPT}"})),
    ("script_flagged.json", ("quarantine", "expect_column_values_to_not_match_regex", "validate",
                             r"^column=body value=Click to expand <script>alert\(1\)</script>\n\nISLAMABAD: .*…: "
                             r"body still holds forum chrome 'Click to expand'$")),
]
GOOD = sorted(p.name for p in S.SAMPLE_DIR.glob("*.txt"))


def build_catalogue(src: Path) -> None:
    shutil.copytree(BAD, src, ignore=shutil.ignore_patterns("*.py"))
    for name in GOOD:
        shutil.copy(S.SAMPLE_DIR / name, src / f"good_{name}")
    (src / "huge.txt").write_bytes(b"word " * 600_000)  # 3 MB of text, over the 1 MB limit of the config
    (src / "bomb.txt.gz").write_bytes(gzip.compress(b"lol " * 5_000_000, 9))  # 20 KB -> 20 MB
    outside = src.parent / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("Not for the warehouse\n\n" + "private words " * 50)
    os.symlink(outside / "secret.txt", src / "link_out.txt")


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One real ``newsetl run`` (subprocess) over the whole catalogue plus the five good articles."""
    base = tmp_path_factory.mktemp("bad")
    src = base / "src"
    build_catalogue(src)
    cfg = base / "catalogue.yaml"
    cfg.write_text(CATALOGUE_CONFIG)
    wh = base / "wh"
    t0 = time.monotonic()
    proc = subprocess.run([str(S.NEWSETL), "run", str(src), "--warehouse", str(wh), "--no-prefect",
                           "--config", str(cfg), "--json"], capture_output=True, text=True, timeout=600,
                          cwd=base)
    assert proc.returncode == 0, proc.stderr
    con = S.connect(wh)
    q = con.sql("select source_uri, article_id, stage, reason, detail from quarantine").fetchall()
    cols = ["title", "published_date", "date_source", "source_name", "canonical_url", "body", "encoding_loss"]
    arts = con.sql(f"select source_uri, {', '.join(cols)} from articles").fetchall()
    con.close()
    return {
        "base": base, "src": src, "wh": wh, "cfg": cfg, "result": json.loads(proc.stdout),
        "seconds": time.monotonic() - t0,
        "quarantine": {Path(r[0]).name: r[1:] for r in q},
        "articles": {Path(r[0]).name: dict(zip(cols, r[1:], strict=True)) for r in arts},
    }


@pytest.mark.parametrize(("name", "expect"), CATALOGUE, ids=[c[0] for c in CATALOGUE])
def test_catalogue(catalogue: dict[str, Any], name: str, expect: tuple[Any, ...]) -> None:
    q, arts = catalogue["quarantine"], catalogue["articles"]
    if expect[0] == "quarantine":
        _, reason, stage, detail = expect
        assert name in q, f"{name}: no quarantine row (loaded: {name in arts})"
        _aid, got_stage, got_reason, got_detail = q[name]
        assert (got_reason, got_stage) == (reason, stage), got_detail
        assert re.search(detail, got_detail), got_detail
        assert name not in arts
    else:
        assert name not in q, q.get(name)
        assert name in arts
        row = arts[name]
        assert {k: row[k] for k in expect[1]} == expect[1]


def test_rest_of_the_run_succeeds(catalogue: dict[str, Any]) -> None:
    res = catalogue["result"]
    expected_q = sum(1 for _, e in CATALOGUE if e[0] == "quarantine")
    assert res["quarantined"] == expected_q == len(catalogue["quarantine"])
    assert res["quarantine_reasons"] == {e[1]: 1 for _, e in CATALOGUE if e[0] == "quarantine"}
    for name in GOOD:
        assert f"good_{name}" in catalogue["articles"]
    loaded = {n for n, e in CATALOGUE if e[0] == "loaded"} | {f"good_{n}" for n in GOOD}
    assert set(catalogue["articles"]) == loaded
    assert res["articles_loaded"] == len(loaded)
    # every file is accounted for: loaded or quarantined, nothing silently dropped
    on_disk = {p.name for p in catalogue["src"].iterdir()}
    assert on_disk == set(catalogue["articles"]) | set(catalogue["quarantine"])
    S.check_integrity(catalogue["wh"])


def test_invalid_utf8_is_decoded_as_cp1252_and_recorded(catalogue: dict[str, Any]) -> None:
    """Not UTF-8: the whole file is read as windows-1252 (WHATWG's latin-1), and raw_documents says so."""
    body = catalogue["articles"]["invalid_utf8.txt"]["body"]
    assert "officials said after café ÿþ â‚ talks" in body  # 0xe9 -> é; 0xff 0xfe, 0xe2 0x82 -> cp1252 letters
    assert body.endswith("meet again in Moscow next year.")
    con = S.connect(catalogue["wh"])
    assert con.sql("select encoding from raw_documents where source_uri like '%/invalid_utf8.txt'").fetchall() == [
        ("cp1252",)]


def test_traversal_names_write_nothing_outside(catalogue: dict[str, Any]) -> None:
    assert not Path("/tmp/newsetl-evil").exists()
    assert not (catalogue["base"].parent / "newsetl-evil").exists()
    # everything the run wrote is inside the warehouse (plus the source folder it read)
    written = sorted(p.name for p in catalogue["base"].iterdir() if not p.name.startswith("report"))
    assert written == ["catalogue.yaml", "outside", "src", "wh"]


def test_source_argument_with_dotdot_is_the_same_source(catalogue: dict[str, Any]) -> None:
    """``src/../src`` names the same files: nothing new is read, no second copy of anything."""
    settings = load_settings(catalogue["cfg"], warehouse=str(catalogue["wh"]))
    res = pl.run_pipeline([f"{catalogue['src']}/../{catalogue['src'].name}"], settings)
    assert (res.files_read, res.articles_loaded) == (0, 0)


def test_script_is_shown_as_text_in_report_and_data_docs(catalogue: dict[str, Any],
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    out = catalogue["base"] / "report.html"
    assert cli.main(["report", "--warehouse", str(catalogue["wh"]), "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert SCRIPT not in page
    assert "<script" not in page.lower()  # the report has no script of its own either
    assert f"Headline with {ESCAPED} inside" in page and f"Escaped script {ESCAPED}" in page
    assert f"Click to expand {ESCAPED}" in page  # the quarantine example
    pages = sorted((catalogue["wh"] / "data_docs").rglob("*.html"))
    assert pages, "no GX Data Docs were built"
    texts = {p: p.read_text(encoding="utf-8") for p in pages}
    for p, text in texts.items():
        assert "alert(1)</script>" not in text, p
        assert "alert('real script tag')" not in text, p
    # the flagged body is shown in the validation page, escaped once
    assert any(f"Click to expand {ESCAPED}" in t for t in texts.values())


def test_file_vanishing_between_plan_and_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for name in GOOD[:2]:
        shutil.copy(S.SAMPLE_DIR / name, src / name)
    doomed = src / "doomed.txt"
    shutil.copy(S.SAMPLE_DIR / GOOD[2], doomed)
    real_plan = planning.plan

    def plan_then_delete(*a: Any, **kw: Any) -> pl.Plan:
        p = real_plan(*a, **kw)
        assert any(f.uri == str(doomed) for b in p.batches for f in b)
        doomed.unlink()
        return p

    monkeypatch.setattr(planning, "plan", plan_then_delete)
    res = pl.run_pipeline([str(src)], load_settings(None, warehouse=str(tmp_path / "wh"),
                                                    validate_data_docs=False, workers=1))
    assert (res.articles_loaded, res.quarantined, res.quarantine_reasons) == (2, 1, {"unreadable": 1})
    con = S.connect(tmp_path / "wh")
    rows = con.sql("select source_uri, stage, reason, detail from quarantine").fetchall()
    assert rows == [(str(doomed), "ingest", "unreadable", "file vanished since it was listed (FileNotFoundError)")]
    # the manifest marks it quarantined, so it is read again when it comes back
    assert con.sql(f"select status from manifest where source_uri = '{doomed}'").fetchall() == [("quarantined",)]


EMPTY_BATCH_BUG = (
    "bug in pipeline.process_batch: a batch in which every file is quarantined has 0 articles, and "
    "validate_table('articles', <empty>) fails the batch-level expectation 'a batch of this table is never "
    "empty' (expect_table_row_count_to_be_between min 1), so ValidationFailed aborts the whole run; fix: "
    "skip the article/sector/entity suites when the batch has no articles (or drop that expectation for "
    "batches)")


def test_a_day_of_only_bad_files_still_succeeds(tmp_path: Path) -> None:
    """An unattended daily run whose input holds only bad files must quarantine them, not fail."""
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(BAD / "empty.txt", src / "empty.txt")
    shutil.copy(BAD / "truncated.json", src / "truncated.json")
    res = pl.run_pipeline([str(src)], load_settings(None, warehouse=str(tmp_path / "wh"), validate_data_docs=False, workers=1))
    assert (res.articles_loaded, res.quarantine_reasons) == (0, {"empty_file": 1, "invalid_json": 1})


def test_two_workers_split_a_small_mixed_folder(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(S.SAMPLE_DIR / GOOD[1], src / "a_good.txt")
    shutil.copy(S.SAMPLE_DIR / GOOD[2], src / "b_good.txt")
    shutil.copy(BAD / "empty.txt", src / "c_empty.txt")
    shutil.copy(BAD / "truncated.json", src / "d_truncated.json")
    res = pl.run_pipeline([str(src)], load_settings(None, warehouse=str(tmp_path / "wh"),
                                                    validate_data_docs=False, workers=2))
    assert (res.articles_loaded, res.quarantined) == (2, 2)


@pytest.mark.slow
def test_real_100_mb_file(tmp_path: Path) -> None:
    """A real 100 MB file is refused by size before it is read (limit from a config file), quickly and
    with bounded memory, and the small file beside it loads."""
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(S.SAMPLE_DIR / GOOD[1], src / "small.txt")
    block = (S.SAMPLE_DIR / GOOD[1]).read_bytes() + b"\n\n"
    big = src / "big.txt"
    with open(big, "wb") as fh:
        while fh.tell() < 100 * 1024 * 1024:
            fh.write(block * 64)
    size = big.stat().st_size
    cfg = tmp_path / "c.yaml"
    cfg.write_text("workers: 1\nvalidate_data_docs: false\ningest:\n  max_file_bytes: 67108864\n")
    import resource

    # warm up first (imports, GX context, models): only the big file's own cost is measured
    warm = tmp_path / "warm"
    warm.mkdir()
    shutil.copy(S.SAMPLE_DIR / GOOD[1], warm / "small.txt")
    pl.run_pipeline([str(warm)], load_settings(cfg, warehouse=str(tmp_path / "wh-warm")))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    res = pl.run_pipeline([str(src)], load_settings(cfg, warehouse=str(tmp_path / "wh")))
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert (res.articles_loaded, res.quarantine_reasons) == (1, {"too_large": 1})
    con = S.connect(tmp_path / "wh")
    assert con.sql("select reason, detail from quarantine").fetchall() == [
        ("too_large", f"file is {size} bytes, more than ingest.max_file_bytes=67108864")]
    assert grown_mb < 50, f"peak RSS grew by {grown_mb:.0f} MB: the file was read"
