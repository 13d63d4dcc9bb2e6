"""A tiny warehouse on inline rows: Parquet cast to ``schemas/`` and DuckDB views over it (or a commit)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from newsetl import sql as wsql
from newsetl.load import StagedRun, commit
from newsetl.store import Warehouse, cast_to_schema, write_parquet
from schemas import PARTITION_COLUMN

NOW = dt.datetime(2024, 3, 5, tzinfo=dt.UTC)
D1, D2 = dt.date(2024, 3, 1), dt.date(2024, 3, 2)  # a Friday and a Saturday of the ISO week of 2024-02-26


def article(aid: str, day: dt.date | None, *, story: str | None = None, source: str | None = "Dawn",
            domain: str | None = None, title: str = "t") -> dict[str, Any]:
    return {
        "article_id": aid, "title": title, "body": "body text", "published_date": day,
        "date_source": "field:date" if day else "none", "source_name": source, "source_domain": domain,
        "source_uri": aid.split("#")[0], "language": "en", "word_count": 2, "encoding_loss": 0, "format": "txt",
        "content_hash": aid, "story_id": story or aid, "is_duplicate": story is not None and story != aid,
        "ingested_at": NOW, "run_id": "r1", "pub_month": day.strftime("%Y-%m") if day else "unknown",
    }


def tables(articles: list[dict[str, Any]], sectors: list[tuple[str, str, int]],
           entities: list[tuple[str, str, str, int]], duplicates: list[tuple[str, str]] = ()
           ) -> dict[str, pa.Table]:
    """Arrow tables cast to schemas/: sectors (article_id, sector, mentions); entities (article_id, type,
    id, mentions); duplicates (copy, canonical)."""
    month = {a["article_id"]: a["pub_month"] for a in articles}
    out = {"articles": cast_to_schema(pa.Table.from_pylist(articles), "articles")}
    if sectors:
        seen: dict[str, int] = {}
        ranks = [seen.__setitem__(s[0], seen.get(s[0], 0) + 1) or seen[s[0]] for s in sectors]
        out["article_sectors"] = cast_to_schema(pa.table({
            "article_id": [s[0] for s in sectors], "sector": [s[1] for s in sectors],
            "score": [0.9] * len(sectors), "tagged": [True] * len(sectors), "rank": ranks,
            "is_primary": [r == 1 for r in ranks], "mentions": [s[2] for s in sectors],
            "evidence": ["x"] * len(sectors), "run_id": ["r1"] * len(sectors),
            "pub_month": [month.get(s[0], "unknown") for s in sectors],
        }), "article_sectors")
    if entities:
        out["article_entities"] = cast_to_schema(pa.table({
            "article_id": [e[0] for e in entities], "entity_type": [e[1] for e in entities],
            "entity_id": [e[2] for e in entities], "name": [e[2].replace("_", " ").title() for e in entities],
            "mentions": [e[3] for e in entities], "run_id": ["r1"] * len(entities),
            "pub_month": [month.get(e[0], "unknown") for e in entities],
        }), "article_entities")
    if duplicates:
        out["duplicates"] = cast_to_schema(pa.table({
            "article_id": [d[0] for d in duplicates], "canonical_article_id": [d[1] for d in duplicates],
            "source_uri": [d[0].split("#")[0] for d in duplicates], "method": ["exact"] * len(duplicates),
            "similarity": [1.0] * len(duplicates), "run_id": ["r1"] * len(duplicates),
        }), "duplicates")
    return out


def views(tmp: Path, tbls: dict[str, pa.Table]) -> duckdb.DuckDBPyConnection:
    """A connection with the staging views over Parquet written from ``tbls`` and the marts as views."""
    files: dict[str, list[str]] = {}
    for name, t in tbls.items():
        if PARTITION_COLUMN not in t.column_names:
            p = tmp / "parquet" / f"{name}.parquet"
            write_parquet(t, p)
            files[name] = [str(p)]
            continue
        for part in sorted(set(t[PARTITION_COLUMN].to_pylist())):  # hive layout, as load.commit writes
            p = tmp / "parquet" / name / f"{PARTITION_COLUMN}={part}" / "0.parquet"
            write_parquet(t.filter(pc.equal(t[PARTITION_COLUMN], part)).drop_columns([PARTITION_COLUMN]), p)
            files.setdefault(name, []).append(str(p))
    con = wsql.connect()
    wsql.create_views(con, files)
    return con


def committed(tmp: Path, tbls: dict[str, pa.Table]) -> Warehouse:
    """A real warehouse: ``tbls`` staged and committed as one snapshot (marts materialised)."""
    wh = Warehouse(tmp / "wh")
    st = StagedRun("r1", tmp / "stage")
    for name, t in tbls.items():
        write_parquet(t, st.table_dir(name) / "b0.parquet")
    with wh.lock("r1"):
        commit(wh, st)
    return wh


def rows(con: duckdb.DuckDBPyConnection, q: str) -> list[tuple[Any, ...]]:
    return list(con.sql(q).fetchall())


# The shared fixture: 5 articles. a1 and its copy a2 (one story) on D1, a3 and untagged a5 on D2, a4 undated.
ARTICLES = [
    article("a#0", D1, source="Dawn"),
    article("b#0", D1, story="a#0", source=None, domain="tribune.com.pk"),
    article("c#0", D2, source="  "),
    article("d#0", None, source="Dawn"),
    article("e#0", D2, source="Dawn"),
]
SECTORS = [
    ("a#0", "energy", 3), ("a#0", "trade", 1),
    ("b#0", "energy", 2),
    ("c#0", "trade", 4),
    ("d#0", "energy", 1),
]
ENTITIES = [
    # a: RU 17, PK 10, AF 4 (< 0.4 x 17), UA 1 -> only PK-RU
    ("a#0", "country", "RU", 17), ("a#0", "country", "PK", 10), ("a#0", "country", "AF", 4),
    ("a#0", "country", "UA", 1),
    ("a#0", "person", "sergey_lavrov", 5), ("a#0", "organisation", "sco", 1),
    # b (copy of a): RU 5, PK 2 -> 2 is exactly 0.4 x 5: salient
    ("b#0", "country", "RU", 5), ("b#0", "country", "PK", 2), ("b#0", "person", "sergey_lavrov", 2),
    # c: PK 15, RU 6 (exactly 0.4 x 15), IN 5 (below) -> PK-RU
    ("c#0", "country", "PK", 15), ("c#0", "country", "RU", 6), ("c#0", "country", "IN", 5),
    ("c#0", "person", "imran_khan", 3),
    # d: passing mentions only -> no pair
    ("d#0", "country", "CN", 1), ("d#0", "country", "PK", 1),
]
DUPLICATES = [("b#0", "a#0")]


def sample_tables() -> dict[str, pa.Table]:
    return tables(ARTICLES, SECTORS, ENTITIES, DUPLICATES)
