"""Benchmark folders built from the real corpora in ``../shared/corpora`` (speed on real text, issue 17).

    python bench/realcorpus.py [--corpora DIR] [--out DIR] [--n 40000] [--seed 1] [--force] [NAME ...]

Writes, under ``--out`` (default ``$NEWSETL_BENCH_DIR``, else ``/tmp/newsetl-bench``):

``real-jsonl/``      the ``input.jsonl`` files of the JSONL corpora (en_topics, ru/en tgcontest, ur_*),
                     copied as they are (their ``gold.jsonl`` and ``SOURCE.txt`` left out): 8,460 records
                     in 7 files.
``real-1rec/``       every record of bbc, ur_*, ru_*/en_* tgcontest and en_topics as its own one-object
                     JSON file (``{"id", "title", "content"}`` plus the gold date/url when known): the
                     "many small files" case, 10,685 files of 0.2-30 KB (median ~1.5 KB).
``real-json-40k/``   ``--n`` one-article JSON files of news-crawl shape (``url, title, text, date_published,
                     authors, source, description, language, scraped_at``), ~5.7 KB each on average, like
                     the held-out set of issue 17 (41,928 files, 238 MB, real news, one JSON each). Real
                     records of the longer corpora (bbc, wcxb's main_content, the Urdu and Russian sets;
                     the 185-byte AG News items are left out) are cut into paragraphs (sentence groups for
                     texts without line breaks); each file is one story built from one record's title and
                     opening paragraph followed by paragraphs dealt one by one from a shuffled deck of
                     all paragraphs of the same corpus and topic, up to a body size drawn around 4.4 KB.
                     Every paragraph is re-used ~10 times, each time in another story, so two stories
                     share a paragraph or two at most (no accidental near-duplicates); on top of that 6% are exact copies of a recent story under another
                     URL (syndication) and 3% copies with a changed headline or one paragraph dropped.

Deterministic for the same corpora, ``--n`` and ``--seed``; ``DIR/.realcorpus.json`` records what went in.
The folders hold real corpus text: keep them outside the repository (licences, see the corpora README).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
DEFAULT_CORPORA = BENCH.parent.parent / "shared" / "corpora"
DEFAULT_OUT = Path(os.environ.get("NEWSETL_BENCH_DIR", "/tmp/newsetl-bench"))
JSONL_INPUTS = ("en_topics_agnews_huffpost/input.jsonl", "ru_tgcontest_categories/ru_input.jsonl",
                "ru_tgcontest_categories/en_input.jsonl", "ur_bbc_urdu_dated/input.jsonl",
                "ur_bend_the_truth/input.jsonl", "ur_ha405_news/input.jsonl")
GOLD = {"en_topics_agnews_huffpost/input.jsonl": "en_topics_agnews_huffpost/gold.jsonl",
        "ru_tgcontest_categories/ru_input.jsonl": "ru_tgcontest_categories/ru_gold.jsonl",
        "ru_tgcontest_categories/en_input.jsonl": "ru_tgcontest_categories/en_gold.jsonl",
        "ur_bbc_urdu_dated/input.jsonl": "ur_bbc_urdu_dated/gold.jsonl",
        "ur_bend_the_truth/input.jsonl": "ur_bend_the_truth/gold.jsonl",
        "ur_ha405_news/input.jsonl": "ur_ha405_news/gold.jsonl"}
SITES = {"bbc": "news.bbc.co.uk", "wcxb": "www.example-web.com", "ru_input": "ria.example.ru",
         "en_input": "www.ctvnews.example.ca", "ur_bbc_urdu_dated": "www.bbc.com/urdu",
         "ur_bend_the_truth": "urdu.example.pk", "ur_ha405_news": "www.express.example.pk"}
LANG = {"bbc": "en", "wcxb": "en", "ru_input": "ru", "en_input": "en", "ur_bbc_urdu_dated": "ur",
        "ur_bend_the_truth": "ur", "ur_ha405_news": "ur"}
AUTHORS = ["Staff Reporter", "Our Correspondent", "News Desk", "Web Desk", "Sarah Khan", "Ali Raza",
           "James Smith", "Anna Petrova", "Monitoring Desk", None]
_SENT = re.compile(r"(?<=[.!?۔])\s+")


# ---------------------------------------------------------------------------------------------- reading
def _gold(corpora: Path, rel: str) -> dict[str, dict[str, Any]]:
    p = corpora / GOLD[rel]
    if not p.exists():
        return {}
    return {g["id"]: g for g in map(json.loads, p.read_text(encoding="utf-8").splitlines()) if g.get("id")}


def read_records(corpora: Path) -> list[dict[str, Any]]:
    """Every real record: ``{corpus, topic, id, title, content, date, url}`` (bbc, the JSONL sets, wcxb)."""
    out: list[dict[str, Any]] = []
    bbc = corpora / "bbc"
    for f in sorted(bbc.glob("*/*.txt")):
        raw = f.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
        title, _, body = text.strip().partition("\n")
        out.append({"corpus": "bbc", "topic": f.parent.name, "id": f"bbc-{f.parent.name}-{f.stem}",
                    "title": title.strip(), "content": body.strip(), "date": None, "url": None})
    for rel in JSONL_INPUTS:
        p = corpora / rel
        if not p.exists():
            continue
        gold = _gold(corpora, rel)
        name = Path(rel).stem if "tgcontest" in rel else Path(rel).parent.name
        for line in p.read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            g = gold.get(r.get("id"), {})
            out.append({"corpus": name, "topic": g.get("topic") or g.get("category") or "", "id": r["id"],
                        "title": r.get("title"), "content": r.get("content") or "", "date": g.get("date"),
                        "url": g.get("url")})
    wg = corpora / "wcxb" / "gold.jsonl"
    if wg.exists():
        for g in map(json.loads, wg.read_text(encoding="utf-8").splitlines()):
            if g.get("page_type") in ("article", "blog") and g.get("main_content"):
                out.append({"corpus": "wcxb", "topic": g["page_type"], "id": f"wcxb-{g['id']}",
                            "title": g.get("title"), "content": g["main_content"], "date": None,
                            "url": g.get("url")})
    return out


def paragraphs(text: str, max_chars: int = 700) -> list[str]:
    """Paragraphs of a text; a long one (or a text without breaks) as groups of sentences."""
    out: list[str] = []
    for para in (p.strip() for p in re.split(r"\n\s*\n|\n", text)):
        if not para:
            continue
        if len(para) <= max_chars:
            out.append(para)
            continue
        cur = ""
        for s in _SENT.split(para):
            if cur and len(cur) + len(s) > max_chars * 0.6:
                out.append(cur)
                cur = ""
            cur = f"{cur} {s}".strip()
        if cur:
            out.append(cur)
    return out


# ---------------------------------------------------------------------------------------------- writing
def _write_json(path: Path, obj: dict[str, Any]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps(obj, ensure_ascii=False, indent=1).encode("utf-8")
    path.write_bytes(data)
    return len(data)


def build_jsonl(corpora: Path, out: Path) -> dict[str, Any]:
    files = []
    for rel in JSONL_INPUTS:
        p = corpora / rel
        if p.exists():
            dst = out / rel.replace("/", "__")
            shutil.copyfile(p, dst)
            files.append(dst.name)
    return {"files": files}


def build_1rec(corpora: Path, out: Path) -> dict[str, Any]:
    recs = [r for r in read_records(corpora) if r["corpus"] != "wcxb"]
    total = 0
    for i, r in enumerate(recs):
        obj = {"id": r["id"], "title": r["title"], "content": r["content"]}
        if r["date"]:
            obj["date"] = r["date"]
        if r["url"]:
            obj["url"] = r["url"]
        total += _write_json(out / r["corpus"] / f"{i // 1000:03d}" / f"{r['id']}.json", obj)
    return {"files": len(recs), "bytes": total}


def build_stories(corpora: Path, out: Path, n: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    recs = [r for r in read_records(corpora) if r["corpus"] != "en_topics_agnews_huffpost"]
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in recs:
        r["paras"] = paragraphs(r["content"])
        if r["paras"]:
            groups[(r["corpus"], r["topic"])].append(r)
    keys = sorted(groups)
    weights = [sum(len(r["content"]) for r in groups[k]) for k in keys]
    order = {k: rng.sample(groups[k], len(groups[k])) for k in keys}
    cursor = dict.fromkeys(keys, 0)
    # every paragraph of a group on one deck, dealt one at a time (reshuffled when used up): two stories
    # share a paragraph or two at most, never a run of them (a shared run reads as a containment copy)
    decks = {k: [p for r in groups[k] for p in r["paras"][1:]] or [p for r in groups[k] for p in r["paras"]]
             for k in keys}
    dealt = dict.fromkeys(keys, 0)

    def next_record(k: tuple[str, str]) -> dict[str, Any]:
        g = order[k]
        r = g[cursor[k] % len(g)]
        cursor[k] += 1
        return r

    def next_para(k: tuple[str, str]) -> str:
        d = decks[k]
        if dealt[k] % len(d) == 0:
            rng.shuffle(d)
        p = d[dealt[k] % len(d)]
        dealt[k] += 1
        return p

    kinds: dict[str, int] = defaultdict(int)
    recent: list[dict[str, Any]] = []
    total = 0
    for i in range(n):
        u = rng.random()
        if recent and u < 0.06:
            obj = dict(rng.choice(recent))
            kind = "exact"
        elif recent and u < 0.09:
            obj = dict(rng.choice(recent))
            paras = obj["text"].split("\n\n")
            if len(paras) > 3 and rng.random() < 0.5:
                del paras[rng.randrange(1, len(paras))]
                obj["text"] = "\n\n".join(paras)
                kind = "drop_para"
            else:
                obj["title"] = f"{obj['title']} - update" if obj.get("title") else "Update"
                kind = "headline"
        else:
            k = keys[rng.choices(range(len(keys)), weights)[0]]
            lead = next_record(k)
            target = min(24000, max(600, int(rng.lognormvariate(8.3, 0.6))))
            body = [lead["paras"][0]]
            size = len(body[0].encode("utf-8"))
            while size < target:
                p = next_para(k)
                body.append(p)
                size += len(p.encode("utf-8"))
            title = lead["title"] or lead["paras"][0][:90]
            day = f"{rng.randint(2018, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            slug = re.sub(r"\W+", "-", title.lower())[:60].strip("-") or "story"
            site = SITES.get(k[0], "news.example.com")
            obj = {
                "url": f"https://{site}/{k[1] or 'news'}/{day[:4]}/{day[5:7]}/{slug}-{i}",
                "title": title,
                "text": "\n\n".join(body),
                "date_published": f"{day}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00Z",
                "authors": [a] if (a := rng.choice(AUTHORS)) else [],
                "source": site.split("/")[0],
                "description": body[0][:200],
                "language": LANG.get(k[0], "en"),
                "scraped_at": f"{day}T23:59:00Z",
            }
            kind = "original"
            recent.append(obj)
            if len(recent) > 500:
                recent.pop(0)
        kinds[kind] += 1
        if kind != "original":
            obj["url"] = f"{obj['url']}?copy={i}"
        total += _write_json(out / f"{i // 1000:03d}" / f"{i:06d}.json", obj)
    return {"files": n, "bytes": total, "kinds": dict(kinds), "groups": len(keys),
            "records_used": len(recs)}


BUILDERS = {"real-jsonl": build_jsonl, "real-1rec": build_1rec, "real-json-40k": build_stories}


def ensure(name: str, corpora: Path, root: Path, n: int = 40000, seed: int = 1, force: bool = False) -> Path:
    """Build ``root/name`` unless it exists with the same parameters; return its path."""
    out = root / name
    params = {"name": name, "corpora": str(corpora.resolve()), "n": n if name == "real-json-40k" else None,
              "seed": seed if name == "real-json-40k" else None}
    meta = out / ".realcorpus.json"
    if out.exists() and not force and meta.exists():
        old = json.loads(meta.read_text())
        if {k: old.get(k) for k in params} == params:
            return out
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    t0 = time.perf_counter()
    fn = BUILDERS[name]
    info = fn(corpora, out, n, seed) if name == "real-json-40k" else fn(corpora, out)
    meta.write_text(json.dumps(params | info | {"seconds": round(time.perf_counter() - t0, 1)}, indent=1))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("names", nargs="*", default=list(BUILDERS), help=f"folders to build (default: {list(BUILDERS)})")
    ap.add_argument("--corpora", default=str(DEFAULT_CORPORA))
    ap.add_argument("--out", default=str(DEFAULT_OUT))
    ap.add_argument("--n", type=int, default=40000, help="files of real-json-40k")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--force", action="store_true")
    a = ap.parse_args(argv)
    corpora = Path(a.corpora)
    if not (corpora / "bbc").is_dir():
        print(f"no corpora at {corpora} (pass --corpora)", file=sys.stderr)
        return 2
    for name in a.names:
        p = ensure(name, corpora, Path(a.out), a.n, a.seed, a.force)
        print(p, (p / ".realcorpus.json").read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
