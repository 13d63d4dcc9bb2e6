"""Sector tagger on the BBC corpus: tag shares per category, expected-pairing precision, throughput.

    python bench/enrich_bbc.py [--corpus /work/shared/corpora/bbc] [--repeat 3] [--examples sport]

The BBC corpus has five category folders (business, entertainment, politics, sport, tech); line 1 of
each file is the title, the rest the body. Printed:

- per category, the share of articles tagged with each sector (sectors under 3% hidden);
- per category with expected sectors: ``hit`` = share of articles with at least one expected sector
  (business: any of the economic sectors; per-sector figures are in bench/eval_sectors.py),
  ``precision`` = share of (article, sector) tags that are expected sectors;
- sport and entertainment: false-tag rate = share of articles with any sector tag, and tags/article;
- throughput: articles/s of ``SectorMatcher.tag`` (best of ``--repeat`` passes, one process) and of
  ``tag_sectors`` on an Arrow table, plus ``EntityMatcher`` throughput.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

import pyarrow as pa

from newsetl.enrich.entities import EntityMatcher, extract_entities, load_entities
from newsetl.enrich.sectors import SectorMatcher, tag_sectors
from newsetl.enrich.taxonomy import load_taxonomy
from newsetl.settings import EnrichConfig

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "bbc"
EXPECTED: dict[str, set[str]] = {
    "tech": {"science_technology"},
    "business": {"trade", "economy_investment", "finance_banking", "energy", "industry_mining",
                 "transport_infrastructure", "agriculture_food"},
    "politics": {"diplomacy", "security_counterterrorism", "defence_military"},
}
NO_SECTOR = ("sport", "entertainment")


def read_corpus(root: Path) -> list[tuple[str, str, str, str]]:
    """(category, article_id, title, body) for every file; BBC files are latin-1 encoded."""
    docs = []
    for cat_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        for f in sorted(cat_dir.glob("*.txt")):
            text = f.read_bytes().decode("latin-1")
            title, _, body = text.partition("\n")
            docs.append((cat_dir.name, f"{cat_dir.name}/{f.name}", title.strip(), body.strip()))
    return docs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--examples", default="", help="print the tags of this category's tagged articles")
    args = ap.parse_args()
    if not args.corpus.is_dir():
        raise SystemExit(f"corpus {args.corpus} not found")

    cfg = EnrichConfig()
    t0 = time.perf_counter()
    matcher = SectorMatcher(load_taxonomy(cfg.taxonomy))
    build_s = time.perf_counter() - t0
    docs = read_corpus(args.corpus)
    n = len(docs)

    tags: list[list[str]] = []
    best = float("inf")
    for _ in range(max(1, args.repeat)):
        t = time.perf_counter()
        results = [matcher.tag(title, body) for _, _, title, body in docs]
        best = min(best, time.perf_counter() - t)
    tags = [[h.sector for h in r] for r in results]

    by_cat: dict[str, list[list[str]]] = {}
    for (cat, *_), t in zip(docs, tags, strict=True):
        by_cat.setdefault(cat, []).append(t)

    sectors = matcher.taxonomy.ids
    print(
        f"{n} articles, {len(by_cat)} categories; automaton of {matcher.n_patterns} patterns built in {build_s * 1000:.1f} ms\n"
    )
    print("share of articles tagged with each sector (>= 3%):")
    for cat, ts in by_cat.items():
        c = Counter(s for t in ts for s in t)
        shares = ", ".join(
            f"{s} {c[s] / len(ts):.0%}"
            for s in sorted(sectors, key=lambda s: -c[s])
            if c[s] / len(ts) >= 0.03
        )
        print(f"  {cat:13s} n={len(ts):3d}  {shares}")

    print("\nexpected pairings:")
    for cat, exp in EXPECTED.items():
        ts = by_cat.get(cat, [])
        if not ts:
            continue
        hit = sum(1 for t in ts if exp & set(t)) / len(ts)
        all_tags = [s for t in ts for s in t]
        prec = sum(1 for s in all_tags if s in exp) / max(1, len(all_tags))
        print(
            f"  {cat:13s} -> {'/'.join(sorted(exp))}: hit {hit:.1%}, precision {prec:.1%} ({len(all_tags)} tags)"
        )
    for cat in NO_SECTOR:
        ts = by_cat.get(cat, [])
        if ts:
            rate = sum(1 for t in ts if t) / len(ts)
            per = sum(len(t) for t in ts) / len(ts)
            print(f"  {cat:13s} false-tag rate {rate:.1%} of articles, {per:.2f} tags/article")

    if args.examples:
        print(f"\ntagged {args.examples} articles:")
        for (cat, aid, title, _), r in zip(docs, results, strict=True):
            if cat == args.examples and r:
                print(
                    f"  {aid} {title[:50]!r}: "
                    + " | ".join(f"{h.sector} {h.score:.2f} [{h.evidence[:60]}]" for h in r)
                )

    table = pa.table(
        {"article_id": [d[1] for d in docs], "title": [d[2] for d in docs], "body": [d[3] for d in docs]}
    )
    t = time.perf_counter()
    out = tag_sectors(table, matcher)
    arrow_s = time.perf_counter() - t
    ents = EntityMatcher(load_entities(cfg.entities))
    t = time.perf_counter()
    etab = extract_entities(table, ents)
    ent_s = time.perf_counter() - t
    chars = sum(len(d[2]) + len(d[3]) for d in docs)
    print(
        f"\nthroughput (1 process): SectorMatcher.tag {n / best:,.0f} articles/s ({chars / best / 1e6:.1f} MB/s), "
        f"tag_sectors {n / arrow_s:,.0f} articles/s ({out.num_rows} scored rows, "
        f"{sum(out.column('tagged').to_pylist())} tagged), "
        f"extract_entities {n / ent_s:,.0f} articles/s ({etab.num_rows} rows)"
    )


if __name__ == "__main__":
    main()
