"""Precision of every date source an HTML page offers, measured on the labelled pages.

    python bench/eval_html_dates.py [--corpora wcxb,readability] [--split dev] [--json out.json]

For each page (gold date known) it collects every candidate newsetl's date module sees — JSON-LD
datePublished/dateCreated, each <meta> key, <time> of the article, the URL, the labelled/visible date
line, the "Updated" line, the modification dates — plus htmldate alone (extensive and fast, original
date first, and extensive latest date), and prints, per source and per key: how many pages state it,
right (same day as gold), wrong, precision; then how often each source is right when htmldate
disagrees with it. This is how the order of the sources in ``newsetl.extract.html.dates`` is chosen.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import eval_html  # noqa: E402  (the corpora loaders)

from newsetl.errors import TerminalError  # noqa: E402
from newsetl.extract.html import dates as hdates  # noqa: E402
from newsetl.extract.html import extract_html  # noqa: E402
from newsetl.extract.html.knowledge import knowledge  # noqa: E402
from newsetl.extract.html.metadata import canonical_url, read_meta  # noqa: E402
from newsetl.extract.html.parse import parse, saved_date  # noqa: E402


def _iso(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value[:10]) if value else None


def page_candidates(page: eval_html.Page, today: dt.date) -> dict[str, Any]:
    """Every stated date of one page, keyed 'source' and 'source|detail'."""
    from htmldate import find_date

    kn = knowledge()
    out: dict[str, Any] = {}
    try:
        root = parse(page.html)
    except TerminalError:
        return out
    m = read_meta(root, kn)
    canonical = canonical_url(m, page.url, page.html)
    saved = saved_date(page.html)
    ref = min(today, saved) if saved else today
    for c in hdates.structured_candidates(m, hdates.article_times(root), canonical, page.url, ref, kn):
        out.setdefault(c.source, c.date)
        out.setdefault(f"{c.source}|{c.detail}", c.date)
    found, updated = hdates.text_date(root, ref, saved)
    if found:
        out[found[2]] = found[0]
    if updated:
        out["html:label_updated"] = updated[0]
    for name, ext, orig in (("htmldate:ext+orig", True, True), ("htmldate:fast+orig", False, True),
                            ("htmldate:ext+latest", True, False)):
        out[name] = _iso(find_date(page.html, url=page.url, extensive_search=ext, original_date=orig,
                                   max_date=ref.isoformat()))
    try:
        ex = extract_html(page.html, page.url, today=today)
        out["newsetl"] = ex.date
        out["newsetl_source"] = ex.date_source
    except TerminalError as err:
        out["newsetl"] = None
        out["newsetl_source"] = f"({err.reason})"
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpora", default="wcxb,readability")
    ap.add_argument("--split", choices=("all", "dev", "test"), default="all")
    ap.add_argument("--json", type=Path, help="write the candidates of every page here")
    args = ap.parse_args(argv)
    today = dt.date.today()
    loaders = {"wcxb": lambda: eval_html.load_wcxb(eval_html.CORPORA / "wcxb"),
               "readability": lambda: eval_html.load_readability(eval_html.CORPORA / "html-readability")}
    rows: list[dict[str, Any]] = []
    for corpus in args.corpora.split(","):
        for page in loaders[corpus]():
            if not page.date_known or (args.split != "all" and page.split != args.split):
                continue
            cands = page_candidates(page, today)
            rows.append({"corpus": corpus, "id": page.pid, "kind": page.kind, "gold": page.date, **cands})
    stats: dict[str, Counter[str]] = defaultdict(Counter)
    vs_htmldate: dict[str, Counter[str]] = defaultdict(Counter)
    for r in rows:
        for k, v in r.items():
            if k in ("corpus", "id", "kind", "gold", "newsetl_source") or v is None:
                continue
            stats[k]["right" if v == r["gold"] else "wrong"] += 1
            h = r.get("htmldate:ext+orig")
            if "|" not in k and k != "htmldate:ext+orig" and h != v:
                vs_htmldate[k]["src_right" if v == r["gold"] else "htmldate_right" if h == r["gold"] else
                               "both_wrong"] += 1
    n = len(rows)
    print(f"{n} pages with a known gold date ({sum(r['gold'] is None for r in rows)} gold: no date)")
    print(f"{'source':44}{'stated':>8}{'right':>8}{'wrong':>8}{'precision':>10}{'coverage':>10}")
    for k, c in sorted(stats.items(), key=lambda kv: ("|" in kv[0], -sum(kv[1].values()))):
        stated = c["right"] + c["wrong"]
        print(f"{k[:43]:44}{stated:8}{c['right']:8}{c['wrong']:8}{c['right'] / stated:10.3f}{stated / n:10.3f}")
    print("\nwhen a source disagrees with htmldate (extensive, original date):")
    print(f"{'source':30}{'src_right':>11}{'htm_right':>11}{'both_wrong':>11}")
    for k, c in sorted(vs_htmldate.items(), key=lambda kv: -sum(kv[1].values())):
        print(f"{k[:29]:30}{c['src_right']:11}{c['htmldate_right']:11}{c['both_wrong']:11}")
    print("\nwhen two of the ordered sources disagree (a:b = pages where a is right : where b is right):")
    pair_sources = ["url", "html:jsonld", "html:meta", "html:time", "html:label", "html:date_element",
                    "htmldate:fast+orig", "html:label_updated"]
    for i, a in enumerate(pair_sources):
        for b in pair_sources[i + 1 :]:
            wins = Counter()
            for r in rows:
                va, vb = r.get(a), r.get(b)
                if va is None or vb is None or va == vb:
                    continue
                wins["a" if va == r["gold"] else "b" if vb == r["gold"] else "neither"] += 1
            if wins:
                print(f"  {a:20} vs {b:20} {wins['a']:3}:{wins['b']:<3} (neither {wins['neither']})")
    if args.json:
        args.json.write_text(json.dumps(rows, default=str, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
