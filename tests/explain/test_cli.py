"""``newsetl explain`` on the command line: formats, --article, and errors that name the fix."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from newsetl.cli import main

WHERE = "month = '2018-03-01' and sector = 'security_counterterrorism'"


def test_json_rows(dup_wh: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "sector_monthly", "--where", WHERE, "-w", str(dup_wh), "-f", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 4 and len({r["story_id"] for r in rows}) == 1
    assert list(rows[0])[:10] == ["month", "sector", "article_id", "story_id", "title", "published_date",
                                  "date_source", "source_name", "source_uri", "format"]
    assert {r["month"] for r in rows} == {"2018-03-01"}
    copy = next(r for r in rows if r["article_id"].endswith("copies/001_again.txt#0"))
    assert copy["copy_method"] == "exact"
    assert sorted(c["method"] for c in copy["copies"]) == ["canonical", "exact", "near"]
    assert copy["edits"] == [{"rule": "metadata_lines", "hits": 3, "chars_removed": 98}]
    assert copy["matches"][0] == {"sector": "security_counterterrorism", "term": "security", "part": "body",
                                  "start": 144, "end": 152}


def test_csv_rows(dup_wh: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "sector_cooccurrence", "-w", str(dup_wh), "-f", "csv",
                 "--where", "sector_a = 'defence_military' and sector_b = 'diplomacy'"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows and all(r["sector"] == "defence_military + diplomacy" for r in rows)
    assert all(isinstance(json.loads(r["copies"]), list) for r in rows)  # lists as JSON, not Python reprs


def test_table_has_a_header_per_cell(dup_wh: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "sector_monthly", "--where", WHERE, "-w", str(dup_wh)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[1] == ("sector_monthly [month=2018-03-01, sector=security_counterterrorism]: articles 4, "
                                   "unique_stories 1; listed: 4 articles, 1 stories")
    assert out.splitlines()[0] == f"(article ids below are relative to {dup_wh.parent}/src/)"
    assert "records/story.json#0" in out and "metadata_lines x3 -98" in out


def test_article_in_full(sample_wh: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # a path relative to any folder names the article when exactly one id ends with it
    assert main(["explain", "--article", "003_3fd9148a9f9c31ee.txt#0", "-w", str(sample_wh)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"article   {sample_wh.parent}/src/003_3fd9148a9f9c31ee.txt#0\n")
    assert "  unchanged since it was loaded\n" in out
    assert "  tweet_embed: 3 hit(s), 566 characters\n" in out
    assert "⟦pic.twitter.com/6sAazwuRIJ— Shah Mahmood Qureshi (@SMQureshiPTI) April 6, 2021⟧" in out
    assert "  body rebuilt from the raw text: yes: the raw text minus the edits is the body (whitespace aside)\n" in out
    assert main(["explain", "--article", "003_3fd9148a9f9c31ee.txt#0", "-w", str(sample_wh), "-f", "json"]) == 0
    (d,) = json.loads(capsys.readouterr().out)
    assert d["raw_text"].startswith(" date 2021-04-07 Russian FM") and d["story_articles"] == 1


@pytest.mark.parametrize(("args", "message"), [
    (["explain", "sector_monthly", "--where", "nope = 1"], "--where for sector_monthly: sector_monthly has no column 'nope'"),
    (["explain", "sector_monthly", "--where", "1=1); drop table articles; select (1"], "single condition"),
    (["explain", "articles"], "no lineage for mart 'articles': explain works on country_pair_sector_monthly"),
    (["explain"], "give a mart (newsetl explain sector_monthly --where"),
    (["explain", "sector_daily", "--article", "x"], "give a mart"),
    (["explain", "--article", "missing.txt#0"], "no article 'missing.txt#0' in the warehouse"),
])
def test_errors_exit_1_with_the_fix(sample_wh: Path, capsys: pytest.CaptureFixture[str], args: list[str],
                                    message: str) -> None:
    assert main([*args, "-w", str(sample_wh)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("newsetl explain: error: ") and message in err, err


def test_no_warehouse(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "sector_daily", "-w", str(tmp_path / "none")]) == 1
    assert "run `newsetl run SOURCE" in capsys.readouterr().err
