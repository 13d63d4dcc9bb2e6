"""Titles and dates stated in text, measured on the shared corpora through the pipeline's own path.

    python bench/eval_text.py [--corpora ../shared/corpora] [--only NAME ...] [--show N] [--json out.json]

Every record goes the way ``process_batch`` sends it: written to a temporary file, read by
``newsetl.ingest.read_source`` (format sniffing, the record field mapping), then
``newsetl.clean_extract.clean_extract_batch`` with the run's settings (clean, extract, the batch's
cross-record title pass), all files of one corpus layout in one batch.
Scores use ``../shared/eval/metrics.py``. Printed per corpus:

- ``ur_bbc_urdu_dated``: Urdu headline + date; title exact (the field must survive the normaliser),
  dated share, day-exact date F and wrong dates (the texts rarely state their own date).
- ``ur_ha405_news``: the titles as they are (must stay exact, must not be dated by a date inside the
  headline), then the same titles with a date glued on the way scraped Urdu pages print it under the
  headline (Geo/Jang "08 نومبر ، 2024", Express "ہفتہ 9 نومبر 2024", Urdu digits, "ء", day and month
  only with a ``scraped_at`` field): stripped, dated-and-correct, both.
- ``ru_tgcontest_categories``: the Russian (and English) texts; which fields they carry; datelines found
  and correct against the datelines read by hand in the texts (ids below), and day-exact against the
  URL date with a fetch timestamp; then wire datelines (ru/en/ur forms) put in front of texts that have
  none (synthetic, gold known): dated-and-correct.
- ``bbc``: title = line 1 exact over all files.
- ``pk_title_records``: JSON records built from the saved Pakistani news pages: ``title`` = the
  page's ``<title>`` ("X - World - DAWN.COM"), body = its paragraphs; gold = the visible headline
  (h1/h2 contained in the <title>). Three layouts: with ``url`` (one folder per site), without ``url``
  (one folder per site), without ``url`` all sites in one file. Exact on records whose title carries an
  affix, split into dev / held-out halves by a hash of the gold title.
- ``wcxb_title_records``: the same from wcxb pages (<title> vs the gold title, with ``url``; one page
  per site, so nothing repeats: only the domain and the site name can help).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import hashlib
import html as htmllib
import json
import os
import random
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO.parent / "shared" / "eval"))

import metrics  # noqa: E402

from newsetl.errors import TerminalError  # noqa: E402
from newsetl.extract import article as article_mod  # noqa: E402
from newsetl.ingest import SourceFile, read_source  # noqa: E402
from newsetl.settings import load_settings  # noqa: E402

CORPORA = REPO.parent / "shared" / "corpora"
UR_MONTHS = ["جنوری", "فروری", "مارچ", "اپریل", "مئی", "جون", "جولائی", "اگست", "ستمبر", "اکتوبر", "نومبر", "دسمبر"]
UR_WEEKDAYS = ["پیر", "منگل", "بدھ", "جمعرات", "جمعہ", "ہفتہ", "اتوار"]  # Monday..Sunday
RU_MONTHS_GEN = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
                 "ноября", "декабря"]  # fmt: skip
RU_MONTHS_ABBR = ["янв", "фев", "мар", "апр", "мая", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"]
EN_MONTHS_ABBR = ["Jan", "Feb", "March", "April", "May", "June", "July", "Aug", "Sept", "Oct", "Nov", "Dec"]
URDU_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")

# datelines read by hand in ru_tgcontest_categories/ru_input.jsonl: id -> (month, day) the dateline states
RU_DATELINES = {
    "tgru-0007": (11, 12), "tgru-0024": (11, 14), "tgru-0026": (11, 1), "tgru-0038": (11, 8),
    "tgru-0039": (11, 8), "tgru-0079": (11, 15), "tgru-0092": (11, 13), "tgru-0101": (11, 13),
    "tgru-0109": (11, 13), "tgru-0126": (11, 17), "tgru-0155": (11, 14), "tgru-0215": (11, 12),
    "tgru-0273": (11, 12),
}  # fmt: skip
# ... and in en_input.jsonl (English wire datelines with a date)
EN_DATELINES = {"tgen-0003": (11, 17), "tgen-0052": (11, 8), "tgen-0095": (11, 1), "tgen-0110": (11, 1)}
CRAWL_END = dt.datetime(2020, 5, 31, tzinfo=dt.UTC)  # the contest's crawl ran Nov 2019 - May 2020


# ---------------------------------------------------------------------------------------------------
# the pipeline's path
# ---------------------------------------------------------------------------------------------------
class Runner:
    """read_source -> extract_article -> the batch's title pass, as process_batch does it."""

    def __init__(self) -> None:
        self.settings = load_settings(None)
        self.cpu = 0.0
        self.records = 0

    def run(self, files: list[Path], root: Path) -> tuple[dict[tuple[str, int], Any], Counter[str]]:
        """(uri, record index) -> Article, and quarantine reasons."""
        t0 = time.process_time()
        docs = []
        reasons: Counter[str] = Counter()
        for p in files:
            st = p.stat()
            got, rej = read_source(SourceFile(str(p), st.st_size, st.st_mtime, str(root)), self.settings.ingest)
            docs.extend(got)
            reasons.update(r.reason for r in rej)
        try:
            from newsetl.clean_extract import clean_extract_batch
        except ImportError:  # before the clean/extract split: the loop process_batch ran
            arts = []
            for d in docs:
                try:
                    arts.append(article_mod.extract_article(d))
                except TerminalError as exc:
                    reasons[exc.reason] += 1
        else:
            arts, rej = clean_extract_batch(docs, self.settings.extract)
            reasons.update(r.reason for r in rej)
        self.cpu += time.process_time() - t0
        self.records += len(docs)
        return {(a.source_uri, int(a.article_id.rsplit("#", 1)[1])): a for a in arts}, reasons


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]], mtime: float | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def pct(n: int, d: int) -> str:
    return f"{n / d:.3f} ({n}/{d})" if d else "n/a"


def date_f(pairs: Iterable[tuple[dt.date | None, dt.date | None]]) -> tuple[float, Counter[str]]:
    c: Counter[str] = Counter(metrics.date_outcome(p, g) for p, g in pairs)
    return metrics.f1_counts(c["tp"], c["fp"], c["fn"]), c


# ---------------------------------------------------------------------------------------------------
# corpora
# ---------------------------------------------------------------------------------------------------
def eval_bbc_urdu(run: Runner, tmp: Path, show: int) -> dict[str, Any]:
    src = CORPORA / "ur_bbc_urdu_dated"
    rows, gold = read_jsonl(src / "input.jsonl"), read_jsonl(src / "gold.jsonl")
    f = write_jsonl(tmp / "bbcur" / "input.jsonl", rows)
    arts, reasons = run.run([f], tmp)
    got = [arts.get((str(f), i)) for i in range(len(rows))]
    titles = sum(1 for r, a in zip(rows, got, strict=True) if a and metrics.title_exact(a.title, r["title"]))
    pairs = [(a.published_date if a else None, dt.date.fromisoformat(g["date"])) for a, g in zip(got, gold, strict=True)]
    f1, c = date_f(pairs)
    dated = sum(1 for p, _ in pairs if p)
    bad = [(r["title"], a.title) for r, a in zip(rows, got, strict=True) if a and not metrics.title_exact(a.title, r["title"])]
    for t, p in bad[:show]:
        print(f"    title changed: {t!r} -> {p!r}")
    return {"records": len(rows), "loaded": sum(1 for a in got if a), "quarantined": dict(reasons),
            "title_exact": pct(titles, len(rows)), "dated": pct(dated, len(rows)), "date_F": round(f1, 3),
            "date_tp_fp_fn": [c["tp"], c["fp"], c["fn"]],
            "date_sources": dict(Counter(a.date_source for a in got if a and a.published_date))}


def _ur_glue(title: str, d: dt.date, form: int) -> tuple[str, bool]:
    """(title with the date glued on the way Urdu news pages print it under the headline, needs_year_from_crawl)."""
    mon = UR_MONTHS[d.month - 1]
    wd = UR_WEEKDAYS[d.weekday()]
    forms = [
        (f"{d.day:02d} {mon} ، {d.year}", "", False),  # Geo / Jang, glued to the headline
        (f"{d.day:02d} {mon} ، {d.year}", " ", False),
        (f"{wd} {d.day} {mon} {d.year}", " ", False),  # Express
        (f"{d.day} {mon} {d.year}ء", "", False),
        (f"{d.day:02d} {mon} {d.year}".translate(URDU_DIGITS), " ", False),  # Urdu digits
        (f"{d.day} {mon}، {d.year} ".rstrip() + " 10:45 PM", "", False),
        (f"{d.day:02d} {mon}", "", True),  # day and month only: the year comes from the crawl time
        (f"{wd}، {d.day} {mon} {d.year}".translate(URDU_DIGITS), "\n", False),
    ]
    text, sep, needs = forms[form % len(forms)]
    return title + sep + text, needs


def eval_ha405(run: Runner, tmp: Path, show: int) -> dict[str, Any]:
    src = CORPORA / "ur_ha405_news"
    rows = read_jsonl(src / "input.jsonl")
    f = write_jsonl(tmp / "ha405" / "asis.jsonl", rows)
    arts, reasons = run.run([f], tmp)
    got = [arts.get((str(f), i)) for i in range(len(rows))]
    exact = sum(1 for r, a in zip(rows, got, strict=True) if a and metrics.title_exact(a.title, r["title"]))
    dated = sum(1 for a in got if a and a.published_date)
    changed = [(r["title"], a.title) for r, a in zip(rows, got, strict=True) if a and not metrics.title_exact(a.title, r["title"])]
    for t, p in changed[:show]:
        print(f"    as-is title changed: {t!r} -> {p!r}")
    # glued dates
    rnd = random.Random(405)
    glued, golds = [], []
    for i, r in enumerate(rows):
        d = dt.date(2024, 10, 1) + dt.timedelta(days=rnd.randrange(60))
        title, needs = _ur_glue(r["title"], d, i)
        rec = {"id": r["id"], "title": title, "content": r["content"]}
        if needs or i % 2:
            crawl = dt.datetime.combine(d, dt.time(12), dt.UTC) + dt.timedelta(days=rnd.randrange(4))
            rec["scraped_at"] = crawl.isoformat()
        glued.append(rec)
        golds.append((r["title"], d, i % 8))
    f2 = write_jsonl(tmp / "ha405" / "glued.jsonl", glued)
    arts2, reasons2 = run.run([f2], tmp)
    got2 = [arts2.get((str(f2), i)) for i in range(len(glued))]
    stripped = correct = both = 0
    per_form: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    misses = []
    for a, (title, d, form) in zip(got2, golds, strict=True):
        s = bool(a and metrics.title_exact(a.title, title))
        ok = bool(a and a.published_date == d)
        stripped += s
        correct += ok
        both += s and ok
        per_form[form][0] += s and ok
        per_form[form][1] += 1
        if not (s and ok) and a is not None:
            misses.append((form, a.title[-40:] if a.title else None, a.published_date, d))
    for m in misses[:show]:
        print(f"    glued miss (form {m[0]}): ...{m[1]!r} date {m[2]} gold {m[3]}")
    return {"records": len(rows), "as_is_title_exact": pct(exact, len(rows)), "as_is_dated": pct(dated, len(rows)),
            "as_is_quarantined": dict(reasons),
            "glued_stripped": pct(stripped, len(glued)), "glued_dated_correct": pct(correct, len(glued)),
            "glued_both": pct(both, len(glued)), "glued_quarantined": dict(reasons2),
            "glued_both_by_form": {k: f"{v[0]}/{v[1]}" for k, v in sorted(per_form.items())},
            "glued_date_sources": dict(Counter(a.date_source for a in got2 if a and a.published_date))}


def _fetch_time(g: dict[str, Any]) -> dt.datetime:
    if g.get("url_date"):
        return dt.datetime.combine(dt.date.fromisoformat(g["url_date"]), dt.time(18), dt.UTC) + dt.timedelta(days=1)
    return CRAWL_END


RU_WIRE = [
    lambda d: f"МОСКВА, {d.day} {RU_MONTHS_ABBR[d.month - 1]} — РИА Новости. ",
    lambda d: f"Москва. {d.day} {RU_MONTHS_GEN[d.month - 1]}. INTERFAX.RU - ",
    lambda d: f"САНКТ-ПЕТЕРБУРГ, {d.day} {RU_MONTHS_GEN[d.month - 1]}. /ТАСС/. ",
    lambda d: f"КРАСНОДАР, {d.day} {RU_MONTHS_GEN[d.month - 1]} {d.year} года, ФедералПресс. ",
    lambda d: f"КИЕВ, {d.day} {RU_MONTHS_ABBR[d.month - 1]} - РИА Новости Украина. ",
    lambda d: f"Новосибирск, {d.day} {RU_MONTHS_GEN[d.month - 1]}. ",
    lambda d: f"{d.day:02d}.{d.month:02d}.{d.year} ",
    lambda d: f"ТОМСК, {d.day} {RU_MONTHS_ABBR[d.month - 1]} – РИА Томск. ",
]
EN_WIRE = [
    lambda d: f"ISLAMABAD, {EN_MONTHS_ABBR[d.month - 1]} {d.day} (Reuters) - ",
    lambda d: f"LONDON, {EN_MONTHS_ABBR[d.month - 1]}. {d.day} (AP) — ",
    lambda d: f"TOKYO, {EN_MONTHS_ABBR[d.month - 1]} {d.day} — ",
    lambda d: f"KARACHI, {d.day} {EN_MONTHS_ABBR[d.month - 1]} (APP): ",
    lambda d: f"NEW DELHI, {EN_MONTHS_ABBR[d.month - 1]} {d.day}, {d.year} (PTI) ",
]
UR_WIRE = [
    lambda d: f"اسلام آباد۔{d.day}{UR_MONTHS[d.month - 1]} (اے پی پی): ",
    lambda d: f"کراچی ({d.day} {UR_MONTHS[d.month - 1]} {d.year}) ",
    lambda d: f"لاہور، {d.day} {UR_MONTHS[d.month - 1]} (نمائندہ خصوصی): ",
    lambda d: f"اسلام آباد (ویب ڈیسک) {d.day:02d} {UR_MONTHS[d.month - 1]} {d.year}ء: ".translate(URDU_DIGITS),
    lambda d: f"پشاور: {d.day} {UR_MONTHS[d.month - 1]} {d.year} — ",
]


def eval_tgcontest(run: Runner, tmp: Path, show: int) -> dict[str, Any]:
    src = CORPORA / "ru_tgcontest_categories"
    out: dict[str, Any] = {}
    for lang, hand in (("ru", RU_DATELINES), ("en", EN_DATELINES)):
        rows, gold = read_jsonl(src / f"{lang}_input.jsonl"), read_jsonl(src / f"{lang}_gold.jsonl")
        out[f"{lang}_fields"] = sorted({k for r in rows for k in r})
        # as they are: no fetch time, so a dateline's missing year comes from the file's time
        f = write_jsonl(tmp / "tg" / f"{lang}_asis.jsonl", rows)
        arts, _ = run.run([f], tmp)
        got = [arts.get((str(f), i)) for i in range(len(rows))]
        out[f"{lang}_dated"] = pct(sum(1 for a in got if a and a.published_date), len(rows))
        found = sum(1 for r, a in zip(rows, got, strict=True) if r["id"] in hand and a and a.published_date
                    and (a.published_date.month, a.published_date.day) == hand[r["id"]])
        out[f"{lang}_datelines_found_month_day"] = pct(found, len(hand))
        # with a fetch timestamp per record (the crawler's), day-exact
        rows2 = [dict(r, fetched_at=_fetch_time(g).isoformat()) for r, g in zip(rows, gold, strict=True)]
        f2 = write_jsonl(tmp / "tg" / f"{lang}_fetched.jsonl", rows2)
        arts2, _ = run.run([f2], tmp)
        got2 = [arts2.get((str(f2), i)) for i in range(len(rows))]
        ok = sum(1 for r, a in zip(rows, got2, strict=True) if r["id"] in hand and a and a.published_date
                 == dt.date(2019 if hand[r["id"]][0] > 5 else 2020, *hand[r["id"]]))
        out[f"{lang}_datelines_day_exact_with_fetch_time"] = pct(ok, len(hand))
        url = [(a.published_date if a else None, dt.date.fromisoformat(g["url_date"]))
               for a, g in zip(got2, gold, strict=True) if g.get("url_date")]
        f1, c = date_f(url)
        out[f"{lang}_url_date_F"] = f"{f1:.3f} tp/fp/fn {c['tp']}/{c['fp']}/{c['fn']} of {len(url)}"
        out[f"{lang}_date_sources"] = dict(Counter(a.date_source for a in got2 if a and a.published_date))
        wrong = [(r["id"], a.published_date, a.date_source, r["content"][:80]) for r, a, g in zip(rows, got2, gold, strict=True)
                 if a and a.published_date and r["id"] not in hand and g.get("url_date") and str(a.published_date) != g["url_date"]]
        for w in wrong[:show]:
            print(f"    {lang} dated (url date differs): {w}")
    out.update(eval_wire(run, tmp, show))
    return out


def eval_wire(run: Runner, tmp: Path, show: int) -> dict[str, Any]:
    """Wire datelines put in front of texts that state none (synthetic; the gold date is known)."""
    out: dict[str, Any] = {}
    rnd = random.Random(7)
    bodies = {
        "ru": [r for r in read_jsonl(CORPORA / "ru_tgcontest_categories" / "ru_input.jsonl")],
        "en": [r for r in read_jsonl(CORPORA / "ru_tgcontest_categories" / "en_input.jsonl")],
        "ur": [r for r in read_jsonl(CORPORA / "ur_bbc_urdu_dated" / "input.jsonl")][:150],
    }
    for lang, forms in (("ru", RU_WIRE), ("en", EN_WIRE), ("ur", UR_WIRE)):
        rows, golds = [], []
        for i, r in enumerate(bodies[lang]):
            d = dt.date(2019, 1, 1) + dt.timedelta(days=rnd.randrange(2000))
            fetched = dt.datetime.combine(d, dt.time(20), dt.UTC) + dt.timedelta(days=rnd.randrange(5))
            rows.append({"id": r["id"], "title": r["title"], "content": forms[i % len(forms)](d) + r["content"],
                         "fetched_at": fetched.isoformat()})
            golds.append((d, i % len(forms)))
        f = write_jsonl(tmp / "wire" / f"{lang}.jsonl", rows)
        arts, _ = run.run([f], tmp)
        got = [arts.get((str(f), i)) for i in range(len(rows))]
        ok = [bool(a and a.published_date == d) for a, (d, _) in zip(got, golds, strict=True)]
        by: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        for k, (_, form) in zip(ok, golds, strict=True):
            by[form][0] += k
            by[form][1] += 1
        out[f"wire_{lang}_dated_correct"] = pct(sum(ok), len(ok))
        out[f"wire_{lang}_by_form"] = {k: f"{v[0]}/{v[1]}" for k, v in sorted(by.items())}
        cities = Counter(a.dateline_city for a in got if a and a.dateline_city)
        out[f"wire_{lang}_cities"] = dict(cities.most_common(6))
        for a, (d, form), r in list(zip(got, golds, rows, strict=True)):
            if show and a and a.published_date != d:
                print(f"    wire {lang} miss form {form}: {r['content'][:60]!r} -> {a.published_date} gold {d}")
                show -= 1
    return out


def eval_bbc(run: Runner, tmp: Path, show: int) -> dict[str, Any]:
    root = CORPORA / "bbc"
    files = sorted(p for p in root.rglob("*.txt") if p.parent != root)
    arts, reasons = run.run(files, root)
    ok = 0
    bad = []
    for p in files:
        a = arts.get((str(p), 0))
        first = htmllib.unescape(p.read_bytes().decode("utf-8", "replace").split("\n", 1)[0].strip())
        if a and metrics.title_exact(a.title, first):
            ok += 1
        else:
            bad.append((first, a.title if a else None))
    for b in bad[:show]:
        print(f"    bbc title: {b}")
    dated = sum(1 for a in arts.values() if a.published_date)
    return {"files": len(files), "title_is_line_1": pct(ok, len(files)), "dated": pct(dated, len(files)),
            "quarantined": dict(reasons)}


# -- title records from saved pages --------------------------------------------------------------------
_WS = re.compile(r"\s+")


def _norm(s: str | None) -> str:
    return _WS.sub(" ", s or "").strip()


def _page_record(raw: str) -> tuple[str, str, str, str | None] | None:
    """(<title>, gold headline, body, canonical url) of a saved page whose visible headline is in its <title>."""
    import lxml.html

    try:
        root = lxml.html.fromstring(raw)
    except Exception:
        return None
    t = root.find(".//title")
    if t is None:
        return None
    title = _norm(t.text_content())
    plain = _norm(htmllib.unescape(title))
    gold = None
    for h in root.xpath("//h1|//h2"):
        ht = _norm(h.text_content())
        if len(ht.split()) >= 2 and ht != plain and (plain.startswith(ht) or plain.endswith(ht)) and len(ht) > 8:
            gold = ht
            break
    if gold is None:
        return None
    paras = [_norm(p.text_content()) for p in root.xpath("//p")]
    body = "\n\n".join(p for p in paras if len(p.split()) >= 8)
    if len(body.split()) < 60:
        return None
    canon = root.xpath("//link[@rel='canonical']/@href") or root.xpath("//meta[@property='og:url']/@content")
    url = canon[0] if canon and canon[0].startswith("http") else None  # HTTrack rewrote some to "index.html"
    return title, gold, body, url


def _half(gold: str) -> str:
    return "dev" if int(hashlib.md5(gold.encode()).hexdigest(), 16) % 2 == 0 else "held_out"


def _score_titles(label: str, recs: list[tuple[str, str, str]], got: list[Any], show: int) -> dict[str, Any]:
    """recs: (site, <title>, gold)."""
    res: dict[str, Any] = {}
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    halves: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses = []
    for (site, raw, gold), a in zip(recs, got, strict=True):
        ok = bool(a and metrics.title_exact(a.title, gold))
        per[site][0] += ok
        per[site][1] += 1
        halves[_half(gold)][0] += ok
        halves[_half(gold)][1] += 1
        if not ok:
            misses.append((site, raw, a.title if a else None))
    n_ok = sum(v[0] for v in per.values())
    res["exact"] = pct(n_ok, len(recs))
    res.update({f"exact_{h}": pct(*v) for h, v in sorted(halves.items())})
    res["by_site"] = {k: f"{v[0]}/{v[1]}" for k, v in sorted(per.items())}
    rnd = random.Random(1)
    for m in rnd.sample(misses, min(show, len(misses))):
        print(f"    {label} miss [{m[0]}]: {m[1]!r} -> {m[2]!r}")
    return res


def eval_pk_titles(run: Runner, tmp: Path, show: int) -> dict[str, Any]:
    root = CORPORA / "html-pk-news-sites"
    by_site: dict[str, list[tuple[str, str, str, str | None]]] = defaultdict(list)
    seen: set[str] = set()
    for p in sorted(root.rglob("*.htm*")):
        site = p.relative_to(root).parts[0]
        rec = _page_record(p.read_bytes().decode("utf-8", "replace"))
        if rec is None or rec[1] in seen:
            continue
        seen.add(rec[1])
        by_site[site].append(rec)
    out: dict[str, Any] = {"pages_with_gold": {k: len(v) for k, v in sorted(by_site.items())}}
    for layout in ("url_per_site", "no_url_per_site", "no_url_one_file"):
        files, index = [], []
        for site, recs in sorted(by_site.items()):
            rows = []
            for title, gold, body, url in recs:
                r: dict[str, Any] = {"title": title, "content": body}
                if layout == "url_per_site" and url:
                    r["url"] = url
                rows.append(r)
                index.append((site, title, gold))
            if layout == "no_url_one_file":
                continue
            files.append(write_jsonl(tmp / "pk" / layout / site / "records.jsonl", rows))
        if layout == "no_url_one_file":
            allrows = [{"title": t, "content": b} for _, recs in sorted(by_site.items()) for t, _, b, _ in recs]
            files = [write_jsonl(tmp / "pk" / layout / "all.jsonl", allrows)]
        arts, reasons = run.run(files, tmp / "pk" / layout)
        got: list[Any] = []
        for f in files:
            n = sum(1 for _ in f.open(encoding="utf-8"))
            got.extend(arts.get((str(f), i)) for i in range(n))
        out[layout] = _score_titles(f"pk/{layout}", index, got, show)
        out[layout]["quarantined"] = dict(reasons)
    return out


def eval_wcxb_titles(run: Runner, tmp: Path, show: int) -> dict[str, Any]:
    root = CORPORA / "wcxb"
    import lxml.html

    rows, index = [], []
    for g in read_jsonl(root / "gold.jsonl"):
        raw = gzip.decompress((root / g["file"]).read_bytes()).decode("utf-8", "replace")
        try:
            t = lxml.html.fromstring(raw).find(".//title")
        except Exception:
            continue
        if t is None:
            continue
        title = _norm(t.text_content())
        gold = _norm(g["title"])
        if not gold or gold == title or gold not in title or len((g.get("main_content") or "").split()) < 40:
            continue
        rows.append({"title": title, "url": g["url"], "content": g["main_content"]})
        index.append((g["page_type"], title, gold))
    f = write_jsonl(tmp / "wcxb" / "records.jsonl", rows)
    arts, reasons = run.run([f], tmp)
    got = [arts.get((str(f), i)) for i in range(len(rows))]
    res = _score_titles("wcxb", index, got, show)
    res["quarantined"] = dict(reasons)
    return res


EVALS: dict[str, Callable[[Runner, Path, int], dict[str, Any]]] = {
    "ur_bbc_urdu_dated": eval_bbc_urdu,
    "ur_ha405_news": eval_ha405,
    "ru_tgcontest_categories": eval_tgcontest,
    "bbc": eval_bbc,
    "pk_title_records": eval_pk_titles,
    "wcxb_title_records": eval_wcxb_titles,
}


def main() -> int:
    global CORPORA
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpora", default=str(CORPORA))
    ap.add_argument("--only", nargs="*", default=None)
    ap.add_argument("--show", type=int, default=0, help="print N misses per corpus")
    ap.add_argument("--json", default=None)
    a = ap.parse_args()
    CORPORA = Path(a.corpora)
    if not CORPORA.is_dir():
        print(f"no corpora at {CORPORA}")
        return 0
    run = Runner()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="eval-text-") as td:
        for name, fn in EVALS.items():
            if a.only and name not in a.only:
                continue
            t0 = time.perf_counter()
            r = fn(run, Path(td), a.show)
            r["seconds"] = round(time.perf_counter() - t0, 1)
            results[name] = r
            print(f"== {name}")
            for k, v in r.items():
                print(f"  {k:44s} {v}")
    print(f"records {run.records}, extract CPU {run.cpu:.1f}s ({1000 * run.cpu / max(run.records, 1):.2f} ms/record)")
    if a.json:
        Path(a.json).write_text(json.dumps(results, indent=1, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
