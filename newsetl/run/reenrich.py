"""Re-enrichment (``newsetl enrich``): re-tag every loaded article after a taxonomy or gazetteer edit."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from newsetl.errors import ValidationFailed
from newsetl.load import StagedRun, commit
from newsetl.run.common import matchers, suites, work_root
from newsetl.run.gate import mart_gate
from newsetl.run.publish import publish_duckdb_file
from newsetl.settings import Settings
from newsetl.store import Warehouse, cast_to_schema, new_run_id, remove_tree, write_parquet
from schemas import PARTITION_COLUMN


def reenrich(settings: Settings, *, batch_rows: int = 5000, wait_seconds: float = 0.0) -> dict[str, int]:
    """Re-tag every loaded article with the current taxonomy and gazetteer (no re-ingest, no re-dedup).

    Streams the articles in bounded batches and replaces article_sectors and article_entities in one
    new snapshot; the marts are rebuilt with it.
    """
    from newsetl import sql as wsql
    from newsetl.enrich.entities import extract_entities
    from newsetl.enrich.sectors import tag_sectors
    from newsetl.validate import validate_table

    wh = Warehouse.of(settings)
    rid = new_run_id()
    counts = {"articles": 0, "article_sectors": 0, "article_entities": 0, "rejected": 0}
    with wh.lock(rid, wait_seconds):
        wh.require_current_format()
        staged = StagedRun(rid, work_root(wh) / f"enrich-{rid}", replace_tables={"article_sectors", "article_entities"})
        remove_tree(staged.staging)
        smatch, ematch = matchers(settings)
        suite_set = suites(settings)
        con = wsql.open_warehouse(wh)
        reader = con.sql("select article_id, title, body, pub_month from articles").to_arrow_reader(batch_rows)
        for i, rb in enumerate(reader):
            arts = pa.Table.from_batches([rb])
            part = dict(zip(arts["article_id"].to_pylist(), arts[PARTITION_COLUMN].to_pylist(), strict=True))
            for name, tbl in (("article_sectors", tag_sectors(arts.select(["article_id", "title", "body"]), smatch)),
                              ("article_entities", extract_entities(arts.select(["article_id", "title", "body"]), ematch))):
                tbl = tbl.append_column("run_id", pa.array([rid] * tbl.num_rows, pa.string()))
                if not tbl.num_rows:
                    continue
                o = validate_table(name, tbl, suite_set)
                if not o.ok:
                    raise ValidationFailed(f"{name} failed validation: " + "; ".join(o.batch_failures))
                bad = {r.article_id for r in o.rejected if r.article_id}
                if bad:
                    tbl = tbl.filter(pc.invert(pc.is_in(tbl["article_id"], pa.array(sorted(bad)))))
                    counts["rejected"] += len(o.rejected)
                tbl = tbl.append_column(PARTITION_COLUMN, pa.array([part[a] for a in tbl["article_id"].to_pylist()],
                                                                   pa.string()))
                write_parquet(cast_to_schema(tbl, name), staged.table_dir(name) / f"b{i:06d}.parquet")
                # article_sectors keeps every scored candidate; count the tags (the rows the marts count)
                counts[name] += (int(pc.sum(tbl["tagged"]).as_py() or 0) if name == "article_sectors"
                                 else tbl.num_rows)
            counts["articles"] += arts.num_rows
        con.close()
        commit(wh, staged, check=mart_gate)
        publish_duckdb_file(wh)
        remove_tree(staged.staging)
    return counts


