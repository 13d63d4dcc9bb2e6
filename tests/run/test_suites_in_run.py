"""Every GX suite runs where its table is produced (``newsetl/validate/suites.py`` has the table of where,
and what a failing row does): raw_documents and articles in the batch, duplicates in dedup, quarantine in
finalize. Faults are injected into the real stages (a reader or step that misbehaves), never into the
validation itself."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

import newsetl.clean_extract
import newsetl.dedup
import newsetl.ingest
from newsetl.errors import ValidationFailed
from newsetl.model import Rejection
from newsetl.run import run_pipeline
from newsetl.settings import load_settings
from newsetl.store import Warehouse
from tests.reliability import _support as S

BODY = ("ISLAMABAD: Pakistan and Russia agreed on Wednesday to expand trade, energy and defence cooperation, "
        "officials said after talks at the Foreign Office, and agreed to meet again in Moscow next year.")


def _src(tmp_path: Path, n: int = 3) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    for i in range(n):
        (src / f"s{i}.json").write_text(json.dumps({"title": f"Story {i}", "body": f"{BODY} Item {i}."}))
    return src


def _run(tmp_path: Path, src: Path) -> Any:
    return run_pipeline([str(src)], load_settings(None, warehouse=str(tmp_path / "wh"), workers=1,
                                                  validate_data_docs=False))


def test_a_step_that_loses_a_record_silently_fails_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Records read = articles + records quarantined. A step that drops one without a quarantine row (here
    clean/extract forgets the last record) fails the batch, naming the counts; nothing is committed."""
    real = newsetl.clean_extract.clean_extract_batch

    def forgets_one(docs: list[Any], cfg: Any) -> Any:
        arts, rej = real(docs, cfg)
        return arts[:-1], rej

    monkeypatch.setattr(newsetl.clean_extract, "clean_extract_batch", forgets_one)
    with pytest.raises(ValidationFailed, match=r"articles batch failed validation: articles: every record read "
                                               r"becomes an article or a quarantine row .*observed 2 .*"
                                               r"'min_value': 3, 'max_value': 3"):
        _run(tmp_path, _src(tmp_path))
    assert not Warehouse(tmp_path / "wh").exists()


def test_good_input_that_gives_no_article_at_all_fails_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(newsetl.clean_extract, "clean_extract_batch", lambda docs, cfg: ([], []))
    with pytest.raises(ValidationFailed, match=r"observed 0 .*'min_value': 3"):
        _run(tmp_path, _src(tmp_path))


def test_records_all_rejected_by_rules_are_a_legitimate_empty_batch(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for i in range(2):
        (src / f"stub{i}.json").write_text(json.dumps({"title": f"Stub {i}", "body": "Too short to be news."}))
    res = _run(tmp_path, src)
    assert (res.articles_loaded, res.quarantine_reasons) == (0, {"too_short": 2})


def test_a_raw_documents_row_that_breaks_its_rules_quarantines_its_record(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A reader reporting a format newsetl does not know: that record is quarantined (raw row and article),
    with the expectation as the reason; the other records load."""
    real = newsetl.ingest.read_source

    def odd_format(f: Any, cfg: Any) -> Any:
        docs, rej = real(f, cfg)
        return [dataclasses.replace(d, format="pdf") if f.uri.endswith("s1.json") else d for d in docs], rej

    monkeypatch.setattr(newsetl.ingest, "read_source", odd_format)
    res = _run(tmp_path, _src(tmp_path))
    assert (res.articles_loaded, res.quarantine_reasons) == (2, {"expect_column_values_to_be_in_set": 1})
    con = S.connect(tmp_path / "wh")
    ((aid, stage, detail),) = con.sql("select article_id, stage, detail from quarantine").fetchall()
    assert aid.endswith("/s1.json#0") and stage == "validate"
    assert detail == "column=format value=pdf: format must be a detected input format"
    assert con.sql("select count(*) from raw_documents where format = 'pdf'").fetchall() == [(0,)]
    assert sorted(r[0] for r in con.sql("select title from articles").fetchall()) == ["Story 0", "Story 2"]
    con.close()
    S.check_integrity(tmp_path / "wh")


def test_a_bad_duplicates_row_fails_the_run_as_a_dedup_bug(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """duplicates is bookkeeping: a copy whose similarity is out of [0, 1] is a dedup bug, not bad input."""
    src = _src(tmp_path, 1)
    shutil.copy(src / "s0.json", src / "copy.json")
    real = newsetl.dedup.deduplicate_batch

    def wrong_similarity(*a: Any, **k: Any) -> Any:
        res = real(*a, **k)
        d = res.duplicates
        bad = d.set_column(d.schema.get_field_index("similarity"), "similarity",
                           pa.array([1.5] * d.num_rows, pa.float64()))
        return dataclasses.replace(res, duplicates=bad)

    monkeypatch.setattr(newsetl.dedup, "deduplicate_batch", wrong_similarity)
    with pytest.raises(ValidationFailed, match=r"duplicates failed validation \(a bug in newsetl's dedup, not in the "
                                               r"input: please report it\): duplicates: 1 of 1 rows fail "
                                               r"expect_column_values_to_be_between on similarity .*e\.g\. 1\.5"):
        _run(tmp_path, src)
    assert not Warehouse(tmp_path / "wh").exists()


def test_a_quarantine_row_that_breaks_its_rules_fails_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = newsetl.ingest.read_source

    def bad_reason(f: Any, cfg: Any) -> Any:
        docs, rej = real(f, cfg)
        if f.uri.endswith("s1.json"):
            return [], [Rejection(f.uri, "ingest", "Not A Reason!", "a reader bug")]
        return docs, rej

    monkeypatch.setattr(newsetl.ingest, "read_source", bad_reason)
    with pytest.raises(ValidationFailed, match=r"quarantine rows failed validation .*reason is short and "
                                               r"machine-readable\); e\.g\. Not A Reason!"):
        _run(tmp_path, _src(tmp_path))
