"""Sector tagging quality on every labelled dev corpus, through each corpus's ``sector_mapping.json``.

    python bench/eval_sectors.py [--corpora ../shared/corpora] [--only bbc ur_ha405 ...]
                                 [--taxonomy config/sectors.yaml] [--json out.json] [--baseline old.json]
                                 [--split test|all] [--misses CLASS]

Every text goes the pipeline's way: the corpus file is read by ``newsetl.ingest.read_bytes``, each record
is cleaned and extracted by ``newsetl.clean_extract.clean_extract`` (a record the pipeline would
quarantine, e.g. ``empty_body``, counts as untagged), and the articles table (article_id, title, body) is
tagged by ``newsetl.enrich.sectors.tag_sectors``: the rows the warehouse would hold, so only the tags the
marts count.

Scoring (definitions of ``../shared/eval/metrics.py``). The corpora carry label-level mappings, not
article-level sector gold: a label maps to ``any_of`` sectors with a strength (strong / broad / loose /
negative / none). Per subset, every strong or broad label whose ``any_of`` is the same set forms one
class (``economic`` = the five broad economic sectors; ``science_technology``; ``health``; HuffPost's
BUSINESS/MONEY = economy_investment or finance_banking). An article's gold is its label's class; it
predicts a class when it is tagged with any sector of the class. Per-class P/R/F1 with
``metrics.per_class_prf`` over the articles of strong, broad and negative labels (loose and none labels
are left out of P/R: they are reported as their own rows). Macro-F1 = mean of the class F1s.
Also printed per subset:

- ``FP on negatives``: share of the negative-label articles (sports, entertainment, showbiz) given an
  economic sector, and given any sector at all;
- ``economic, no sector``: share of the economic-label articles left with no sector at all;
- loose labels: share with a sector of their ``any_of``; none labels: share with any sector.

``wire`` is a six-sector set (trade, energy, finance_banking, agriculture_food, transport_infrastructure,
industry_mining = metals and mining) of English business copy labelled article by article in
``bench/labels/wire_sectors.jsonl`` (ids into the BBC and AG News corpora; see bench/labels/README.md):
per-sector P/R/F1 over the six, macro-F1. ``wire_ag2`` is a second such set (360 more AG News Business
items, ``bench/labels/wire_ag2_sectors.jsonl``); ``wire_caps`` is both sets dressed as agency copy (ALL-CAPS
headline, a dateline, a trailing "Reuters" line) with the same labels.

BBC has no ``sector_mapping.json``; its folders map like the other corpora's labels (business: broad
economic; tech: science_technology, strong; politics: none; sport, entertainment: negative).

``--split test`` keeps only the deterministic test half of each corpus (``split_of(id) == "test"``:
a hash of the article id), the half to report on once a learned component trains on the other.

Speed: articles/s of ``tag_sectors`` over all subsets (CPU seconds, one process), plus the matcher's
build time.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO.parent / "shared" / "eval"))

import metrics  # type: ignore[import-not-found]  # noqa: E402
import pyarrow as pa  # noqa: E402

from newsetl.clean_extract import clean_extract  # noqa: E402
from newsetl.enrich.sectors import SectorMatcher, tag_sectors  # noqa: E402
from newsetl.enrich.taxonomy import load_taxonomy  # noqa: E402
from newsetl.errors import NewsetlError  # noqa: E402
from newsetl.ingest import read_bytes  # noqa: E402
from newsetl.settings import EnrichConfig, IngestConfig  # noqa: E402

ECONOMIC = frozenset({"economy_investment", "finance_banking", "trade", "industry_mining", "energy"})
WIRE_SECTORS = ("trade", "energy", "finance_banking", "agriculture_food", "transport_infrastructure",
                "industry_mining")  # fmt: skip
BBC_MAPPING = {
    "business": {"any_of": sorted(ECONOMIC), "strength": "broad"},
    "tech": {"any_of": ["science_technology"], "strength": "strong"},
    "politics": {"any_of": [], "strength": "none"},
    "sport": {"any_of": [], "strength": "negative"},
    "entertainment": {"any_of": [], "strength": "negative"},
}
LABELS = REPO / "bench" / "labels" / "wire_sectors.jsonl"
LABELS_AG2 = REPO / "bench" / "labels" / "wire_ag2_sectors.jsonl"


@dataclass
class Doc:
    doc_id: str  # the corpus's own id (gold side)
    label: str
    title: str | None = None
    body: str = ""
    rejected: str | None = None  # the pipeline's quarantine reason, when it would not load the record


@dataclass
class Subset:
    name: str
    lang: str
    mapping: dict[str, dict[str, Any]]
    docs: list[Doc] = field(default_factory=list)


def split_of(doc_id: str) -> str:
    """Deterministic train/test half of an article (by a hash of its id)."""
    return "test" if zlib.crc32(doc_id.encode()) % 2 else "train"


def _articles(path: Path) -> list[tuple[int, str | None, str, str | None]]:
    """(record_index, title, body, rejection reason) of every record of one corpus file, the pipeline's way."""
    docs, rejected = read_bytes(str(path.resolve()), path.read_bytes(), IngestConfig())
    out: list[tuple[int, str | None, str, str | None]] = []
    for d in docs:
        try:
            a = clean_extract(d)
            out.append((d.record_index, a.title, a.body, None))
        except NewsetlError as exc:
            out.append((d.record_index, None, "", getattr(exc, "reason", type(exc).__name__)))
    if rejected and not docs:
        raise SystemExit(f"{path}: the pipeline rejects the whole file ({rejected[0].reason})")
    return out


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _from_jsonl(input_path: Path, gold_path: Path, keep: Any = None) -> list[tuple[dict[str, Any], Doc]]:
    gold = _jsonl(gold_path)
    inputs = _jsonl(input_path)
    arts = {i: (t, b, r) for i, t, b, r in _articles(input_path)}
    out = []
    for i, (inp, g) in enumerate(zip(inputs, gold, strict=True)):
        assert inp["id"] == g["id"], (input_path, i)
        if keep is not None and not keep(g):
            continue
        title, body, rej = arts.get(i, (None, "", "not_read"))
        out.append((g, Doc(g["id"], g["topic"], title, body, rej)))
    return out


def load_subsets(root: Path, only: set[str] | None) -> list[Subset]:
    subsets: list[Subset] = []

    def want(name: str) -> bool:
        return not only or any(name.startswith(o) for o in only)

    bbc = root / "bbc"
    if want("bbc") and bbc.is_dir():
        s = Subset("bbc", "en", BBC_MAPPING)
        for cat in sorted(BBC_MAPPING):
            for f in sorted((bbc / cat).glob("*.txt")):
                ((_, title, body, rej),) = _articles(f)
                s.docs.append(Doc(f"{cat}/{f.name}", cat, title, body, rej))
        subsets.append(s)
    ag = root / "en_topics_agnews_huffpost"
    if (want("agnews") or want("huffpost")) and ag.is_dir():
        mapping = json.loads((ag / "sector_mapping.json").read_text())["labels"]
        pairs = _from_jsonl(ag / "input.jsonl", ag / "gold.jsonl")
        for name, prefix in (("agnews", "ag-"), ("huffpost", "hp-")):
            if want(name):
                subsets.append(Subset(name, "en", mapping, [d for g, d in pairs if g["id"].startswith(prefix)]))
    tg = root / "ru_tgcontest_categories"
    if tg.is_dir():
        mapping = json.loads((tg / "sector_mapping.json").read_text())["labels"]
        for lang in ("ru", "en"):
            if want(f"tg_{lang}"):
                pairs = _from_jsonl(tg / f"{lang}_input.jsonl", tg / f"{lang}_gold.jsonl")
                subsets.append(Subset(f"tg_{lang}", lang, mapping, [d for _, d in pairs]))
    ha = root / "ur_ha405_news"
    if want("ur_ha405") and ha.is_dir():
        mapping = json.loads((ha / "sector_mapping.json").read_text())["labels"]
        subsets.append(Subset("ur_ha405", "ur", mapping, [d for _, d in _from_jsonl(ha / "input.jsonl",
                                                                                      ha / "gold.jsonl")]))
    btt = root / "ur_bend_the_truth"
    if want("ur_btt") and btt.is_dir():
        mapping = json.loads((btt / "sector_mapping.json").read_text())["labels"]
        pairs = _from_jsonl(btt / "input.jsonl", btt / "gold.jsonl",
                            keep=lambda g: g["veracity"] == "real" and not g["exact_duplicate_of"])
        subsets.append(Subset("ur_btt", "ur", mapping, [d for _, d in pairs]))
    return subsets


def load_wire(root: Path, name: str = "wire", labels: Path = LABELS) -> Subset | None:
    """A six-sector English business set: labels from bench/labels, texts from the BBC and AG corpora."""
    if not labels.is_file():
        return None
    rows = _jsonl(labels)
    s = Subset(name, "en", {})
    ag_path = root / "en_topics_agnews_huffpost" / "input.jsonl"
    ag: dict[str, Doc] = {}
    if ag_path.is_file() and any(r["corpus"] == "agnews" for r in rows):
        ag = {d.doc_id: d for _, d in _from_jsonl(ag_path, ag_path.with_name("gold.jsonl"))}
    for row in rows:
        if row["corpus"] == "bbc":
            f = root / "bbc" / row["id"]
            if not f.is_file():
                continue
            ((_, title, body, rej),) = _articles(f)
            d = Doc(row["id"], "wire", title, body, rej)
        else:
            got = ag.get(row["id"])
            if got is None:
                continue
            d = Doc(got.doc_id, "wire", got.title, got.body, got.rejected)
        d.label = "|".join(sorted(row["sectors"]))
        s.docs.append(d)
    return s if s.docs else None


def wire_style(sets: list[Subset]) -> Subset:
    """The same labelled items dressed as agency copy: ALL-CAPS headline, a dateline before the lead and a
    trailing agency line. The labels do not change, so any drop against the source sets is a style effect."""
    s = Subset("wire_caps", "en", {})
    for src in sets:
        for d in src.docs:
            body = "NEW YORK, March 3 - " + d.body + "\n\nReuters"
            s.docs.append(Doc(d.doc_id, d.label, d.title.upper() if d.title else None, body, d.rejected))
    return s


def tag_all(subsets: list[Subset], matcher: SectorMatcher) -> tuple[dict[tuple[str, str], list[str]], float, int]:
    """Tags per (subset, doc_id) via ``tag_sectors``; CPU seconds and article count of the tagging."""
    ids, titles, bodies = [], [], []
    for s in subsets:
        for d in s.docs:
            if d.rejected:
                continue
            ids.append(f"{s.name}\x00{d.doc_id}")
            titles.append(d.title)
            bodies.append(d.body)
    table = pa.table({"article_id": ids, "title": pa.array(titles, pa.string()), "body": bodies})
    c0 = time.process_time()
    out = tag_sectors(table, matcher)
    cpu = time.process_time() - c0
    tags: dict[tuple[str, str], list[str]] = {}
    counted = out.column("tagged").to_pylist() if "tagged" in out.column_names else [True] * out.num_rows
    for aid, sector, ok in zip(out.column("article_id").to_pylist(), out.column("sector").to_pylist(), counted,
                               strict=True):
        if not ok:  # a scored candidate below the threshold: not in the article_sectors view
            continue
        sub, _, did = aid.partition("\x00")
        tags.setdefault((sub, did), []).append(sector)
    return tags, cpu, len(ids)


def _class_name(any_of: frozenset[str]) -> str:
    if any_of == ECONOMIC:
        return "economic"
    return "+".join(sorted(any_of))


def score_subset(s: Subset, tags: dict[tuple[str, str], list[str]]) -> dict[str, Any]:
    """Per-class P/R/F1 and the side figures of one subset (see the module docstring)."""
    classes: dict[str, frozenset[str]] = {}
    gold: dict[str, set[str]] = {}
    pred: dict[str, set[str]] = {}
    extra: dict[str, dict[str, Any]] = {}
    neg = neg_econ = neg_any = econ_n = econ_none = 0
    econ_dist: Counter[str] = Counter()
    for d in s.docs:
        m = s.mapping.get(d.label, {"any_of": [], "strength": "none"})
        got = set(tags.get((s.name, d.doc_id), []))
        strength, any_of = m["strength"], frozenset(m["any_of"])
        if strength in ("strong", "broad"):
            classes.setdefault(_class_name(any_of), any_of)
            gold[d.doc_id] = {_class_name(any_of)}
        elif strength == "negative":
            gold[d.doc_id] = set()
            neg += 1
            neg_econ += bool(got & ECONOMIC)
            neg_any += bool(got)
        else:
            row = extra.setdefault(f"{d.label} ({strength})", {"n": 0, "hit": 0})
            row["n"] += 1
            row["hit"] += bool(got & any_of) if any_of else bool(got)
            continue
        if any_of and any_of <= ECONOMIC:
            econ_n += 1
            econ_none += not got
            econ_dist.update(got)
        pred[d.doc_id] = {c for c, secs in classes.items() if got & secs}
    # a class first seen after some documents: recompute predictions over the final class list
    for d in s.docs:
        if d.doc_id in pred:
            got = set(tags.get((s.name, d.doc_id), []))
            pred[d.doc_id] = {c for c, secs in classes.items() if got & secs}
    prf = metrics.per_class_prf(gold, pred, sorted(classes))
    counts = Counter(c for g in gold.values() for c in g)
    return {
        "n": len(s.docs),
        "rejected": sum(1 for d in s.docs if d.rejected),
        "classes": {c: {"n": counts[c], "p": p, "r": r, "f1": f} for c, (p, r, f) in prf.items()},
        "macro_f1": sum(f for _, _, f in prf.values()) / len(prf) if prf else None,
        "negatives": {"n": neg, "econ": neg_econ / neg if neg else None, "any": neg_any / neg if neg else None},
        "economic_no_sector": {"n": econ_n, "share": econ_none / econ_n if econ_n else None},
        "economic_sectors": {k: v / econ_n for k, v in econ_dist.most_common()} if econ_n else {},
        "other_labels": {k: {"n": v["n"], "share": v["hit"] / v["n"]} for k, v in sorted(extra.items())},
    }


def score_wire(s: Subset, tags: dict[tuple[str, str], list[str]]) -> dict[str, Any]:
    gold = {d.doc_id: set(filter(None, d.label.split("|"))) for d in s.docs}
    pred = {d.doc_id: set(tags.get((s.name, d.doc_id), [])) & set(WIRE_SECTORS) for d in s.docs}
    prf = metrics.per_class_prf(gold, pred, WIRE_SECTORS)
    counts = Counter(c for g in gold.values() for c in g)
    return {
        "n": len(s.docs),
        "rejected": sum(1 for d in s.docs if d.rejected),
        "classes": {c: {"n": counts[c], "p": p, "r": r, "f1": f} for c, (p, r, f) in prf.items()},
        "macro_f1": sum(f for _, _, f in prf.values()) / len(prf),
        "none_of_six_tagged": sum(1 for d in s.docs if not gold[d.doc_id] and pred[d.doc_id])
        / max(1, sum(1 for d in s.docs if not gold[d.doc_id])),
    }


def _fmt(x: float | None) -> str:
    return "  -  " if x is None else f"{x:.2f}"


def _delta(new: float | None, old: float | None) -> str:
    if new is None or old is None:
        return ""
    d = new - old
    return f" ({d:+.2f})" if abs(d) >= 0.005 else " (=)"


def print_report(results: dict[str, Any], base: dict[str, Any] | None) -> None:
    for name, r in results["subsets"].items():
        b = (base or {}).get("subsets", {}).get(name, {})
        print(f"\n== {name}: {r['n']} articles ({r['rejected']} not loaded by the pipeline: untagged)")
        print(f"   {'class':34s} {'n':>5s}  {'P':>5s} {'R':>5s} {'F1':>5s}")
        for c, v in r["classes"].items():
            bv = b.get("classes", {}).get(c, {})
            print(f"   {c:34s} {v['n']:5d}  {_fmt(v['p'])} {_fmt(v['r'])} {_fmt(v['f1'])}{_delta(v['f1'], bv.get('f1'))}")
        print(f"   macro-F1 {_fmt(r['macro_f1'])}{_delta(r['macro_f1'], b.get('macro_f1'))}")
        if "negatives" in r and r["negatives"]["n"]:
            ng, bn = r["negatives"], b.get("negatives", {})
            print(f"   FP on negatives (n={ng['n']}): economic sector {_fmt(ng['econ'])}{_delta(ng['econ'], bn.get('econ'))}"
                  f", any sector {_fmt(ng['any'])}{_delta(ng['any'], bn.get('any'))}")
        if r.get("economic_no_sector", {}).get("n"):
            en, be = r["economic_no_sector"], b.get("economic_no_sector", {})
            print(f"   economic articles with no sector at all (n={en['n']}): {_fmt(en['share'])}"
                  f"{_delta(en['share'], be.get('share'))}")
            dist = ", ".join(f"{k} {v:.0%}" for k, v in list(r["economic_sectors"].items())[:8])
            print(f"   sectors on economic articles: {dist}")
        for lab, v in r.get("other_labels", {}).items():
            print(f"   {lab:34s} {v['n']:5d}  share with {'its sector' if '(loose)' in lab else 'any sector'}: "
                  f"{v['share']:.2f}")
        if "none_of_six_tagged" in r:
            print(f"   articles about none of the six given one of them: {r['none_of_six_tagged']:.2f}")
    sp = results["speed"]
    print(f"\nspeed: tag_sectors {sp['articles']:,} articles in {sp['cpu_s']:.2f} CPU s = "
          f"{sp['articles_per_s']:,.0f} articles/s (one process); matcher built in {sp['build_s']:.2f} s")


def print_misses(s: Subset, tags: dict[tuple[str, str], list[str]], cls: str, limit: int = 40) -> None:
    """Articles of ``s`` that miss (fn) or wrongly get (fp) class/sector ``cls``: title and tags."""
    for d in s.docs:
        got = set(tags.get((s.name, d.doc_id), []))
        if s.name.startswith("wire"):
            g = cls in d.label.split("|")
            p = cls in got
        else:
            m = s.mapping.get(d.label, {"any_of": [], "strength": "none"})
            secs = ECONOMIC if cls == "economic" else {cls}
            if m["strength"] not in ("strong", "broad", "negative"):
                continue
            g = m["strength"] != "negative" and _class_name(frozenset(m["any_of"])) == cls
            p = bool(got & secs)
        if g != p and limit > 0:
            limit -= 1
            kind = "FN" if g else "FP"
            print(f"  {kind} {d.doc_id} [{d.label}] {(d.title or d.body[:80])[:90]!r} -> {sorted(got)}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpora", type=Path, default=REPO.parent / "shared" / "corpora")
    ap.add_argument("--only", nargs="*", default=None)
    ap.add_argument("--taxonomy", type=Path, default=None)
    ap.add_argument("--split", choices=("all", "test"), default="all")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--baseline", type=Path, default=None, help="a --json file of an earlier run: print deltas")
    ap.add_argument("--misses", nargs=2, metavar=("SUBSET", "CLASS"), default=None)
    a = ap.parse_args()
    if not a.corpora.is_dir():
        print(f"no corpora at {a.corpora}")
        return 0
    only = set(a.only) if a.only else None
    subsets = load_subsets(a.corpora, only)
    wires = [w for name, path in (("wire", LABELS), ("wire_ag2", LABELS_AG2))
             if (not only or any(name.startswith(o) for o in only) or "wire_caps" in only)
             and (w := load_wire(a.corpora, name, path)) is not None]
    if wires and (not only or "wire_caps" in only):
        wires.append(wire_style(wires))
    subsets.extend(w for w in wires if not only or any(w.name.startswith(o) for o in only))
    if a.split == "test":
        for s in subsets:
            s.docs = [d for d in s.docs if split_of(d.doc_id) == "test"]
    t0 = time.perf_counter()
    matcher = SectorMatcher(load_taxonomy(a.taxonomy or EnrichConfig().taxonomy))
    build_s = time.perf_counter() - t0
    tags, cpu, n = tag_all(subsets, matcher)
    results: dict[str, Any] = {"subsets": {}, "speed": {"articles": n, "cpu_s": cpu, "build_s": build_s,
                                                        "articles_per_s": n / cpu if cpu else 0.0}}
    for s in subsets:
        results["subsets"][s.name] = score_wire(s, tags) if s.name.startswith("wire") else score_subset(s, tags)
    base = json.loads(a.baseline.read_text()) if a.baseline else None
    print_report(results, base)
    if a.misses:
        for s in subsets:
            if s.name == a.misses[0]:
                print(f"\nmisses of {a.misses[1]} in {s.name}:")
                print_misses(s, tags, a.misses[1])
    if a.json:
        a.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
