"""``newsetl quarantine list / explain / retry`` end to end through the CLI: fix a quarantined file,
retry, and it is loaded with its quarantine row gone (the retried sources' earlier rows replaced)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from newsetl import cli
from newsetl.quarantine import EXPLANATIONS
from tests.reliability import _support as S

BAD = S.REPO / "tests" / "fixtures" / "bad"
GOOD = ["001_4a479e11edf3a116.txt", "002_1369130faf2de969.txt"]


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> list[dict[str, Any]]:
    capsys.readouterr()
    assert cli.main(argv) == 0
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def setup(tmp_path: Path) -> dict[str, Any]:
    src = tmp_path / "src"
    src.mkdir()
    for n in GOOD:
        shutil.copy(S.SAMPLE_DIR / n, src / n)
    shutil.copy(BAD / "truncated.json", src / "truncated.json")
    shutil.copy(BAD / "empty.txt", src / "empty.txt")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.txt").write_text("Secret title\n\n" + "private words here " * 30)
    os.symlink(tmp_path / "outside" / "secret.txt", src / "link.txt")
    cfg = tmp_path / "fast.yaml"
    cfg.write_text(S.FAST_CONFIG)
    return {"src": src, "cfg": str(cfg), "wh": str(tmp_path / "wh")}


def test_list_explain_fix_retry(setup: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    src, cfg, wh = setup["src"], setup["cfg"], setup["wh"]
    assert cli.main(["run", str(src), "--warehouse", wh, "--no-prefect", "--config", cfg]) == 0

    rows = _json(capsys, ["quarantine", "list", "--warehouse", wh, "--format", "json"])
    assert sorted((Path(r["source_uri"]).name, r["stage"], r["reason"]) for r in rows) == [
        ("empty.txt", "ingest", "empty_file"),
        ("link.txt", "ingest", "symlink_outside_root"),
        ("truncated.json", "ingest", "invalid_json"),
    ]
    explained = _json(capsys, ["quarantine", "explain", "--warehouse", wh, "--format", "json"])
    assert {r["reason"]: r["fix"] for r in explained} == {
        k: EXPLANATIONS[k] for k in ("empty_file", "symlink_outside_root", "invalid_json")}
    only = _json(capsys, ["quarantine", "list", "--warehouse", wh, "--format", "json", "--reason", "invalid_json"])
    assert [Path(r["source_uri"]).name for r in only] == ["truncated.json"]

    # fix the truncated JSON, then retry
    body = (S.SAMPLE_DIR / "003_3fd9148a9f9c31ee.txt").read_text(encoding="utf-8")[:900]
    (src / "truncated.json").write_text(json.dumps({"title": "Now complete", "date": "2021-04-07", "body": body}))
    capsys.readouterr()
    assert cli.main(["quarantine", "retry", "--warehouse", wh, "--config", cfg]) == 0
    out = capsys.readouterr().out
    assert "articles loaded: 1" in out and "quarantined:     1 (empty_file 1)" in out
    assert "1 source(s) quarantined as symlink_outside_root not retried" in out

    rows = _json(capsys, ["quarantine", "list", "--warehouse", wh, "--format", "json"])
    # truncated.json's row is gone; empty.txt was retried, failed again, and its earlier row was replaced
    assert sorted((Path(r["source_uri"]).name, r["reason"]) for r in rows) == [
        ("empty.txt", "empty_file"), ("link.txt", "symlink_outside_root")]
    con = S.connect(wh)
    assert con.sql("select title, published_date::varchar from articles "
                   "where source_uri like '%/truncated.json'").fetchall() == [("Now complete", "2021-04-07")]
    assert con.sql("select status from manifest where source_uri like '%/truncated.json'").fetchall() == [
        ("loaded",)]
    assert con.sql("select count(*) from articles").fetchall() == [(3,)]
    S.check_integrity(wh)

    # the real executable agrees (exit status 0, CSV)
    proc = subprocess.run([str(S.NEWSETL), "quarantine", "list", "--warehouse", wh, "--format", "csv"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0] == "source_uri,article_id,stage,reason,detail,run_id"
    assert len(proc.stdout.splitlines()) == 3


def test_retry_does_not_read_a_symlink_out_of_the_source_root(setup: dict[str, Any],
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """Fixed here: retry passed each quarantined path as a SOURCE, and a SOURCE named explicitly is read
    wherever its symlink points, so ``quarantine retry`` loaded the file the walk had refused."""
    src, cfg, wh = setup["src"], setup["cfg"], setup["wh"]
    assert cli.main(["run", str(src), "--warehouse", wh, "--no-prefect", "--config", cfg]) == 0
    capsys.readouterr()
    assert cli.main(["quarantine", "retry", "--warehouse", wh, "--config", cfg, "--reason",
                     "symlink_outside_root"]) == 0
    assert "not retried" in capsys.readouterr().out
    con = S.connect(wh)
    assert con.sql("select count(*) from articles where source_uri like '%/link.txt'").fetchall() == [(0,)]
    assert con.sql("select count(*) from quarantine where reason = 'symlink_outside_root'").fetchall() == [(1,)]


def test_rerun_does_not_duplicate_discovery_rejections(setup: dict[str, Any]) -> None:
    src, cfg, wh = setup["src"], setup["cfg"], setup["wh"]
    assert cli.main(["run", str(src), "--warehouse", wh, "--no-prefect", "--config", cfg]) == 0
    before = S.dump(wh)
    assert cli.main(["run", str(src), "--warehouse", wh, "--no-prefect", "--config", cfg]) == 0
    con = S.connect(wh)
    assert con.sql("select count(*) from quarantine where reason = 'symlink_outside_root'").fetchall() == [(1,)]
    assert S.dump_diff(before, S.dump(wh)) == {}
