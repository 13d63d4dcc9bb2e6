"""Evaluate newsetl's HTML extraction against the libraries it wraps, on the shared HTML corpora.

    python bench/eval_html.py                       # every corpus found, every system
    python bench/eval_html.py --corpora wcxb --systems newsetl,htmldate --json out.json
    python bench/eval_html.py --split dev           # only the dev half of each labelled corpus

Corpora (read from ../shared/corpora, skipped when absent):
- ``wcxb``: 545 pages of 2025 web with gold title, publish_date, main_content and must-include /
  must-exclude snippets, page type article / forum (grouped: all, article, forum, verified = without
  the pages upstream marks "needs verification", dated = pages whose gold states a date; dev / test =
  the stable halves by a hash of the page id, with dev:dated, dev:article ...: study failures on dev,
  report test).
- ``readability``: Mozilla Readability's test pages (expected.html body, expected-metadata.json title and
  publishedTime; its titles keep site names, Readability's convention).
- ``pk``: HTTrack mirrors of Pakistani news sites, no gold: coverage only (pages taken as articles,
  dated share, agreement of the dates with htmldate's).

Systems, all run on the same pages in the same process:
- ``newsetl``: the pipeline's own path, ``clean_extract`` on an HTML RawDoc (extract_html, clean, extract);
  a forum thread is scored as its body plus its ``comments`` (the gold thread holds every post).
- ``trafilatura``, ``trafilatura:precision``, ``trafilatura:recall``, ``trafilatura:fast``:
  ``bare_extraction(with_metadata=True)`` with its defaults / favor_precision / favor_recall / fast;
  text = main text + comments, as ``trafilatura.extract`` outputs it by default.
- ``htmldate``: ``find_date(extensive_search=True, original_date=True)`` (dates only).

Metrics (definitions in ../shared/eval/metrics.py): date outcome F (day-exact; P and R alongside),
title exact (whitespace-normalised), body word-4-gram shingle P/R/F1 (per document, F1 of the means),
snippet F1 (must-include / must-exclude), ms/page; for newsetl also date and title by their source.
The page URL is passed to every system (``--no-url``: none, as for a saved page without its URL).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import hashlib
import json
import logging
import sys
import time
import traceback
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import lxml.html

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO.parent / "shared" / "eval"))

from newsetl.clean_extract import clean_extract  # noqa: E402
from newsetl.errors import TerminalError  # noqa: E402
from newsetl.ingest.decode import decode  # noqa: E402
from newsetl.model import RawDoc  # noqa: E402

CORPORA = REPO.parent / "shared" / "corpora"
ALL_SYSTEMS = ("newsetl", "trafilatura", "trafilatura:precision", "trafilatura:recall", "trafilatura:fast", "htmldate")
for _name in ("trafilatura", "htmldate", "courlan", "readability", "justext"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)


@dataclass(slots=True)
class Page:
    corpus: str
    pid: str
    html: str
    url: str | None
    kind: str = "article"  # article / forum (wcxb page types; blog counts as article)
    title: str | None = None
    date: dt.date | None = None
    date_known: bool = False  # gold states whether the page has a date (None = it has none)
    body: str | None = None
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    verified: bool = True

    @property
    def split(self) -> str:
        """A stable half of the corpus: ``dev`` or ``test`` (by a hash of the page id)."""
        return "dev" if hashlib.sha1(f"{self.corpus}/{self.pid}".encode()).digest()[0] % 2 == 0 else "test"


@dataclass(slots=True)
class Out:
    text: str | None = None  # None: the system gave no article
    title: str | None = None
    date: dt.date | None = None
    date_source: str | None = None
    title_source: str | None = None
    extractor: str | None = None
    error: str | None = None  # TerminalError reason, or "CRASH"
    ms: float = 0.0


# ------------------------------------------------------------------------------------------ corpora


def _read(path: Path) -> str:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return decode(data)[0]


def _iso(value: Any) -> dt.date | None:
    if not value:
        return None
    return dt.date.fromisoformat(str(value)[:10])


def load_wcxb(root: Path) -> Iterator[Page]:
    for line in (root / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        g = json.loads(line)
        yield Page(
            corpus="wcxb",
            pid=g["id"],
            html=_read(root / g["file"]),
            url=g.get("url"),
            kind="forum" if g["page_type"] == "forum" else "article",
            title=g.get("title") or None,
            date=_iso(g.get("publish_date")),
            date_known=True,
            body=g.get("main_content") or "",
            include=list(g.get("with") or []),
            exclude=list(g.get("without") or []),
            verified=not g.get("needs_review"),
        )


_BLOCKS = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "tr", "br", "section",
           "article", "figcaption", "dd", "dt", "table", "ul", "ol")


def html_text(markup: str) -> str:
    """Text of an expected.html: blocks end lines, so adjacent blocks never glue words together."""
    if not markup.strip():
        return ""
    root = lxml.html.fromstring(markup)
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    for el in root.iter(*_BLOCKS):
        el.tail = "\n" + (el.tail or "")
    return root.text_content()


def load_readability(root: Path) -> Iterator[Page]:
    pages = root / "test-pages" if (root / "test-pages").is_dir() else root
    for page in sorted(p for p in pages.iterdir() if (p / "source.html").exists()):
        meta = json.loads((page / "expected-metadata.json").read_text(encoding="utf-8"))
        published = meta.get("publishedTime")
        yield Page(
            corpus="readability",
            pid=page.name,
            html=_read(page / "source.html"),
            url="http://fakehost/test/page.html",
            title=meta.get("title") or None,
            date=_iso(published),
            date_known=bool(published),  # a null publishedTime is "Readability found none", not gold
            body=html_text(_read(page / "expected.html")),
        )


def load_pk(root: Path, step: int) -> Iterator[Page]:
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.name != "SOURCE.txt")
    for path in files[::step]:
        yield Page(corpus="pk", pid=str(path.relative_to(root)), html=_read(path), url=None)


# ------------------------------------------------------------------------------------------ systems


def run_newsetl(page: Page, url: str | None) -> Out:
    doc = RawDoc(source_uri=f"{page.corpus}/{page.pid}", record_index=0, format="html", text=page.html,
                 content_hash="", size_bytes=len(page.html), fields={"url": url} if url else {})
    art = clean_extract(doc)
    text = art.body
    if page.kind == "forum" and art.comments:  # the stored thread: the article and its comments
        text = "\n\n".join([text, *art.comments])
    return Out(text=text, title=art.title, date=art.published_date, date_source=art.date_source,
               title_source=art.title_source, extractor=getattr(art, "extractor", None))


def _trafilatura(**mode: bool) -> Callable[[Page, str | None], Out]:
    def run(page: Page, url: str | None) -> Out:
        import trafilatura

        doc = trafilatura.bare_extraction(page.html, url=url, with_metadata=True, **mode)
        if doc is None:
            return Out(error="no_result")
        text = doc.text or ""
        if doc.comments:
            text = f"{text}\n{doc.comments}"
        return Out(text=text, title=doc.title, date=_iso(doc.date), date_source="trafilatura")

    return run


def run_newsetl_html(page: Page, url: str | None) -> Out:
    """extract_html alone (no cleaning): what the HTML step hands to the cleaner."""
    from newsetl.extract.html import extract_html

    hx = extract_html(page.html, url)
    text = hx.text
    comments = getattr(hx, "comments", None)
    if page.kind == "forum" and comments:
        text = "\n\n".join([text, *comments])
    return Out(text=text, title=hx.title, date=hx.date, date_source=hx.date_source, title_source=hx.title_source,
               extractor=getattr(hx, "extractor", None))


def run_readability(page: Page, url: str | None) -> Out:
    """readability-lxml (optional: pip install readability-lxml)."""
    from readability import Document

    doc = Document(page.html, url=url)
    return Out(text=html_text(doc.summary(html_partial=True)), title=doc.short_title())


def run_resiliparse(page: Page, url: str | None) -> Out:
    """Resiliparse's main-content extractor (optional: pip install resiliparse)."""
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.html import HTMLTree

    tree = HTMLTree.parse(page.html)
    text = extract_plain_text(tree, main_content=True, list_bullets=True, alt_texts=False, links=False,
                              form_fields=False, noscript=False)
    return Out(text=text, title=tree.title or None)


def run_htmldate(page: Page, url: str | None) -> Out:
    from htmldate import find_date

    found = find_date(page.html, url=url, extensive_search=True, original_date=True)
    return Out(date=_iso(found), date_source="htmldate")


SYSTEMS: dict[str, Callable[[Page, str | None], Out]] = {
    "newsetl": run_newsetl,
    "trafilatura": _trafilatura(),
    "trafilatura:precision": _trafilatura(favor_precision=True),
    "trafilatura:recall": _trafilatura(favor_recall=True),
    "trafilatura:fast": _trafilatura(fast=True),
    "htmldate": run_htmldate,
    # diagnostics, not in the default run
    "newsetl:html": run_newsetl_html,
    "readability-lxml": run_readability,
    "resiliparse": run_resiliparse,
}


NO_BODY = {"htmldate"}  # systems that only date pages
NO_DATE = {"readability-lxml", "resiliparse"}  # systems that state no date


def run_system(name: str, page: Page, url: str | None) -> Out:
    t0 = time.process_time()
    try:
        out = SYSTEMS[name](page, url)
    except TerminalError as err:
        out = Out(error=err.reason)
    except ImportError as err:  # an optional diagnostic system (readability-lxml, resiliparse) not installed
        out = Out(error=f"not installed: {err.name}")
    except Exception:
        out = Out(error="CRASH")
        print(f"  CRASH {name} {page.corpus}/{page.pid}\n{traceback.format_exc(limit=6)}", file=sys.stderr)
    out.ms = 1000 * (time.process_time() - t0)
    return out


# ------------------------------------------------------------------------------------------ scoring


def _metrics() -> Any:
    import metrics  # ../shared/eval/metrics.py

    return metrics


@dataclass(slots=True)
class Score:
    n: int = 0
    dates: Counter[str] = field(default_factory=Counter)
    titles: list[bool] = field(default_factory=list)
    shingles: list[tuple[float, float]] = field(default_factory=list)
    snippets: list[int] = field(default_factory=lambda: [0, 0, 0])
    ms: float = 0.0
    errors: Counter[str] = field(default_factory=Counter)

    def add(self, page: Page, out: Out, *, body: bool, title: bool, date: bool) -> None:
        m = _metrics()
        self.n += 1
        self.ms += out.ms
        if out.error:
            self.errors[out.error] += 1
        if date and page.date_known:
            self.dates[m.date_outcome(out.date, page.date)] += 1
        if title and page.title:
            self.titles.append(m.title_exact(out.title, page.title))
        if body and page.body is not None:
            self.shingles.append(m.shingle_pr(page.body, out.text or ""))
            if page.include or page.exclude:
                for i, v in enumerate(m.snippet_counts(out.text, page.include, page.exclude)):
                    self.snippets[i] += v

    def row(self) -> dict[str, Any]:
        d = self.dates
        tp, fp, fn = d["tp"], d["fp"], d["fn"]
        r: dict[str, Any] = {"pages": self.n}
        if sum(d.values()):
            r["date_F"] = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0
            r["date_P"] = tp / (tp + fp) if tp + fp else 0.0
            r["date_R"] = tp / (tp + fn) if tp + fn else 0.0
        if self.titles:
            r["title"] = sum(self.titles) / len(self.titles)
        if self.shingles:
            mp = sum(p for p, _ in self.shingles) / len(self.shingles)
            mr = sum(q for _, q in self.shingles) / len(self.shingles)
            r["sh_P"], r["sh_R"] = mp, mr
            r["sh_F1"] = 2 * mp * mr / (mp + mr) if mp + mr else 0.0
        if sum(self.snippets):
            r["snip_F1"] = _metrics().f1_counts(*self.snippets)
        r["ms"] = self.ms / self.n if self.n else 0.0
        if self.errors:
            r["errors"] = dict(self.errors.most_common(4))
        return r


GROUP_ORDER = ["all", "article", "forum", "verified", "dated", "dev", "dev:dated", "dev:article", "dev:forum",
               "test", "test:dated", "test:article", "test:forum"]


def groups_of(page: Page) -> list[str]:
    out = ["all", page.kind]
    if page.corpus == "wcxb" and page.verified:
        out.append("verified")
    if page.corpus == "wcxb" and page.date is not None:
        out.append("dated")  # as on a date benchmark whose every page has a date
    if page.corpus != "pk":  # the stable halves: failures are studied on dev only, test is reported
        out.append(page.split)
        if page.corpus == "wcxb" and page.date is not None:
            out.append(f"{page.split}:dated")
        if page.corpus == "wcxb":
            out.append(f"{page.split}:{page.kind}")
    return out


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.3f}" if v < 10 else f"{v:.0f}"
    return str(v)


COLUMNS = ("pages", "date_F", "date_P", "date_R", "title", "sh_P", "sh_R", "sh_F1", "snip_F1", "ms", "errors")


def print_table(title: str, rows: dict[str, dict[str, Any]]) -> None:
    cols = [c for c in COLUMNS if any(c in r for r in rows.values())]
    name_w = max(len(n) for n in rows) + 2
    print(f"\n{title}")
    print("  " + "system".ljust(name_w) + " ".join(c.rjust(7) for c in cols))
    for name, r in rows.items():
        print("  " + name.ljust(name_w) + " ".join(_fmt(r.get(c, "")).rjust(7) for c in cols))


def source_table(pages: list[Page], outs: list[Out], attr: str) -> dict[str, dict[str, Any]]:
    """newsetl's date or title outcome per source that won: n, correct, wrong, precision."""
    m = _metrics()
    per: dict[str, Counter[str]] = defaultdict(Counter)
    for page, out in zip(pages, outs, strict=True):
        if out.error and out.error != "CRASH":
            src = f"({out.error})"
        else:
            src = (out.date_source if attr == "date" else out.title_source) or "none"
        if attr == "date":
            if not page.date_known:
                continue
            per[src][m.date_outcome(out.date, page.date)] += 1
        elif page.title:
            per[src]["tp" if m.title_exact(out.title, page.title) else "fp"] += 1
    rows = {}
    for src, c in sorted(per.items(), key=lambda kv: -sum(kv[1].values())):
        n = sum(c.values())
        stated = c["tp"] + c["fp"]
        rows[src] = {"n": n, "right": c["tp"], "wrong": c["fp"], "missed": c["fn"], "none_ok": c["tn"],
                     "precision": round(c["tp"] / stated, 3) if stated else None}
    return rows


def print_sources(title: str, rows: dict[str, dict[str, Any]]) -> None:
    print(f"\n{title}")
    print("  " + "source".ljust(28) + "".join(k.rjust(10) for k in ("n", "right", "wrong", "missed", "none_ok", "precision")))
    for src, r in rows.items():
        print("  " + src[:27].ljust(28) + "".join(_fmt(r[k] if r[k] is not None else "-").rjust(10)
                                                for k in ("n", "right", "wrong", "missed", "none_ok", "precision")))


# ------------------------------------------------------------------------------------------ runs


def evaluate(pages: Iterable[Page], systems: list[str], use_url: bool) -> tuple[list[Page], dict[str, list[Out]]]:
    kept: list[Page] = []
    outs: dict[str, list[Out]] = {s: [] for s in systems}
    for page in pages:
        kept.append(page)
        for s in systems:
            outs[s].append(run_system(s, page, page.url if use_url else None))
    return kept, outs


def report_labelled(corpus: str, pages: list[Page], outs: dict[str, list[Out]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    group_names = sorted({g for p in pages for g in groups_of(p)},
                         key=GROUP_ORDER.index)
    for g in group_names:
        rows = {}
        for s, lst in outs.items():
            sc = Score()
            for page, out in zip(pages, lst, strict=True):
                if g in groups_of(page):
                    sc.add(page, out, body=s not in NO_BODY, title=s not in NO_BODY, date=s not in NO_DATE)
            rows[s] = sc.row()
        print_table(f"== {corpus} / {g} ({rows[next(iter(rows))]['pages']} pages)", rows)
        result[g] = rows
    if "newsetl" in outs:
        for attr in ("date", "title"):
            rows = source_table(pages, outs["newsetl"], attr)
            print_sources(f"-- {corpus}: newsetl {attr} by the source that won", rows)
            result[f"newsetl_{attr}_sources"] = rows
        ext = Counter(o.extractor or "-" for o in outs["newsetl"])
        print(f"-- {corpus}: newsetl extractor that won: {dict(ext.most_common())}")
    return result


def report_pk(pages: list[Page], outs: dict[str, list[Out]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    rows: dict[str, dict[str, Any]] = {}
    for s, lst in outs.items():
        n = len(lst)
        articles = [o for o in lst if not o.error]
        dated = [o for o in lst if o.date]
        rows[s] = {
            "pages": n,
            "articles": len(articles) if s != "htmldate" else "-",
            "dated": len(dated),
            "titled": sum(1 for o in articles if o.title) if s != "htmldate" else "-",
            "crashes": sum(1 for o in lst if o.error == "CRASH"),
            "ms": sum(o.ms for o in lst) / n if n else 0.0,
        }
        if "htmldate" in outs and s != "htmldate":
            both = [(o, h) for o, h in zip(lst, outs["htmldate"], strict=True) if o.date and h.date]
            rows[s]["agree_htmldate"] = (sum(o.date == h.date for o, h in both) / len(both)) if both else 0.0
    cols = list(dict.fromkeys([*next(iter(rows.values())), "agree_htmldate"]))
    print(f"\n== pk (no gold: coverage; {len(pages)} files)")
    print("  " + "system".ljust(24) + "".join(c.rjust(15) for c in cols))
    for s, r in rows.items():
        print("  " + s.ljust(24) + "".join(_fmt(r.get(c, "")).rjust(15) for c in cols))
    result["coverage"] = rows
    if "newsetl" in outs:
        by_src = Counter(o.date_source or "none" for o in outs["newsetl"] if not o.error)
        errs = Counter(o.error for o in outs["newsetl"] if o.error)
        print(f"-- pk: newsetl date_source {dict(by_src.most_common())}")
        print(f"-- pk: newsetl no-article reasons {dict(errs.most_common())}")
        result["newsetl_date_sources"] = dict(by_src)
        if "htmldate" in outs:
            disagree: Counter[str] = Counter()
            for o, h in zip(outs["newsetl"], outs["htmldate"], strict=True):
                if o.date and h.date and o.date != h.date:
                    disagree[o.date_source or "none"] += 1
            print(f"-- pk: newsetl dates that differ from htmldate's, by source {dict(disagree.most_common())}")
            result["disagree_by_source"] = dict(disagree)
    return result


def page_rows(pages: list[Page], outs: dict[str, list[Out]]) -> list[dict[str, Any]]:
    m = _metrics()
    rows = []
    for i, page in enumerate(pages):
        row: dict[str, Any] = {"corpus": page.corpus, "id": page.pid, "kind": page.kind, "url": page.url,
                               "gold_title": page.title, "gold_date": page.date.isoformat() if page.date else None}
        for s, lst in outs.items():
            o = lst[i]
            r: dict[str, Any] = {"date": o.date.isoformat() if o.date else None, "date_source": o.date_source,
                                 "title": o.title, "title_source": o.title_source, "error": o.error,
                                 "extractor": o.extractor, "ms": round(o.ms, 1)}
            if page.body is not None and s != "htmldate":
                p, q = m.shingle_pr(page.body, o.text or "")
                r |= {"sh_P": round(p, 3), "sh_R": round(q, 3), "words": len((o.text or "").split())}
                if page.include or page.exclude:
                    r["snip"] = m.snippet_counts(o.text, page.include, page.exclude)
            row[s] = r
        rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpora", default="wcxb,readability,pk", help="comma list of wcxb, readability, pk")
    ap.add_argument("--systems", default=",".join(ALL_SYSTEMS), help=f"comma list of {', '.join(SYSTEMS)}")
    ap.add_argument("--pk-systems", default="newsetl,trafilatura,htmldate", help="systems run on pk (no gold)")
    ap.add_argument("--wcxb", type=Path, default=CORPORA / "wcxb")
    ap.add_argument("--readability", type=Path, default=CORPORA / "html-readability")
    ap.add_argument("--pk", type=Path, default=CORPORA / "html-pk-news-sites")
    ap.add_argument("--pk-step", type=int, default=1, help="every Nth pk file (1: all)")
    ap.add_argument("--split", choices=("all", "dev", "test"), default="all",
                    help="labelled corpora: a stable half of the pages (by hash of the page id)")
    ap.add_argument("--limit", type=int, default=0, help="at most N pages per corpus (0: all)")
    ap.add_argument("--no-url", action="store_true", help="do not pass the page URL to the systems")
    ap.add_argument("--json", type=Path, help="write summaries and per-page results here")
    args = ap.parse_args(argv)
    try:
        _metrics()
    except ImportError:
        print("../shared/eval/metrics.py not found: nothing to score against", file=sys.stderr)
        return 2
    systems = [s for s in args.systems.split(",") if s]
    unknown = set(systems) - set(SYSTEMS)
    if unknown:
        ap.error(f"unknown systems: {sorted(unknown)}")
    wanted = set(args.corpora.split(","))
    loaders: dict[str, tuple[Path, Callable[[], Iterator[Page]]]] = {
        "wcxb": (args.wcxb / "gold.jsonl", lambda: load_wcxb(args.wcxb)),
        "readability": (args.readability, lambda: load_readability(args.readability)),
        "pk": (args.pk, lambda: load_pk(args.pk, args.pk_step)),
    }
    out: dict[str, Any] = {"argv": sys.argv[1:], "systems": systems}
    crashed = 0
    for corpus in ("wcxb", "readability", "pk"):
        if corpus not in wanted:
            continue
        path, load = loaders[corpus]
        if not path.exists():
            print(f"skip {corpus}: {path} not found")
            continue
        pages: Iterable[Page] = load()
        if corpus != "pk" and args.split != "all":
            pages = (p for p in pages if p.split == args.split)
        if args.limit:
            pages = (p for i, p in enumerate(pages) if i < args.limit)
        run_systems = [s for s in args.pk_systems.split(",") if s in SYSTEMS] if corpus == "pk" else systems
        t0 = time.perf_counter()
        kept, outs = evaluate(pages, run_systems, use_url=not args.no_url)
        print(f"\n#### {corpus}: {len(kept)} pages, {time.perf_counter() - t0:.0f}s wall")
        summary = report_pk(kept, outs) if corpus == "pk" else report_labelled(corpus, kept, outs)
        out[corpus] = {"summary": summary, "pages": page_rows(kept, outs)}
        crashed += sum(o.error == "CRASH" for lst in outs.values() for o in lst)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, indent=1, ensure_ascii=False, default=str), encoding="utf-8")
    return 1 if crashed else 0


if __name__ == "__main__":
    raise SystemExit(main())
