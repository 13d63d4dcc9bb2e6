"""validate_table: exactly which rows are rejected with which reason; batch-level failures; no 200-row cap."""

from __future__ import annotations

import datetime as dt
import json

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsetl.validate import (
    SECTOR_DAILY,
    SECTOR_MONTHLY,
    build_suites,
    get_context,
    validate_table,
)
from schemas import ARTICLES
from tests.validate.helpers import (
    SCHEMAS,
    TODAY,
    article,
    articles,
    duplicate,
    entity,
    quarantine_row,
    raw_doc,
    sector,
    table,
)

NN = "expect_column_values_to_not_be_null"
NO_MATCH = "expect_column_values_to_not_match_regex"
BETWEEN = "expect_column_values_to_be_between"
UNIQUE = "expect_column_values_to_be_unique"
IN_SET = "expect_column_values_to_be_in_set"
MATCH = "expect_column_values_to_match_regex"


def _reasons(outcome) -> list[tuple[str | None, str]]:
    return [(r.article_id, r.reason) for r in outcome.rejected]


def test_articles_good_and_bad_rows() -> None:
    rows = [
        article(0),
        article(1, title=None, title_source=None),  # title is nullable: passes
        article(2, body=None),
        article(3, body="Prices rose.\n\nWhat is this ???? sign"),
        article(4, body="A post\n- Joined\nOct 2019\nmore text"),
        article(5, body="Story text.\nClick to expand...\nmore"),
        article(6, body="Story text.\nhttps://example.com/a/b?x=1\nmore"),
        article(7, published_date=dt.date(2024, 6, 3)),  # today + 2
        article(8, published_date=dt.date(1899, 12, 31)),
        article(9, word_count=-3),
        article(10, language="xx"),
        article(11, date_source="guessed"),
        article(12, article_id="data/in/a0.txt#0"),  # duplicate of row 0's id
        article(13, published_date=dt.date(2024, 6, 2), body="What??? Three marks are fine.", language="und",
                date_source="none"),
        article(14, body="- Reaction score\nx"),
        article(15, body="x\n-Messages  \ny"),
    ]
    o = validate_table("articles", articles(rows), today=TODAY)
    assert o.ok and o.batch_failures == []
    got = {r.source_uri: (r.reason, r.article_id) for r in o.rejected}
    assert got == {
        "data/in/a0.txt": (UNIQUE, "data/in/a0.txt#0"),  # both copies of a duplicated id
        "data/in/a2.txt": (NN, "data/in/a2.txt#0"),
        "data/in/a3.txt": (NO_MATCH, "data/in/a3.txt#0"),
        "data/in/a4.txt": (NO_MATCH, "data/in/a4.txt#0"),
        "data/in/a5.txt": (NO_MATCH, "data/in/a5.txt#0"),
        "data/in/a6.txt": (NO_MATCH, "data/in/a6.txt#0"),
        "data/in/a7.txt": (BETWEEN, "data/in/a7.txt#0"),
        "data/in/a8.txt": (BETWEEN, "data/in/a8.txt#0"),
        "data/in/a9.txt": (BETWEEN, "data/in/a9.txt#0"),
        "data/in/a10.txt": (IN_SET, "data/in/a10.txt#0"),
        "data/in/a11.txt": (MATCH, "data/in/a11.txt#0"),
        "data/in/a12.txt": (UNIQUE, "data/in/a0.txt#0"),
        "data/in/a14.txt": (NO_MATCH, "data/in/a14.txt#0"),
        "data/in/a15.txt": (NO_MATCH, "data/in/a15.txt#0"),
    }
    assert len(o.rejected) == 14
    assert o.passed.column("source_uri").to_pylist() == ["data/in/a1.txt", "data/in/a13.txt"]
    assert o.passed.schema == ARTICLES
    assert all(r.stage == "validate" for r in o.rejected)
    by = {r.source_uri: r.detail for r in o.rejected}
    assert by["data/in/a2.txt"] == "column=body value=null: must not be null (non-nullable in schemas/)"
    assert by["data/in/a7.txt"] == ("column=published_date value=2024-06-03: "
                                    "published_date between 1900-01-01 and today + 1 day")
    assert by["data/in/a9.txt"] == "column=word_count value=-3: word_count >= 1"
    assert by["data/in/a4.txt"].startswith("column=body value=A post\n- Joined\n")
    assert "forum chrome line" in by["data/in/a4.txt"]
    assert "run of 4+ '?'" in by["data/in/a3.txt"]
    assert "'Click to expand'" in by["data/in/a5.txt"]
    assert "only a URL" in by["data/in/a6.txt"]


def test_one_rejection_per_row_first_reason_in_suite_order() -> None:
    o = validate_table("articles", articles([article(0), article(1, language="xx", word_count=0)]), today=TODAY)
    (r,) = o.rejected
    assert r.reason == IN_SET  # language comes before word_count in the suite
    assert r.detail == (
        "column=language value=xx: language is ISO 639-1 or 'und'; also expect_column_values_to_be_between "
        "(column=word_count)"
    )


def test_value_truncated_to_200_chars() -> None:
    body = "????" + "x" * 500
    (r,) = validate_table("articles", articles([article(0, body=body)]), today=TODAY).rejected
    value = r.detail.split("value=", 1)[1].split(": body still", 1)[0]
    assert value == body[:200] + "…"


def test_today_defaults_to_the_current_date() -> None:
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    o = validate_table("articles", articles([article(0, published_date=tomorrow),
                                             article(1, published_date=tomorrow + dt.timedelta(days=1))]))
    assert [r.source_uri for r in o.rejected] == ["data/in/a1.txt"]


def test_no_200_row_cap() -> None:
    rows = [article(i) if i % 2 else article(i, body=f"text {i} ???? lost") for i in range(5000)]
    o = validate_table("articles", articles(rows), today=TODAY)
    assert len(o.rejected) == 2500 and o.passed.num_rows == 2500
    assert {r.reason for r in o.rejected} == {NO_MATCH}
    assert sorted(int(r.source_uri[9:-4]) for r in o.rejected) == list(range(0, 5000, 2))
    # the stored result stays small: no full index/value lists
    text = json.dumps(o.result)
    assert len(text) < 200_000
    assert not any(k in r["result"] for r in o.result["results"]
                   for k in ("unexpected_index_list", "unexpected_list", "unexpected_index_query"))
    (res,) = [r for r in o.result["results"] if r["expectation_config"]["kwargs"].get("regex") == r"\?\?\?\?"]
    assert res["result"]["unexpected_count"] == 2500 and len(res["result"]["partial_unexpected_list"]) == 20


def test_missing_column_is_a_batch_failure() -> None:
    t = articles([article(0), article(1, word_count=0)]).drop_columns(["language"])
    o = validate_table("articles", t, today=TODAY)
    assert not o.ok
    assert o.batch_failures == [
        "articles: schema drift: missing columns ['language'] (expect_table_columns_to_match_ordered_list)"
    ]
    assert _reasons(o) == [("data/in/a1.txt#0", BETWEEN)]  # the other rows are still checked


def test_extra_and_mistyped_columns_are_batch_failures() -> None:
    t = articles([article(0)])
    t = t.set_column(t.schema.get_field_index("word_count"), "word_count", pa.array([16], pa.int64()))
    t = t.append_column("extra", pa.array(["x"]))
    o = validate_table("articles", t, today=TODAY)
    assert o.batch_failures == [
        "articles: schema drift: unexpected columns ['extra'] (expect_table_columns_to_match_ordered_list)",
        "articles: column word_count has type int64, schemas/ says int32 (expect_column_values_to_be_of_type)",
    ]


def test_reordered_columns_are_a_batch_failure() -> None:
    t = articles([article(0)])
    t = t.select(["title", "article_id", *t.column_names[2:]])
    (msg,) = validate_table("articles", t, today=TODAY).batch_failures
    assert msg.startswith("articles: schema drift: columns out of order")


def test_row_count() -> None:
    """articles: as many rows as records read minus records quarantined (the old "never empty" rule was
    wrong: a batch whose records are all rejected is legitimate, and it could never fire in a run)."""
    o = validate_table("articles", articles([]), today=TODAY, expected_rows=2)
    assert o.batch_failures == [
        "articles: every record read becomes an article or a quarantine row (expected_rows: records read minus "
        "records quarantined): observed 0 (expect_table_row_count_to_be_between, kwargs {'min_value': 2, "
        "'max_value': 2})"
    ]
    assert validate_table("articles", articles([]), today=TODAY, expected_rows=0).ok
    assert not validate_table("articles", articles([article(0)]), today=TODAY, expected_rows=0).ok
    assert validate_table("articles", articles([article(0)]), today=TODAY).ok  # not given: not checked
    assert validate_table("article_sectors", table(SCHEMAS["article_sectors"], [])).ok


def test_raw_documents() -> None:
    rows = [raw_doc(0), raw_doc(1, record_index=-1), raw_doc(2, content_hash="nothex"), raw_doc(3, format="pdf"),
            raw_doc(4, article_id="no-index")]
    o = validate_table("raw_documents", table(SCHEMAS["raw_documents"], rows))
    assert o.ok
    assert _reasons(o) == [("data/in/a1.txt#0", BETWEEN), ("data/in/a2.txt#0", MATCH),
                           ("data/in/a3.txt#0", IN_SET), ("no-index", MATCH)]
    assert o.rejected[0].source_uri == "data/in/a1.txt"


def test_article_sectors_with_taxonomy() -> None:
    suites = build_suites(sector_ids=["energy", "defence"])
    rows = [sector(0), sector(1, sector="astrology"), sector(2, score=1.5), sector(3, score=float("nan")),
            sector(0), sector(4, evidence=None)]
    o = validate_table("article_sectors", table(SCHEMAS["article_sectors"], rows), suites)
    assert o.ok
    assert _reasons(o) == [
        ("data/in/a0.txt#0", "expect_compound_columns_to_be_unique"),
        ("data/in/a1.txt#0", IN_SET),
        ("data/in/a2.txt#0", BETWEEN),
        ("data/in/a3.txt#0", NN),  # NaN score: pandas (and so GX) count it as missing
        ("data/in/a0.txt#0", "expect_compound_columns_to_be_unique"),
        ("data/in/a4.txt#0", NN),
    ]
    assert all(r.source_uri == "" for r in o.rejected)  # the table has no source_uri
    assert o.rejected[0].detail.startswith("column=article_id,sector value=(data/in/a0.txt#0, energy): ")
    assert o.passed.num_rows == 0


def test_entities_and_duplicates() -> None:
    o = validate_table("article_entities", table(SCHEMAS["article_entities"],
                                                 [entity(0), entity(1, entity_type="planet"), entity(2, mentions=0)]))
    assert _reasons(o) == [("data/in/a1.txt#0", IN_SET), ("data/in/a2.txt#0", BETWEEN)]
    o = validate_table("duplicates", table(SCHEMAS["duplicates"], [
        duplicate(1), duplicate(2, method="fuzzy"), duplicate(3, similarity=-0.1), duplicate(4, method="exact"),
    ]))
    # duplicates is bookkeeping of dedup: a bad row is a dedup bug, so it fails the batch (the copy itself is
    # a fine article; quarantining it would hide the bug)
    assert o.rejected == [] and o.passed.num_rows == 4
    assert o.batch_failures == [
        "duplicates: 1 of 4 rows fail expect_column_values_to_be_in_set on method (method is exact, near or "
        "containment); e.g. fuzzy",
        "duplicates: 1 of 4 rows fail expect_column_values_to_be_between on similarity (similarity in [0, 1]); "
        "e.g. -0.1",
    ]


def test_quarantine_failures_are_batch_level() -> None:
    t = table(SCHEMAS["quarantine"], [quarantine_row(0), quarantine_row(1, stage="publish")])
    o = validate_table("quarantine", t)
    assert o.rejected == [] and o.passed.num_rows == 2
    assert o.batch_failures == ["quarantine: 1 of 2 rows fail expect_column_values_to_be_in_set on stage "
                                "(stage is ingest, clean, extract, validate or load); e.g. publish"]


def _daily() -> pa.Table:
    d = dt.date
    return pa.Table.from_pylist([
        {"day": d(2024, 1, 3), "sector": "energy", "articles": 2, "unique_stories": 1, "mentions": 5, "share": 0.5},
        {"day": d(2024, 1, 9), "sector": "energy", "articles": 1, "unique_stories": 1, "mentions": 1, "share": 1.0},
        {"day": None, "sector": "energy", "articles": 1, "unique_stories": 1, "mentions": 2, "share": 1.0},
    ], schema=SECTOR_DAILY)


def _monthly(jan_articles: int = 3) -> pa.Table:
    d = dt.date
    return pa.Table.from_pylist([
        {"month": d(2024, 1, 1), "sector": "energy", "articles": jan_articles, "unique_stories": 2, "mentions": 6,
         "share": 0.75},
        {"month": None, "sector": "energy", "articles": 1, "unique_stories": 1, "mentions": 2, "share": 1.0},
    ], schema=SECTOR_MONTHLY)


def test_marts_pass_and_reconcile() -> None:
    assert validate_table("sector_daily", _daily()).ok
    o = validate_table("sector_monthly", _monthly(), reconcile_with=_daily())
    assert o.ok and o.passed.num_rows == 2


def test_mart_from_duckdb_reader() -> None:
    import duckdb

    con = duckdb.connect()
    con.register("d", _daily())
    reader = con.sql("select * from d").arrow()  # DuckDB 2 returns a RecordBatchReader
    o = validate_table("sector_daily", reader)
    assert o.ok, o.batch_failures
    assert o.passed.num_rows == 3


def test_marts_not_reconciling_fail_the_batch() -> None:
    o = validate_table("sector_monthly", _monthly(jan_articles=4), reconcile_with=_daily())
    assert o.batch_failures == [
        "sector_monthly: 1 (month, sector) rows do not reconcile with sector_daily: 2024-01-01 energy: monthly "
        "(articles, mentions)=(4, 6) vs daily sums=(3, 6)"
    ]
    bad = _daily()
    bad = bad.set_column(5, "share", pa.array([1.5, 1.0, 1.0])).set_column(
        3, "unique_stories", pa.array([3, 1, 1], pa.int64()))
    o = validate_table("sector_daily", bad)
    assert o.rejected == [] and o.passed.num_rows == 3
    assert o.batch_failures == [
        "sector_daily: 1 of 3 rows fail expect_column_pair_values_a_to_be_greater_than_b on "
        "articles,unique_stories (articles >= unique_stories (copies included)); e.g. (2, 3)",
        "sector_daily: 1 of 3 rows fail expect_column_values_to_be_between on share (share in [0, 1]); e.g. 1.5",
    ]


def test_result_is_jsonable_and_complete() -> None:
    o = validate_table("articles", articles([article(0), article(1, body=None)]), today=TODAY)
    again = json.loads(json.dumps(o.result))
    assert again == o.result
    n_exp = len(build_suites()["articles"].expectations)
    assert o.result["statistics"]["evaluated_expectations"] == n_exp == len(o.result["results"])
    assert o.result["meta"]["newsetl"] == {"table": "articles", "rows": 2, "rejected_rows": 1, "batch_failures": []}
    assert o.result["results"][0]["expectation_config"]["type"] == "expect_table_columns_to_match_ordered_list"


def test_no_progress_bars_on_the_terminal(capfd: pytest.CaptureFixture[str], monkeypatch) -> None:
    monkeypatch.delenv("TQDM_DISABLE", raising=False)  # the context config alone must silence tqdm
    validate_table("articles", articles([article(i) for i in range(50)]), today=TODAY)
    out, err = capfd.readouterr()
    assert "Calculating Metrics" not in out + err
    assert err == ""


def test_context_is_reused_and_can_be_given(capfd: pytest.CaptureFixture[str], monkeypatch) -> None:
    monkeypatch.delenv("TQDM_DISABLE", raising=False)
    assert get_context() is get_context()
    import great_expectations as gx

    ctx = gx.get_context(mode="ephemeral")
    o1 = validate_table("articles", articles([article(0)]), context=ctx, today=TODAY)
    o2 = validate_table("articles", articles([article(1, body=None)]), context=ctx, today=TODAY)
    assert o1.ok and o1.rejected == [] and [r.reason for r in o2.rejected] == [NN]
    assert "Calculating Metrics" not in "".join(capfd.readouterr())


_BAD = {
    "ok": {},
    "null_body": {"body": None},
    "qmarks": {"body": "a ???? b"},
    "joined": {"body": "a\n- Joined\nb"},
    "future": {"published_date": dt.date(2030, 1, 1)},
    "lang": {"language": "zz"},
    "words": {"word_count": 0},
}


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(sorted(_BAD)), min_size=1, max_size=40))
def test_every_row_either_passes_or_is_rejected(kinds: list[str]) -> None:
    rows = [article(i, **_BAD[k]) for i, k in enumerate(kinds)]
    o = validate_table("articles", articles(rows), today=TODAY)
    rejected = [r.source_uri for r in o.rejected]
    passed = o.passed.column("source_uri").to_pylist()
    assert sorted(rejected + passed) == sorted(r["source_uri"] for r in rows)
    assert rejected == [f"data/in/a{i}.txt" for i, k in enumerate(kinds) if k != "ok"]
