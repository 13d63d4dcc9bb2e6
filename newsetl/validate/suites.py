"""Great Expectations suites for every validated table, generated from ``schemas/``.

Every suite is derived from the pyarrow schema of its table (``schemas.TABLES``; the two marts are declared
in :data:`MART_SCHEMAS` until they move into ``schemas/tables.py``):

* batch level (the run fails, the warehouse is left untouched): the ordered column list and each column's
  Arrow type (evaluated on the Arrow schema itself, exactly: ``int32`` is not ``int64``), the row count, and
  every expectation of the bookkeeping tables (:data:`ALL_BATCH_LEVEL`);
* row level (failing rows go to quarantine, the others pass): not-null for every non-nullable field,
  uniqueness of the key, value sets, ranges, length bounds and regexes that must not match a clean body.

Where each suite runs, and what a failing row does (decided per table):

==================  ===========================  ==========================================================
table               runs in                      a failing row
==================  ===========================  ==========================================================
raw_documents       the batch (stage 2)          quarantines its record (the article with that id goes too)
articles            the batch                    quarantines the article (its tags, entities, comments too)
article_sectors     the batch                    quarantines the article it tags
article_entities    the batch                    quarantines the article
duplicates          dedup (stage 3)              fails the run: a copy's bookkeeping is wrong, which is a bug
                                                 in dedup, not bad input (the article itself is fine)
quarantine          finalize (stage 4)           fails the run: a quarantine row cannot be quarantined
sector_daily,       the gate before the commit   fails the run (marts are aggregates: the gate maps failing
sector_monthly                                   rows to this run's articles first, ``newsetl.run.gate``)
==================  ===========================  ==========================================================

``articles`` has no "never empty" rule (a batch whose records are all rejected is legitimate); its row
count must equal the records read minus the records quarantined (``$PARAMETER: expected_rows``): every
record read becomes an article or a quarantine row, so a batch that read good records but produced no
article (or lost some) fails.

Each expectation carries ``meta.newsetl = {"level": "row"|"batch", "why": ...}``; GX's own ``severity`` is
``warning`` for row-level and ``critical`` for batch-level expectations. The committed JSON files in
``expectations/`` are written by :func:`export_suites` (``python -m newsetl.validate --export expectations/``)
and a test checks they equal :func:`build_suites` output.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import great_expectations as gx
import great_expectations.expectations as gxe
import pyarrow as pa
from great_expectations.expectations.metadata_types import FailureSeverity

from newsetl.extract.language import language_values
from schemas import TABLES

ROW = "row"
BATCH = "batch"

#: Suite parameter holding the latest plausible date (today + 1 day), filled in at validation time.
MAX_DATE_PARAMETER = "max_plausible_date"
MIN_DATE = dt.date(1900, 1, 1)

#: The marts (``warehouse/sql/marts/sector_{daily,monthly}.sql``, read back from DuckDB); kept here until
#: they are added to ``schemas/tables.py``. Undated articles are counted under a NULL day / month.
_MART_TAIL = [
    pa.field("sector", pa.string(), nullable=False, metadata={"doc": "sector id from the taxonomy"}),
    pa.field("articles", pa.int64(), nullable=False, metadata={"doc": "tagged articles, copies included"}),
    pa.field("unique_stories", pa.int64(), nullable=False, metadata={"doc": "distinct story_id"}),
    pa.field("mentions", pa.int64(), nullable=False, metadata={"doc": "sum of matched term occurrences"}),
    pa.field("share", pa.float64(), nullable=False,
             metadata={"doc": "articles / all articles of the period, rounded to 4 places"}),
]
SECTOR_DAILY = pa.schema(
    [pa.field("day", pa.date32(), metadata={"doc": "publication day; NULL for undated articles"}), *_MART_TAIL]
)
SECTOR_MONTHLY = pa.schema(
    [pa.field("month", pa.date32(), metadata={"doc": "first day of the publication month; NULL when undated"}),
     *_MART_TAIL]
)
MART_SCHEMAS: dict[str, pa.Schema] = {"sector_daily": SECTOR_DAILY, "sector_monthly": SECTOR_MONTHLY}

#: Tables that get a suite, in this order.
SUITE_TABLES: tuple[str, ...] = (
    "raw_documents",
    "articles",
    "article_sectors",
    "article_entities",
    "duplicates",
    "quarantine",
    "sector_daily",
    "sector_monthly",
)
#: Tables whose every expectation is batch-level (bookkeeping: quarantining their rows makes no sense).
ALL_BATCH_LEVEL = frozenset({"duplicates", "quarantine", "sector_daily", "sector_monthly"})
#: Tables whose row count is given at validation time (``$PARAMETER: expected_rows``; unchecked when None).
COUNTED = frozenset({"articles"})
#: Suite parameter holding a batch's expected row count (records read minus records quarantined).
EXPECTED_ROWS_PARAMETER = "expected_rows"

#: The values of ``articles.language``: ISO 639-1, every code the language detector can return (derived
#: from it: ``newsetl.extract.language.allowed_languages``; today all of them are ISO 639-1 codes), and 'und'.
LANGUAGES = language_values()

#: ``articles.date_source`` is ``none`` or ``<prefix>`` / ``<prefix>:<detail>`` (e.g. ``json:date``,
#: ``meta:article:published_time``, ``jsonld:datePublished``) with one of these prefixes.
DATE_SOURCE_PREFIXES = (
    "field",  # a structured input's mapped date field
    "json",  # JSON / JSONL record key
    "csv",  # CSV column
    "feed",  # RSS/Atom entry date
    "meta",  # HTML <meta> tag
    "jsonld",  # schema.org JSON-LD
    "time",  # HTML <time datetime>
    "htmldate",  # htmldate's heuristics
    "url",  # date in the article URL
    "dateline",  # text dateline (ISLAMABAD, March 3: ...)
    "text",  # a date stated in the body text
    "filename",  # date in the file name
    "html",  # HTML page: html:meta, html:jsonld, html:time, html:text
)
DATE_SOURCE_REGEX = r"^(?:none|(?:" + "|".join(DATE_SOURCE_PREFIXES) + r")(?::\S+)?)$"

FORMATS = ("txt", "html", "json", "jsonl", "csv", "feed")  # schemas: raw_documents.format
STAGES = ("ingest", "clean", "extract", "validate", "load")  # schemas: quarantine.stage
ENTITY_TYPES = ("country", "person", "organisation")  # schemas: article_entities.entity_type
DEDUP_METHODS = ("exact", "near", "containment")  # schemas: duplicates.method
ARTICLE_ID_REGEX = r"^[\s\S]+#[0-9]+$"  # `<source_uri>#<record_index>` (a file name may hold a line break)
SECTOR_ID_REGEX = r"^[a-z][a-z0-9_]*$"  # used when no taxonomy ids are given
BODY_MIN_CHARS, BODY_MAX_CHARS = 1, 500_000
TITLE_MAX_CHARS = 1_000

#: Python's ``\S`` as a class written without ``\S`` (``\s`` is every character ``str.isspace`` accepts:
#: ``\t``-``\r``, ``\x1c``-``\x20``, ``\x85``, ``\xa0`` and these others, tested), which RE2 reads as Python does.
NOT_SPACE = "[^\\t-\\r\\x1c-\\x20\\x85\\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"

#: Regexes that must not match a body after cleaning, as (regex, its plain form, why). GX's pandas engine
#: runs them with ``Series.str.contains``, which on an Arrow-backed column uses Arrow's RE2 when it can be
#: sure RE2 finds what Python's ``re`` finds, else ``re.search`` per body. Each is written so that pandas can
#: be sure, and finds exactly what its plain form finds (tested against ``re`` and against Arrow's RE2:
#: ``tests/validate/test_body_regexes.py``): ``[ \t]*(?:\n|\Z)`` for ``[ \t]*$`` (pandas sends a ``$`` to
#: ``re`` when a body holds a line break), ``NOT_SPACE`` for ``\S``, ``\?\?\?\?`` for ``\?{4,}`` (a literal,
#: also fast in ``re``). Measured through GX's call on 2,000 real bodies: 23 -> 9, 23 -> 9 and 28 -> 1 us per
#: body, most of a batch's validation.
BODY_FORBIDDEN: tuple[tuple[str, str, str], ...] = (
    (r"(?m)^- ?(?:Joined|Messages|Reaction score)[ \t]*(?:\n|\Z)",
     r"(?m)^- ?(?:Joined|Messages|Reaction score)[ \t]*$",
     "forum chrome line (- Joined / - Messages / - Reaction score)"),
    (r"Click to expand", r"Click to expand", "forum chrome 'Click to expand'"),
    (r"\?\?\?\?", r"\?{4,}", "run of 4+ '?' (characters lost to encoding before ingest)"),
    (r"(?m)^[ \t]*(?:https?://|www\.)" + NOT_SPACE + r"+[ \t]*(?:\n|\Z)",
     r"(?m)^[ \t]*(?:https?://|www\.)\S+[ \t]*$", "line holding only a URL"),
)


def _meta(level: str, why: str) -> dict[str, Any]:
    return {"newsetl": {"level": level, "why": why}}


class _Builder:
    def __init__(self, table: str) -> None:
        self.table = table
        self.items: list[gxe.Expectation] = []

    def add(self, cls: type[gxe.Expectation], level: str, why: str, **kwargs: Any) -> None:
        if self.table in ALL_BATCH_LEVEL:
            level = BATCH
        sev = FailureSeverity.CRITICAL if level == BATCH else FailureSeverity.WARNING
        self.items.append(cls(**kwargs, meta=_meta(level, why), severity=sev))

    def suite(self) -> gx.ExpectationSuite:
        return gx.ExpectationSuite(name=self.table, expectations=self.items, meta={"table": self.table})


def _schema_for(table: str) -> pa.Schema:
    return MART_SCHEMAS[table] if table in MART_SCHEMAS else TABLES[table].schema


def _date_max(today: dt.date | None) -> Any:
    if today is None:
        return {"$PARAMETER": MAX_DATE_PARAMETER}
    return today + dt.timedelta(days=1)


def _sector(b: _Builder, sector_ids: Sequence[str] | None) -> None:
    if sector_ids:
        b.add(gxe.ExpectColumnValuesToBeInSet, ROW, "sector must be a taxonomy id", column="sector",
              value_set=sorted(set(sector_ids)))
    else:
        b.add(gxe.ExpectColumnValuesToMatchRegex, ROW, "sector must look like a taxonomy id", column="sector",
              regex=SECTOR_ID_REGEX)


def _build_one(table: str, sector_ids: Sequence[str] | None, today: dt.date | None) -> gx.ExpectationSuite:
    schema = _schema_for(table)
    b = _Builder(table)
    # batch level: shape of the table (evaluated on the Arrow schema, see newsetl.validate.runner)
    b.add(gxe.ExpectTableColumnsToMatchOrderedList, BATCH, "column set and order of schemas/",
          column_list=list(schema.names))
    for f in schema:
        b.add(gxe.ExpectColumnValuesToBeOfType, BATCH, "Arrow type of schemas/", column=f.name, type_=str(f.type))
    if table in COUNTED:
        expected = {"$PARAMETER": EXPECTED_ROWS_PARAMETER}
        b.add(gxe.ExpectTableRowCountToBeBetween, BATCH, "every record read becomes an article or a quarantine "
              "row (expected_rows: records read minus records quarantined)", min_value=expected, max_value=expected)
    else:
        b.add(gxe.ExpectTableRowCountToBeBetween, BATCH, "row count (may be empty)", min_value=0)
    # row level: not-null of every non-nullable field
    for f in schema:
        if not f.nullable:
            b.add(gxe.ExpectColumnValuesToNotBeNull, ROW, "must not be null (non-nullable in schemas/)",
                  column=f.name)
    date_max = _date_max(today)
    if table == "raw_documents":
        b.add(gxe.ExpectColumnValuesToBeUnique, ROW, "article_id is the record's key", column="article_id")
        b.add(gxe.ExpectColumnValuesToMatchRegex, ROW, "article_id is <source_uri>#<record_index>",
              column="article_id", regex=ARTICLE_ID_REGEX)
        b.add(gxe.ExpectColumnValuesToBeBetween, ROW, "record_index >= 0", column="record_index", min_value=0)
        b.add(gxe.ExpectColumnValuesToBeInSet, ROW, "format must be a detected input format", column="format",
              value_set=list(FORMATS))
        b.add(gxe.ExpectColumnValuesToMatchRegex, ROW, "content_hash is an xxh3-128 hex digest",
              column="content_hash", regex=r"^[0-9a-f]{32}$")
        b.add(gxe.ExpectColumnValuesToBeBetween, ROW, "size_bytes >= 0", column="size_bytes", min_value=0)
    elif table == "articles":
        b.add(gxe.ExpectColumnValuesToBeUnique, ROW, "article_id is the article's key", column="article_id")
        b.add(gxe.ExpectColumnValuesToMatchRegex, ROW, "article_id is <source_uri>#<record_index>",
              column="article_id", regex=ARTICLE_ID_REGEX)
        b.add(gxe.ExpectColumnValueLengthsToBeBetween, ROW,
              f"body length in [{BODY_MIN_CHARS}, {BODY_MAX_CHARS}] characters", column="body",
              min_value=BODY_MIN_CHARS, max_value=BODY_MAX_CHARS)
        for regex, _plain, why in BODY_FORBIDDEN:
            b.add(gxe.ExpectColumnValuesToNotMatchRegex, ROW, f"body still holds {why}", column="body", regex=regex)
        b.add(gxe.ExpectColumnValueLengthsToBeBetween, ROW, f"title length in [1, {TITLE_MAX_CHARS}] when present",
              column="title", min_value=1, max_value=TITLE_MAX_CHARS)
        b.add(gxe.ExpectColumnValuesToBeBetween, ROW, "published_date between 1900-01-01 and today + 1 day",
              column="published_date", min_value=MIN_DATE, max_value=date_max)
        b.add(gxe.ExpectColumnValuesToMatchRegex, ROW,
              "date_source is 'none' or one of the documented prefixes (DATE_SOURCE_PREFIXES)",
              column="date_source", regex=DATE_SOURCE_REGEX)
        b.add(gxe.ExpectColumnValuesToBeInSet, ROW, "language is ISO 639-1 or 'und'", column="language",
              value_set=list(language_values()))
        b.add(gxe.ExpectColumnValuesToBeBetween, ROW, "word_count >= 1", column="word_count", min_value=1)
        b.add(gxe.ExpectColumnValuesToBeBetween, ROW, "encoding_loss >= 0", column="encoding_loss", min_value=0)
        b.add(gxe.ExpectColumnValuesToBeInSet, ROW, "format must be a detected input format", column="format",
              value_set=list(FORMATS))
        b.add(gxe.ExpectColumnValuesToMatchRegex, ROW, "story_id is an article_id",
              column="story_id", regex=ARTICLE_ID_REGEX)
    elif table == "article_sectors":
        b.add(gxe.ExpectCompoundColumnsToBeUnique, ROW, "one row per (article_id, sector)",
              column_list=["article_id", "sector"])
        _sector(b, sector_ids)
        b.add(gxe.ExpectColumnValuesToBeBetween, ROW, "score in [0, 1]", column="score", min_value=0.0,
              max_value=1.0)
        b.add(gxe.ExpectColumnValuesToBeBetween, ROW, "mentions >= 0", column="mentions", min_value=0)
    elif table == "article_entities":
        b.add(gxe.ExpectCompoundColumnsToBeUnique, ROW, "one row per (article_id, entity_type, entity_id)",
              column_list=["article_id", "entity_type", "entity_id"])
        b.add(gxe.ExpectColumnValuesToBeInSet, ROW, "entity_type is country, person or organisation",
              column="entity_type", value_set=list(ENTITY_TYPES))
        b.add(gxe.ExpectColumnValuesToBeBetween, ROW, "mentions >= 1", column="mentions", min_value=1)
    elif table == "duplicates":
        b.add(gxe.ExpectColumnValuesToBeUnique, ROW, "a copy has one canonical story", column="article_id")
        b.add(gxe.ExpectColumnValuesToBeInSet, ROW, "method is exact, near or containment", column="method",
              value_set=list(DEDUP_METHODS))
        b.add(gxe.ExpectColumnValuesToBeBetween, ROW, "similarity in [0, 1]", column="similarity",
              min_value=0.0, max_value=1.0)
        b.add(gxe.ExpectColumnValuesToMatchRegex, ROW, "canonical_article_id is an article_id",
              column="canonical_article_id", regex=ARTICLE_ID_REGEX)
    elif table == "quarantine":
        b.add(gxe.ExpectColumnValuesToBeInSet, BATCH, "stage is ingest, clean, extract, validate or load",
              column="stage", value_set=list(STAGES))
        b.add(gxe.ExpectColumnValuesToMatchRegex, BATCH, "reason is short and machine-readable",
              column="reason", regex=r"^[a-z][a-z0-9_]{0,79}$")
    elif table in MART_SCHEMAS:
        period = "day" if table == "sector_daily" else "month"
        b.add(gxe.ExpectCompoundColumnsToBeUnique, BATCH, f"one row per ({period}, sector)",
              column_list=[period, "sector"])
        b.add(gxe.ExpectColumnValuesToBeBetween, BATCH, f"{period} between 1900-01-01 and today + 1 day",
              column=period, min_value=MIN_DATE, max_value=date_max)
        _sector(b, sector_ids)
        b.add(gxe.ExpectColumnValuesToBeBetween, BATCH, "a mart row counts at least one article",
              column="articles", min_value=1)
        b.add(gxe.ExpectColumnValuesToBeBetween, BATCH, "unique_stories >= 1", column="unique_stories",
              min_value=1)
        b.add(gxe.ExpectColumnPairValuesAToBeGreaterThanB, BATCH, "articles >= unique_stories (copies included)",
              column_A="articles", column_B="unique_stories", or_equal=True)
        b.add(gxe.ExpectColumnValuesToBeBetween, BATCH, "mentions >= 0", column="mentions", min_value=0)
        b.add(gxe.ExpectColumnValuesToBeBetween, BATCH, "share in [0, 1]", column="share", min_value=0.0,
              max_value=1.0)
    return b.suite()


def build_suites(
    sector_ids: list[str] | None = None, today: dt.date | None = None
) -> dict[str, gx.ExpectationSuite]:
    """One suite per table (see :data:`SUITE_TABLES`), built from ``schemas/``.

    ``sector_ids``: the taxonomy's sector ids (value set of ``sector``); without them ``sector`` is only
    checked against :data:`SECTOR_ID_REGEX`. ``today``: bakes ``today + 1 day`` into the date ranges; without
    it the upper bound is the suite parameter ``$PARAMETER: max_plausible_date``, filled in at validation
    time (that is the form committed to ``expectations/``).
    """
    return {t: _build_one(t, sector_ids, today) for t in SUITE_TABLES}


def suite_json(suite: gx.ExpectationSuite) -> dict[str, Any]:
    """The JSON form committed to ``expectations/`` (``suite.to_json_dict()`` minus volatile keys)."""
    d: dict[str, Any] = copy.deepcopy(suite.to_json_dict())  # type: ignore[assignment]
    d.pop("id", None)
    d.get("meta", {}).pop("great_expectations_version", None)
    for e in d.get("expectations", []):
        e.pop("id", None)
    return json.loads(json.dumps(d, default=str))


def export_suites(out_dir: Path, suites: dict[str, gx.ExpectationSuite] | None = None) -> list[Path]:
    """Write ``out_dir/<table>.json`` for every suite (default: :func:`build_suites` ``()``)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    suites = suites if suites is not None else build_suites()
    paths = []
    for name, suite in suites.items():
        p = out_dir / f"{name}.json"
        # ASCII: the space characters of NOT_SPACE are shown as \u escapes, not as invisible characters
        p.write_text(json.dumps(suite_json(suite), indent=2, sort_keys=True, ensure_ascii=True) + "\n",
                     encoding="utf-8")
        paths.append(p)
    return paths


def level(expectation_json: dict[str, Any] | Any) -> str:
    """``row`` or ``batch`` for an expectation (object or its JSON dict)."""
    meta = expectation_json.get("meta") if isinstance(expectation_json, dict) else expectation_json.meta
    return str(((meta or {}).get("newsetl") or {}).get("level", BATCH))


def why(expectation: Any) -> str:
    meta = expectation.get("meta") if isinstance(expectation, dict) else expectation.meta
    return str(((meta or {}).get("newsetl") or {}).get("why", ""))


#: Expectations evaluated on the Arrow schema rather than on the data.
SCHEMA_TYPES = frozenset({"expect_table_columns_to_match_ordered_list", "expect_column_values_to_be_of_type"})


def expectation_columns(type_: str, kwargs: dict[str, Any]) -> list[str]:
    """The data columns an expectation reads (none for the schema and row-count expectations)."""
    if type_ in SCHEMA_TYPES or type_.startswith("expect_table_"):
        return []
    if "column" in kwargs:
        return [kwargs["column"]]
    if "column_A" in kwargs:
        return [kwargs["column_A"], kwargs["column_B"]]
    return list(kwargs.get("column_list") or [])
