"""Evaluate newsetl.extract.html on the shared HTML corpora.

    python bench/eval_html.py [--corpus DIR] [--json out.json] [--pk DIR] [--show N] [--worst N]
                              [--title-keep-site]

1. Mozilla Readability test pages (``--corpus``, default ../shared/corpora/html-readability): title
   exact match (whitespace-normalised), body token F1 against expected.html (micro and mean), date
   accuracy where publishedTime is given, byline/language match, ms/page. The expected titles are
   Readability's, which keeps site names ("How to Build a Terrarium | eHow"); ``--title-keep-site``
   turns our site-name stripping off to measure the Readability rule alone.
2. HTTrack mirrors of Pakistani news sites (``--pk``): pages that gave an article vs TerminalError
   reasons, share of articles with a date, ms/page, crashes (any non-TerminalError exception), and
   ``--show`` sample titles/dates.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import statistics
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

import lxml.html

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import newsetl.extract.html as html_module
from newsetl.errors import TerminalError
from newsetl.extract.html import extract_html

CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"
TOKEN = re.compile(r"\w+")
WS = re.compile(r"\s+")


def tokens(text: str) -> Counter[str]:
    return Counter(TOKEN.findall(text.lower()))


def html_text(markup: str) -> str:
    if not markup.strip():
        return ""
    root = lxml.html.fromstring(markup)
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    # block-level newlines are irrelevant for token F1
    return root.text_content()


def norm(s: str | None) -> str:
    return WS.sub(" ", s or "").strip()


SEP = re.compile(r"\s+(?:\||-|–|—|::|»|·|/|_)\s+|\s*(?:\||::|»|_)\s*")


def title_variants(title: str) -> set[str]:
    """The expected title and its forms without leading/trailing separator-delimited segments."""
    t = norm(title)
    out = {t}
    cuts = list(SEP.finditer(t))
    for c in cuts:
        out.add(norm(t[: c.start()]))
        out.add(norm(t[c.end() :]))
    return {v for v in out if v}


def read_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def eval_readability(corpus: Path, worst: int) -> dict:
    pages = sorted(p for p in corpus.iterdir() if (p / "source.html").exists())
    rows = []
    tp_sum = exp_sum = got_sum = 0
    title_ok = title_loose = dates_total = dates_ok = byline_total = byline_ok = lang_total = lang_ok = 0
    errors: Counter[str] = Counter()
    crashes = []
    elapsed = 0.0
    for page in pages:
        source = read_text(page / "source.html")
        expected = tokens(html_text(read_text(page / "expected.html")))
        meta = json.loads((page / "expected-metadata.json").read_text(encoding="utf-8"))
        t0 = time.perf_counter()
        try:
            ex = extract_html(source, "http://fakehost/test/page.html")
        except TerminalError as err:
            ex = None
            errors[err.reason] += 1
        except Exception:
            ex = None
            crashes.append((page.name, traceback.format_exc(limit=3)))
        elapsed += time.perf_counter() - t0
        got = tokens(ex.text) if ex else Counter()
        tp = sum((expected & got).values())
        n_exp, n_got = sum(expected.values()), sum(got.values())
        tp_sum, exp_sum, got_sum = tp_sum + tp, exp_sum + n_exp, got_sum + n_got
        p = tp / n_got if n_got else 0.0
        r = tp / n_exp if n_exp else (1.0 if not n_got else 0.0)
        f1 = 2 * p * r / (p + r) if p + r else (1.0 if not n_exp and not n_got else 0.0)
        t_ok = ex is not None and norm(ex.title) == norm(meta.get("title"))
        title_ok += t_ok
        t_loose = ex is not None and norm(ex.title) in title_variants(meta.get("title") or "")
        title_loose += t_loose or t_ok
        d_ok = None
        if meta.get("publishedTime"):
            dates_total += 1
            want = meta["publishedTime"][:10]
            d_ok = ex is not None and ex.date is not None and ex.date.isoformat() == want
            if ex is not None and ex.published_at is not None and not d_ok:
                # same instant stated in another timezone (we keep the publisher's local date)
                try:
                    stated = dt.datetime.fromisoformat(meta["publishedTime"].replace("Z", "+00:00"))
                    d_ok = stated.tzinfo is not None and abs((stated - ex.published_at).total_seconds()) < 60
                except ValueError:
                    pass
            dates_ok += d_ok
        if meta.get("byline"):
            byline_total += 1
            byline_ok += ex is not None and norm(ex.byline) == norm(meta["byline"])
        if meta.get("lang"):
            lang_total += 1
            lang_ok += ex is not None and ex.language == meta["lang"].split("-")[0].lower()
        rows.append(
            {
                "page": page.name,
                "article": ex is not None,
                "f1": round(f1, 4),
                "expected_words": n_exp,
                "precision": round(p, 4),
                "recall": round(r, 4),
                "title_ok": t_ok,
                "title": ex.title if ex else None,
                "title_source": ex.title_source if ex else None,
                "expected_title": meta.get("title"),
                "date_ok": d_ok,
                "date": ex.date.isoformat() if ex and ex.date else None,
                "date_source": ex.date_source if ex else None,
                "expected_date": meta.get("publishedTime"),
            }
        )
    n = len(pages)
    mp = tp_sum / got_sum if got_sum else 0.0
    mr = tp_sum / exp_sum if exp_sum else 0.0
    summary = {
        "pages": n,
        "title_exact": round(title_ok / n, 4),
        "title_exact_of_articles": round(
            sum(r["title_ok"] for r in rows) / max(1, sum(r["article"] for r in rows)), 4
        ),
        "title_modulo_site_part": round(title_loose / n, 4),
        "body_f1_micro": round(2 * mp * mr / (mp + mr), 4) if mp + mr else 0.0,
        "body_precision_micro": round(mp, 4),
        "body_recall_micro": round(mr, 4),
        "body_f1_mean": round(statistics.fmean(r["f1"] for r in rows), 4),
        "body_f1_median": round(statistics.median(r["f1"] for r in rows), 4),
        "body_f1_mean_ge40w": round(statistics.fmean(r["f1"] for r in rows if r["expected_words"] >= 40), 4),
        "pages_ge40w": sum(r["expected_words"] >= 40 for r in rows),
        "date_accuracy": round(dates_ok / dates_total, 4) if dates_total else None,
        "dates_labelled": dates_total,
        "byline_exact": round(byline_ok / byline_total, 4) if byline_total else None,
        "language_match": round(lang_ok / lang_total, 4) if lang_total else None,
        "terminal_errors": dict(errors),
        "crashes": len(crashes),
        "ms_per_page": round(1000 * elapsed / n, 1),
    }
    print("== html-readability ==")
    for k, v in summary.items():
        print(f"  {k:22} {v}")
    if worst:
        print(f"  -- {worst} lowest body F1:")
        for r in sorted(rows, key=lambda r: r["f1"])[:worst]:
            print(f"     {r['f1']:.3f} P={r['precision']:.2f} R={r['recall']:.2f} {r['page']}")
        print("  -- title misses:")
        for r in rows:
            if not r["title_ok"]:
                print(
                    f"     {r['page']}: got {r['title']!r} ({r['title_source']}) want {r['expected_title']!r}"
                )
        print("  -- date misses:")
        for r in rows:
            if r["date_ok"] is False:
                print(f"     {r['page']}: got {r['date']} ({r['date_source']}) want {r['expected_date']}")
    for name, tb in crashes:
        print(f"  CRASH {name}\n{tb}")
    return {"summary": summary, "pages": rows}


def eval_pk(corpus: Path, show: int, seed: int = 7) -> dict:
    files = sorted(p for p in corpus.rglob("*") if p.is_file() and p.name != "SOURCE.txt")
    outcome: Counter[str] = Counter()
    per_site: dict[str, Counter[str]] = {}
    date_sources: Counter[str] = Counter()
    title_sources: Counter[str] = Counter()
    articles = []
    crashes = []
    elapsed = 0.0
    for path in files:
        site = path.relative_to(corpus).parts[0]
        source = read_text(path)
        t0 = time.perf_counter()
        try:
            ex = extract_html(source, None, today=None)
            key = "article"
        except TerminalError as err:
            ex = None
            key = f"TerminalError:{err.reason}"
        except Exception:
            ex = None
            key = "CRASH"
            crashes.append((str(path), traceback.format_exc(limit=4)))
        elapsed += time.perf_counter() - t0
        outcome[key] += 1
        per_site.setdefault(site, Counter())[key] += 1
        if ex:
            date_sources[ex.date_source or "none"] += 1
            title_sources[ex.title_source or "none"] += 1
            articles.append(
                {
                    "file": str(path.relative_to(corpus)),
                    "title": ex.title,
                    "title_source": ex.title_source,
                    "date": ex.date.isoformat() if ex.date else None,
                    "date_source": ex.date_source,
                    "canonical_url": ex.canonical_url,
                    "domain": ex.domain,
                    "site_name": ex.site_name,
                    "byline": ex.byline,
                    "language": ex.language,
                    "words": len(ex.text.split()),
                }
            )
    n = len(files)
    summary = {
        "files": n,
        "outcomes": dict(outcome.most_common()),
        "per_site": {s: dict(c.most_common()) for s, c in sorted(per_site.items())},
        "dated_share": round(1 - date_sources["none"] / len(articles), 4) if articles else None,
        "date_sources": dict(date_sources.most_common()),
        "title_sources": dict(title_sources.most_common()),
        "crashes": len(crashes),
        "ms_per_page": round(1000 * elapsed / n, 1) if n else None,
    }
    print("== html-pk-news-sites ==")
    for k, v in summary.items():
        print(f"  {k:14} {v}")
    for name, tb in crashes:
        print(f"  CRASH {name}\n{tb}")
    if show and articles:
        rng = random.Random(seed)
        print(f"  -- {show} random articles (seed {seed}):")
        for a in rng.sample(articles, min(show, len(articles))):
            print(
                f"     {a['file']}\n        title={a['title']!r} [{a['title_source']}] date={a['date']} [{a['date_source']}]"
                f" url={a['canonical_url']} site={a['site_name']!r} by={a['byline']!r} words={a['words']}"
            )
    return {"summary": summary, "articles": articles}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=CORPORA / "html-readability")
    ap.add_argument("--pk", type=Path, default=CORPORA / "html-pk-news-sites")
    ap.add_argument("--json", type=Path, help="write all per-page results here")
    ap.add_argument("--show", type=int, default=10, help="random pk articles to print for a by-eye check")
    ap.add_argument("--worst", type=int, default=10, help="lowest-F1 readability pages to list (0: none)")
    ap.add_argument("--skip-pk", action="store_true")
    ap.add_argument("--title-keep-site", action="store_true", help="do not strip site names from titles")
    args = ap.parse_args(argv)
    if args.title_keep_site:
        html_module.STRIP_SITE_FROM_TITLE = False
    out = {}
    readability = args.corpus / "test-pages" if (args.corpus / "test-pages").is_dir() else args.corpus
    if readability.is_dir():
        out["readability"] = eval_readability(readability, args.worst)
    else:
        print(f"skip: {readability} not found")
    if not args.skip_pk:
        if args.pk.is_dir():
            out["pk"] = eval_pk(args.pk, args.show)
        else:
            print(f"skip: {args.pk} not found")
    if args.json:
        args.json.write_text(json.dumps(out, indent=1, ensure_ascii=False), encoding="utf-8")
    crashed = sum(part["summary"].get("crashes", 0) for part in out.values())
    return 1 if crashed else 0


if __name__ == "__main__":
    raise SystemExit(main())
