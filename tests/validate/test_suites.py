"""The suites are generated from schemas/ and the committed JSON never drifts from them."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import great_expectations as gx
import pytest

from newsetl.validate import MART_SCHEMAS, SUITE_TABLES, build_suites, export_suites, suite_json
from newsetl.validate.__main__ import main
from schemas import TABLES

EXPECTATIONS = Path(__file__).resolve().parents[2] / "expectations"


def _schema(name: str):
    return MART_SCHEMAS[name] if name in MART_SCHEMAS else TABLES[name].schema


def _of(suite: gx.ExpectationSuite, type_: str) -> list[dict]:
    return [e["kwargs"] for e in suite_json(suite)["expectations"] if e["type"] == type_]


def test_one_suite_per_table() -> None:
    assert list(build_suites()) == list(SUITE_TABLES) == [
        "raw_documents", "articles", "article_sectors", "article_entities", "duplicates", "quarantine",
        "sector_daily", "sector_monthly",
    ]


@pytest.mark.parametrize("name", SUITE_TABLES)
def test_committed_json_equals_build_suites(name: str) -> None:
    committed = json.loads((EXPECTATIONS / f"{name}.json").read_text(encoding="utf-8"))
    assert committed == suite_json(build_suites()[name]), "run: python -m newsetl.validate --export expectations/"


def test_no_stale_json_files() -> None:
    assert sorted(p.stem for p in EXPECTATIONS.glob("*.json")) == sorted(SUITE_TABLES)


def test_check_command(tmp_path: Path) -> None:
    assert main(["--check", str(EXPECTATIONS)]) == 0
    export_suites(tmp_path)
    (tmp_path / "articles.json").write_text("{}")
    assert main(["--check", str(tmp_path)]) == 1


@pytest.mark.parametrize("name", SUITE_TABLES)
def test_built_from_schema(name: str) -> None:
    schema = _schema(name)
    suite = build_suites()[name]
    assert _of(suite, "expect_table_columns_to_match_ordered_list") == [{"column_list": schema.names}]
    assert {k["column"]: k["type_"] for k in _of(suite, "expect_column_values_to_be_of_type")} == {
        f.name: str(f.type) for f in schema
    }
    assert [k["column"] for k in _of(suite, "expect_column_values_to_not_be_null")] == [
        f.name for f in schema if not f.nullable
    ]
    assert len(_of(suite, "expect_table_row_count_to_be_between")) == 1


def test_articles_rules() -> None:
    suite = build_suites()["articles"]
    assert _of(suite, "expect_column_values_to_be_unique") == [{"column": "article_id"}]
    assert {"column": "title"} not in _of(suite, "expect_column_values_to_not_be_null")  # title is nullable
    regexes = [k["regex"] for k in _of(suite, "expect_column_values_to_not_match_regex")]
    assert len(regexes) == 4 and any("Joined" in r for r in regexes)
    (pd,) = [k for k in _of(suite, "expect_column_values_to_be_between") if k["column"] == "published_date"]
    assert pd["min_value"] == "1900-01-01" and pd["max_value"] == {"$PARAMETER": "max_plausible_date"}
    (lang,) = [k for k in _of(suite, "expect_column_values_to_be_in_set") if k["column"] == "language"]
    assert "und" in lang["value_set"] and "en" in lang["value_set"] and len(lang["value_set"]) == 185
    # no "never empty": the count of records read minus records quarantined, given at validation time
    expected = {"$PARAMETER": "expected_rows"}
    assert _of(suite, "expect_table_row_count_to_be_between") == [{"min_value": expected, "max_value": expected}]
    assert _of(build_suites()["raw_documents"], "expect_table_row_count_to_be_between") == [{"min_value": 0}]


def test_levels_and_gx_severity() -> None:
    for name, suite in build_suites().items():
        for e in suite_json(suite)["expectations"]:
            lvl = e["meta"]["newsetl"]["level"]
            assert e["severity"] == ("critical" if lvl == "batch" else "warning")
            if name in ("duplicates", "quarantine", "sector_daily", "sector_monthly") or e["type"] in (
                "expect_table_columns_to_match_ordered_list", "expect_column_values_to_be_of_type",
                "expect_table_row_count_to_be_between",
            ):
                assert lvl == "batch", (name, e["type"])
            else:
                assert lvl == "row", (name, e["type"])


def test_sector_ids_and_today_are_baked_in() -> None:
    suites = build_suites(sector_ids=["energy", "defence"], today=dt.date(2024, 6, 1))
    assert _of(suites["article_sectors"], "expect_column_values_to_be_in_set") == [
        {"column": "sector", "value_set": ["defence", "energy"]}
    ]
    (pd,) = [k for k in _of(suites["articles"], "expect_column_values_to_be_between")
             if k["column"] == "published_date"]
    assert pd["max_value"] == "2024-06-02"
    # without ids the sector only has to look like one
    assert _of(build_suites()["article_sectors"], "expect_column_values_to_match_regex")[0]["column"] == "sector"


@pytest.mark.parametrize("name", SUITE_TABLES)
def test_committed_json_loads_as_gx_suite(name: str) -> None:
    d = json.loads((EXPECTATIONS / f"{name}.json").read_text(encoding="utf-8"))
    suite = gx.ExpectationSuite(**copy.deepcopy(d))  # GX mutates meta in place
    assert len(suite.expectations) == len(d["expectations"])
    assert suite_json(suite) == d
