"""Run the whole pipeline over each shared corpus and print what came out (issue evidence, not a test).

    python bench/eval_corpora.py [--corpora ../shared/corpora] [--workers 2] [--json out.json]

For each corpus folder: files seen, articles loaded, duplicates, quarantine rows by reason, crashes
(internal_error rows), dated share and date sources. For BBC also: every file's title equals its first
line, and sport/199.txt (Latin-1) decoded with its '£'. Readability pages are judged by
bench/eval_html.py (title/body F1 against expected files); here they only count crashes.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from newsetl import sql as wsql  # noqa: E402
from newsetl.run import run_pipeline  # noqa: E402
from newsetl.settings import load_settings, quiet_environment  # noqa: E402
from newsetl.store import Warehouse  # noqa: E402


def _con(wh_dir: Path) -> Any:
    return wsql.open_warehouse(Warehouse(wh_dir))


def evaluate(name: str, source: Path, workers: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix=f"eval-{name}-") as tmp:
        wh_dir = Path(tmp) / "wh"
        t0 = time.perf_counter()
        res = run_pipeline([str(source)], load_settings(None, warehouse=str(wh_dir), workers=workers))
        secs = time.perf_counter() - t0
        con = _con(wh_dir)
        out: dict[str, Any] = {
            "corpus": name, "seconds": round(secs, 1), "files_seen": res.files_seen,
            "articles": res.articles_loaded, "duplicates": res.duplicates, "quarantined": res.quarantined,
            "quarantine_reasons": res.quarantine_reasons,
            "crashes": res.quarantine_reasons.get("internal_error", 0),
            "duplicate_methods": dict(con.sql("select method, count(*) from duplicates group by 1").fetchall()),
            "dated": con.sql("select count(published_date) from articles").fetchall()[0][0],
            "date_sources": dict(con.sql("select split_part(date_source, ':', 1), count(*) from articles "
                                         "group by 1 order by 2 desc").fetchall()),
            "languages": dict(con.sql("select language, count(*) from articles group by 1 order by 2 desc "
                                      "limit 5").fetchall()),
        }
        if name == "bbc":
            mismatches = 0
            rows = con.sql("select source_uri, title from articles").fetchall()
            for uri, title in rows:
                first = Path(uri).read_bytes().decode("utf-8", "replace").split("\n", 1)[0].strip()
                import html as _html

                if _html.unescape(first).strip() != (title or ""):
                    mismatches += 1
            out["title_is_line_1"] = f"{len(rows) - mismatches}/{len(rows)}"
            body = con.sql("select body from articles where source_uri like '%/sport/199.txt'").fetchall()
            out["sport_199_pound_sign"] = bool(body and "£15.8m" in body[0][0] and "\ufffd" not in body[0][0])
        if name == "html-pk-news-sites":
            out["sample_titles"] = con.sql(
                "select title, published_date, date_source, source_name from articles "
                "where not is_duplicate order by article_id limit 8").fetchall()
        con.close()
        return out


def main() -> int:
    quiet_environment()
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpora", default=str(REPO.parent / "shared" / "corpora"))
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--only", nargs="*", default=None)
    ap.add_argument("--json", default=None)
    a = ap.parse_args()
    root = Path(a.corpora)
    if not root.is_dir():
        print(f"no corpora at {root}")
        return 0
    results = []
    for name in ("bbc", "html-pk-news-sites", "html-readability"):
        if a.only and name not in a.only:
            continue
        if (root / name).is_dir():
            r = evaluate(name, root / name, a.workers)
            results.append(r)
            print(json.dumps(r, indent=1, default=str))
    if a.json:
        Path(a.json).write_text(json.dumps(results, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
