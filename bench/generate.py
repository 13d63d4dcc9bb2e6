"""Generate a large, messy, deterministic news corpus from real text, with a duplicate truth file.

    python bench/generate.py --n 10000 --out DIR [--seed 1] [--corpora DIR] [--force]

Text comes from the bundled ``data/sample`` articles and, when present, the public corpora in
``../shared/corpora`` (``bbc/`` plain-text articles, ``html-pk-news-sites/`` saved pages): they are cut
into sentences per topic, and each *original* article is a fresh draw of 3-9 paragraphs of 1-3
sentences from one topic (so originals are distinct stories, not accidental near-duplicates), with a
headline, an optional date, site, byline and dateline. Then:

* noise (stored with the article, so exact copies carry it too): forum chrome blocks ("FULL MEMBER /
  Joined / Messages"), "????" emoji loss, tweet embed lines (``pic.twitter.com/...— Name (@handle)``),
  link cards (title / description / www.site), share-bar and "Advertisement" chrome, a stray
  "Monday December 05, 2022" page-date line, cp1252 mojibake ("â€™"); some txt files are written in
  cp1252, some with CRLF line ends; about a quarter of the articles have no date at all;
* duplicates: ~8% exact copies of a recent original (same title/body/noise; possibly another format)
  and ~8% edited copies (``headline`` changed, ``drop_para`` one paragraph removed, ``typos``);
* containers: ``txt`` (title on line 1), ``html`` pages with metadata (og:title, canonical,
  article:published_time, nav/footer chrome), ``json`` (one object, or ``{"articles": [...]}`` with
  several records), ``jsonl`` (many records per file; field names vary: content/articleBody/text, nested
  ``{"article": {...}}``); about 8% of the txt and 15% of the jsonl files are gzipped;
* real pages: when ``html-pk-news-sites`` is present, ~0.5% of the articles are verbatim copies of
  its saved pages (kind ``real_page``);
* junk files outside the N articles: empty, whitespace-only, binary (PNG/random bytes under news-like
  names) and truncated JSON (kind ``junk``).

Mix: up to 20,000 articles, ~60% are single files (txt 50%, html 35%, json 12%, multi-record json 3%)
and ~40% are JSONL records (50 per file). Above that the number of single files grows slowly
(12,000 + 5% of the rest) and the remainder goes to JSONL files of 500 records, so 1M articles are
~61k single files + ~1,900 JSONL files (~2.5 GB) and generate in a few minutes. The exact counts of
every run are in ``DIR/.generate.json``.

Truth file: ``DIR/.truth.jsonl`` (hidden, so the pipeline does not ingest it), one JSON line per
written record: ``{"file": relative path, "record": index in file, "id": original id, "kind":
original|exact|headline|drop_para|typos|real_page|junk, "format": ...}``. Records with the same
``id`` are one story. Output is byte-identical for the same N, seed and corpora (gzip mtime 0).
Memory is flat: articles stream to disk, only a bounded ring of recent originals is kept for copies.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import gzip
import html
import json
import os
import random
import re
import shutil
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, BinaryIO

try:
    import orjson

    def _dumps(o: Any) -> bytes:
        return orjson.dumps(o)
except ImportError:  # pragma: no cover - orjson is installed with the project
    def _dumps(o: Any) -> bytes:
        return json.dumps(o, ensure_ascii=False, separators=(",", ":")).encode()

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPORA = REPO.parent / "shared" / "corpora"
SAMPLE_DIR = REPO / "data" / "sample"
TRUTH_NAME = ".truth.jsonl"
META_NAME = ".generate.json"
GENERATOR_VERSION = 1

SHARD = 1000  # files per sub-folder
RING = 4000  # recent originals kept for copies
P_EXACT, P_EDITED = 0.08, 0.08

# ---------------------------------------------------------------------------------------------------
# source text
# ---------------------------------------------------------------------------------------------------
_SENT_SPLIT = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’']))\s+(?=[A-Z\"“‘0-9])")
_P_TAG = re.compile(r"<p(?:\s[^>]*)?>(.*?)</p>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")
_WS = re.compile(r"\s+")
_HTML_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.S | re.I)


@dataclass
class Pool:
    topics: list[str]
    weights: list[int]
    sentences: dict[str, list[str]]
    headlines: dict[str, list[str]]
    real_pages: list[Path] = field(default_factory=list)
    real_root: Path | None = None
    sources: list[str] = field(default_factory=list)


def _sentences(paragraph: str) -> list[str]:
    out = []
    for s in _SENT_SPLIT.split(paragraph.strip()):
        s = s.strip()
        if 40 <= len(s) <= 600 and s.count(" ") >= 6:
            out.append(s)
    return out


def _read_text(p: Path) -> str:
    b = p.read_bytes()
    try:
        return b.decode("utf-8")
    except UnicodeDecodeError:
        return b.decode("latin-1")


def _add_text_article(text: str, topic: str, sents: dict[str, list[str]], heads: dict[str, list[str]]) -> None:
    lines = text.replace("\r\n", "\n").split("\n")
    title = lines[0].strip() if lines else ""
    if 10 <= len(title) <= 160:
        heads.setdefault(topic, []).append(title)
    for para in "\n".join(lines[1:]).split("\n"):
        sents.setdefault(topic, []).extend(_sentences(para))


def load_pool(corpora: Path | None) -> Pool:
    """Sentences and headlines per topic from data/sample and the shared corpora (sorted, so deterministic)."""
    sents: dict[str, list[str]] = {}
    heads: dict[str, list[str]] = {}
    sources = ["data/sample"]
    for p in sorted(SAMPLE_DIR.glob("*.txt")):
        _add_text_article(_read_text(p), "pakistan", sents, heads)
    real_pages: list[Path] = []
    real_root = None
    if corpora and (corpora / "bbc").is_dir():
        sources.append(str(corpora / "bbc"))
        for topic_dir in sorted(d for d in (corpora / "bbc").iterdir() if d.is_dir()):
            for p in sorted(topic_dir.glob("*.txt")):
                _add_text_article(_read_text(p), topic_dir.name, sents, heads)
    if corpora and (corpora / "html-pk-news-sites").is_dir():
        real_root = corpora / "html-pk-news-sites"
        sources.append(str(real_root))
        for p in sorted(real_root.rglob("*.html")):
            try:
                raw = p.read_bytes()[:400_000].decode("utf-8", "replace")
            except OSError:
                continue
            paras = [html.unescape(_WS.sub(" ", _TAG.sub("", m))).strip() for m in _P_TAG.findall(raw)]
            paras = [x for x in paras if len(x) >= 80]
            if len(paras) < 3:
                continue
            real_pages.append(p)
            t = _HTML_TITLE.search(raw)
            if t:
                title = html.unescape(_WS.sub(" ", t.group(1))).split(" - ")[0].split(" | ")[0].strip()
                if 10 <= len(title) <= 160:
                    heads.setdefault("pakistan", []).append(title)
            for para in paras:
                sents.setdefault("pakistan", []).extend(_sentences(para))
    # tiny topics are folded into one pool so every topic can fill an article
    merged: dict[str, list[str]] = {}
    for t, ss in sorted(sents.items()):
        merged.setdefault(t if len(ss) >= 200 else "general", []).extend(ss)
    for t in list(heads):
        if t not in merged:
            heads.setdefault("general", []).extend(heads.pop(t))
    topics = sorted(merged)
    for t in topics:
        heads.setdefault(t, [])
    return Pool(topics, [len(merged[t]) for t in topics], merged, heads, real_pages, real_root, sources)


# ---------------------------------------------------------------------------------------------------
# articles
# ---------------------------------------------------------------------------------------------------
SITES = [
    ("Dawn", "www.dawn.com"), ("The News", "www.thenews.com.pk"), ("Geo News", "www.geo.tv"),
    ("Daily Times", "dailytimes.com.pk"), ("The Friday Times", "www.thefridaytimes.com"),
    ("The Frontier Post", "thefrontierpost.com"), ("BBC News", "news.bbc.co.uk"),
    ("Business Recorder", "www.brecorder.com"), ("The Express Tribune", "tribune.com.pk"),
]
AUTHORS = ["F.P. Report", "Staff Reporter", "APP", "Reuters", "Our Correspondent", "Web Desk", "AFP",
           "Sana Jamal", "Amir Wasim", "Mehtab Haider", "Kamran Yousaf", "Jane Smith", "Tom Watson"]
CITIES = ["ISLAMABAD", "KARACHI", "LAHORE", "PESHAWAR", "QUETTA", "LONDON", "MOSCOW", "WASHINGTON", "BEIJING"]
DASHES = [": ", " - ", " – ", ": "]
HANDLES = [("Shah Mahmood Qureshi", "SMQureshiPTI"), ("MFA Russia", "mfa_russia"), ("Dawn.com", "dawn_com"),
           ("Geo English", "geonews_english"), ("BBC Breaking News", "BBCBreaking"), ("PTI", "PTIofficial")]
FORUM_USERS = ["Vanguard One", "Kaptaan", "Zarvan", "Imran Khan", "Mentee", "Areesh", "TaimiKhan"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
D0 = dt.date(2004, 1, 1).toordinal()
D1 = dt.date(2024, 12, 31).toordinal()
UK_US = [("tyres", "tires"), ("colour", "color"), ("organisation", "organization"), ("defence", "defense"),
         ("programme", "program"), ("centre", "center"), ("labour", "labor")]


@dataclass
class Doc:
    id: str
    title: str
    paras: list[str]
    date: dt.date | None
    site: int
    author: str | None
    topic: str
    pre: list[str] = field(default_factory=list)  # chrome lines before the title/body
    post: list[str] = field(default_factory=list)  # chrome lines after the body (comments, share bars)
    kind: str = "original"


def _headline(rng: random.Random, pool: Pool, topic: str) -> str:
    heads = pool.headlines.get(topic) or []
    if heads and rng.random() < 0.3:
        return rng.choice(heads)
    words = rng.choice(pool.sentences[topic]).split()
    start = rng.randint(0, max(0, min(4, len(words) - 6)))
    h = " ".join(words[start:start + rng.randint(5, 11)]).strip(" ,;:.\"'“”‘’")
    return h[:1].upper() + h[1:]


def _typos(rng: random.Random, text: str) -> str:
    words = text.split(" ")
    for _ in range(max(1, len(words) // 60)):
        i = rng.randrange(len(words))
        w = words[i]
        if len(w) < 4:
            continue
        j = rng.randrange(1, len(w) - 2)
        r = rng.random()
        if r < 0.4:
            w = w[:j] + w[j + 1] + w[j] + w[j + 2:]  # swap
        elif r < 0.7:
            w = w[:j] + w[j + 1:]  # drop a letter
        else:
            w = w[:j] + w[j] + w[j:]  # double a letter
        words[i] = w
    out = " ".join(words)
    for uk, us in UK_US:
        if uk in out:
            out = out.replace(uk, us)
    return out


def _tweet(rng: random.Random, pool: Pool, topic: str, d: dt.date | None) -> str:
    name, handle = rng.choice(HANDLES)
    s = rng.choice(pool.sentences[topic])[:180]
    emoji = "????????" if rng.random() < 0.5 else ""
    tag = "".join(rng.choice("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(10))
    when = d or dt.date.fromordinal(rng.randint(D0, D1))
    return f"{emoji}{s} pic.twitter.com/{tag}— {name} (@{handle}) {MONTHS[when.month - 1]} {when.day}, {when.year}"


def _forum_block(rng: random.Random) -> list[str]:
    d = dt.date.fromordinal(rng.randint(D0, D1))
    return [rng.choice(FORUM_USERS), rng.choice(["FULL MEMBER", "SENIOR MEMBER", "ELITE MEMBER"]), "- Joined",
            f"- {MONTHS[d.month - 1][:3]} {d.day}, {d.year}", "- Messages", f"- {rng.randint(1, 40000):,}",
            "- Reaction score", f"- {rng.randint(-20, 9000)}", "- Country", "- Location"]


def _mojibake(s: str) -> str:
    s = s.replace("'", "’", 3)
    try:
        return s.encode("utf-8").decode("cp1252")
    except UnicodeDecodeError:
        return s


def make_original(rng: random.Random, pool: Pool, i: int, seed: int) -> Doc:
    topic = rng.choices(pool.topics, pool.weights)[0]
    ss = pool.sentences[topic]
    paras = [" ".join(rng.choices(ss, k=rng.choice((1, 2, 2, 3)))) for _ in range(rng.randint(3, 9))]
    date = dt.date.fromordinal(rng.randint(D0, D1)) if rng.random() < 0.75 else None
    author = rng.choice(AUTHORS) if rng.random() < 0.6 else None
    doc = Doc(f"g{seed}-{i:08d}", _headline(rng, pool, topic), paras, date, rng.randrange(len(SITES)), author, topic)
    if rng.random() < 0.4:
        doc.paras[0] = rng.choice(CITIES) + rng.choice(DASHES) + doc.paras[0]
    r = rng.random()
    if r < 0.05:  # forum thread around the article
        doc.pre = _forum_block(rng)
        doc.post = [rng.choice(ss)[:200] for _ in range(rng.randint(1, 4))]
    elif r < 0.10:
        doc.post = ["Share this:", "Facebook", "Twitter", "WhatsApp", "Advertisement"]
    elif r < 0.13:
        today = dt.date.fromordinal(rng.randint(D0, D1))
        doc.pre = [f"{WEEKDAYS[today.weekday()]} {MONTHS[today.month - 1]} {today.day:02d}, {today.year}"]
    if rng.random() < 0.06:  # tweet embeds between paragraphs
        for _ in range(rng.randint(1, 2)):
            doc.paras.insert(rng.randint(1, len(doc.paras)), _tweet(rng, pool, topic, date))
    if rng.random() < 0.04:  # link card
        other = rng.choice(ss)
        doc.paras.insert(rng.randint(1, len(doc.paras)),
                         f"{_headline(rng, pool, topic)}\n{other[:160]}\n{SITES[rng.randrange(len(SITES))][1]}")
    if rng.random() < 0.05:  # emoji lost to '?'
        k = rng.randrange(len(doc.paras))
        doc.paras[k] = "?" * rng.choice((2, 4, 8)) + " " + doc.paras[k]
    if rng.random() < 0.02:
        k = rng.randrange(len(doc.paras))
        doc.paras[k] = _mojibake(doc.paras[k])
    return doc


def make_copy(rng: random.Random, pool: Pool, orig: Doc) -> Doc:
    if rng.random() < P_EXACT / (P_EXACT + P_EDITED):
        return replace(orig, kind="exact")
    kind = rng.choice(("headline", "drop_para", "typos"))
    if kind == "drop_para" and len(orig.paras) < 4:
        kind = "typos"
    if kind == "headline":
        return replace(orig, title=_headline(rng, pool, orig.topic), kind=kind)
    if kind == "drop_para":
        paras = list(orig.paras)
        del paras[rng.randrange(1, len(paras))]
        return replace(orig, paras=paras, kind=kind)
    return replace(orig, paras=[_typos(rng, p) for p in orig.paras], title=_typos(rng, orig.title), kind=kind)


# ---------------------------------------------------------------------------------------------------
# rendering
# ---------------------------------------------------------------------------------------------------
def _date_text(rng: random.Random, d: dt.date) -> str:
    r = rng.random()
    if r < 0.3:
        return f"{MONTHS[d.month - 1]} {d.day}, {d.year}"
    if r < 0.5:
        return f"{d.day} {MONTHS[d.month - 1]} {d.year}"
    if r < 0.7:
        return f"Published: {d.isoformat()}"
    if r < 0.85:
        return f"Updated {d.day:02d}/{d.month:02d}/{d.year}"
    return f"date {d.isoformat()}"


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:70] or "story"


def _url(doc: Doc, n: int) -> str:
    return f"https://{SITES[doc.site][1]}/news/{n}/{_slug(doc.title)}"


def render_txt(rng: random.Random, doc: Doc) -> str:
    lines = list(doc.pre)
    lines.append(doc.title)
    lines.append("")
    if doc.author and rng.random() < 0.7:
        lines += [doc.author, ""]
    if doc.date and rng.random() < 0.8:
        lines += [_date_text(rng, doc.date), ""]
    lines.append("\n\n".join(doc.paras))
    if doc.post:
        lines += ["", *doc.post]
    return "\n".join(lines) + ("\n" if rng.random() < 0.5 else "")


def render_record(rng: random.Random, doc: Doc, n: int) -> dict[str, Any]:
    body = "\n\n".join(doc.pre + doc.paras + doc.post) if (doc.pre or doc.post) else "\n\n".join(doc.paras)
    style = rng.random()
    site_name, domain = SITES[doc.site]
    if style < 0.45:
        rec: dict[str, Any] = {"id": doc.id if doc.kind == "original" else f"{doc.id}-{n}", "title": doc.title,
                               "content": body, "url": _url(doc, n), "source": site_name}
        if doc.date:
            rec["published_at"] = f"{doc.date.isoformat()}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00Z"
        if doc.author:
            rec["author"] = doc.author
    elif style < 0.75:
        rec = {"headline": doc.title, "articleBody": body, "link": _url(doc, n),
               "publisher": {"name": site_name, "url": f"https://{domain}/"}}
        if doc.date:
            rec["datePublished"] = doc.date.isoformat()
        if doc.author:
            rec["authors"] = [{"name": doc.author}]
    elif style < 0.9:
        art: dict[str, Any] = {"title": doc.title, "text": doc.paras, "site_name": domain}
        if doc.date:
            art["date"] = _date_text(rng, doc.date).replace("Published: ", "").replace("date ", "")
        rec = {"article": art, "crawl": {"status": 200, "fetched": "2024-06-01T00:00:00Z"}}
    else:  # HTML body inside JSON
        rec = {"title": doc.title, "body": "".join(f"<p>{html.escape(p)}</p>" for p in doc.paras),
               "pubDate": doc.date.strftime("%a, %d %b %Y 08:00:00 +0000") if doc.date else None,
               "domain": domain}
    return rec


NAV = ('<header class="site-header"><div class="logo"><a href="/">{site}</a></div><nav><ul><li><a href="/">Home'
       '</a></li><li><a href="/pakistan">Pakistan</a></li><li><a href="/world">World</a></li><li><a href="/business">'
       'Business</a></li><li><a href="/sport">Sport</a></li><li><a href="/opinion">Opinion</a></li></ul></nav></header>')
FOOT = ('<aside class="related"><h3>Related stories</h3><ul>{related}</ul></aside><div class="ad">Advertisement</div>'
        '<footer><p>Copyright © {year} {site}. All rights reserved.</p><a href="/privacy">Privacy policy</a>'
        '<a href="/contact">Contact us</a></footer>')


def render_html(rng: random.Random, doc: Doc, n: int, pool: Pool) -> tuple[str, str]:
    site_name, _domain = SITES[doc.site]
    e = html.escape
    title = e(doc.title)
    meta = [f'<meta property="og:title" content="{title}">', f'<link rel="canonical" href="{_url(doc, n)}">',
            f'<meta property="og:site_name" content="{e(site_name)}">']
    date_html = ""
    if doc.date:
        if rng.random() < 0.7:
            meta.append(f'<meta property="article:published_time" content="{doc.date.isoformat()}T09:00:00+05:00">')
        if rng.random() < 0.6:
            date_html = f'<time datetime="{doc.date.isoformat()}">{e(_date_text(rng, doc.date))}</time>'
    if doc.author:
        meta.append(f'<meta name="author" content="{e(doc.author)}">')
    charset = "windows-1252" if rng.random() < 0.05 else "utf-8"
    pre = "".join(f"<div class=\"forum\">{e(x)}</div>" for x in doc.pre)
    body = "".join(f"<p>{e(p)}</p>".replace("\n", "<br>") for p in doc.paras)
    post = "".join(f"<div class=\"comment\"><p>{e(x)}</p></div>" for x in doc.post)
    related = "".join(f'<li><a href="/news/{rng.randint(1, 999999)}">{e(_headline(rng, pool, doc.topic))}</a></li>'
                      for _ in range(3))
    byline = f'<p class="byline">By {e(doc.author)}</p>' if doc.author else ""
    page = (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="{charset}"><title>{title} | {e(site_name)}</title>'
            f'{"".join(meta)}</head><body>{NAV.format(site=e(site_name))}<main>{pre}<article><h1>{title}</h1>'
            f'{byline}{date_html}<div class="story__content">{body}</div></article>{post}</main>'
            f'{FOOT.format(related=related, year=(doc.date or dt.date(2024, 1, 1)).year, site=e(site_name))}'
            '</body></html>\n')
    return page, charset


# ---------------------------------------------------------------------------------------------------
# writers
# ---------------------------------------------------------------------------------------------------
def _gz(data: bytes) -> bytes:
    import io

    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, compresslevel=5) as g:
        g.write(data)
    return buf.getvalue()


class Out:
    def __init__(self, root: Path, truth: BinaryIO) -> None:
        self.root = root
        self.truth = truth
        self.counts: collections.Counter[str] = collections.Counter()
        self.bytes = 0
        self.made: set[str] = set()

    def path(self, kind: str, name: str) -> tuple[Path, str]:
        n = self.counts[f"files:{kind}"]
        self.counts[f"files:{kind}"] += 1
        sub = f"{kind}/{n // SHARD:04d}"
        if sub not in self.made:
            (self.root / sub).mkdir(parents=True, exist_ok=True)
            self.made.add(sub)
        rel = f"{sub}/{n:07d}_{name}"
        return self.root / rel, rel

    def write(self, path: Path, data: bytes) -> None:
        with open(path, "wb") as fh:
            fh.write(data)
        self.bytes += len(data)

    def note(self, rel: str, record: int, doc_id: str, kind: str, fmt: str) -> None:
        self.truth.write(_dumps({"file": rel, "record": record, "id": doc_id, "kind": kind, "format": fmt}) + b"\n")
        self.counts[f"kind:{kind}"] += 1
        self.counts[f"format:{fmt}"] += 1


class Batched:
    """A multi-record file filled record by record (JSONL streams; a JSON array is held until full)."""

    def __init__(self, out: Out, kind: str, per_file: int, p_gz: float) -> None:
        self.out, self.kind, self.per_file, self.p_gz = out, kind, per_file, p_gz
        self.fh: Any = None
        self.rel = ""
        self.n = 0
        self.cap = per_file
        self.held: list[dict[str, Any]] = []
        self.path: Path | None = None

    def add(self, rng: random.Random, rec: dict[str, Any], doc_id: str, kind: str) -> None:
        if self.fh is None and self.path is None:
            self._open(rng)
        if self.kind == "jsonl":
            self.fh.write(_dumps(rec) + b"\n")
        else:
            self.held.append(rec)
        self.out.note(self.rel, self.n, doc_id, kind, self.kind)
        self.n += 1
        if self.n >= self.cap:
            self.close()

    def _open(self, rng: random.Random) -> None:
        gz = rng.random() < self.p_gz
        if self.kind == "jsonl":
            path, self.rel = self.out.path("jsonl", "records.jsonl" + (".gz" if gz else ""))
            self.fh = gzip.GzipFile(path, "wb", compresslevel=1, mtime=0) if gz else open(path, "wb")  # noqa: SIM115
            self.path = path
            self.cap = self.per_file
        else:
            path, self.rel = self.out.path("json", "articles.json")
            self.path = path
            self.cap = rng.randint(2, 20)
        self.n = 0

    def close(self) -> None:
        if self.fh is not None:
            self.fh.close()
            self.out.bytes += self.path.stat().st_size if self.path else 0
        elif self.path is not None and self.held:
            wrapper = {"status": "ok", "count": len(self.held), "articles": self.held}
            self.out.write(self.path, json.dumps(wrapper, ensure_ascii=False, indent=1).encode())
        self.fh, self.path, self.held = None, None, []


JUNK = ["empty", "blank", "png", "random", "truncated_json", "nul_txt"]


def write_junk(rng: random.Random, out: Out, k: int) -> None:
    for j in range(k):
        what = JUNK[j % len(JUNK)]
        if what == "empty":
            path, rel = out.path("junk", "story.txt")
            data = b""
        elif what == "blank":
            path, rel = out.path("junk", "story.html")
            data = b"   \n\n\t \n"
        elif what == "png":
            path, rel = out.path("junk", "photo-gallery.html")
            data = b"\x89PNG\r\n\x1a\n" + rng.randbytes(3000)
        elif what == "random":
            path, rel = out.path("junk", "feed.json")
            data = rng.randbytes(2048)
        elif what == "truncated_json":
            path, rel = out.path("junk", "broken.json")
            data = b'{"title": "Budget 2024: what changes", "content": "The federal budget was present'
        else:
            path, rel = out.path("junk", "notes.txt")
            data = b"\x00\x01\x02binary\x00\xff\xfe" * 50
        out.write(path, data)
        out.note(rel, 0, f"junk-{j}", "junk", what)


# ---------------------------------------------------------------------------------------------------
# main loop
# ---------------------------------------------------------------------------------------------------
def single_share(n: int) -> float:
    if n <= 20_000:
        return 0.6
    return (12_000 + 0.05 * (n - 20_000)) / n


def generate(n: int, out_dir: Path, seed: int = 1, corpora: Path | None = DEFAULT_CORPORA,
             quiet: bool = True) -> dict[str, Any]:
    """Write ``n`` articles (plus a few junk files) under ``out_dir``; return the run's counts."""
    t0 = time.perf_counter()
    if corpora is not None and not corpora.is_dir():
        corpora = None
    pool = load_pool(corpora)
    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    share = single_share(n)
    per_jsonl = 50 if n <= 20_000 else 500
    n_real = min(len(pool.real_pages), n // 200)
    real_every = n // n_real if n_real else 0
    ring: collections.deque[Doc] = collections.deque(maxlen=RING)
    with open(out_dir / TRUTH_NAME, "wb") as truth:
        out = Out(out_dir, truth)
        jsonl = Batched(out, "jsonl", per_jsonl, 0.15)
        jarr = Batched(out, "json_array", 0, 0.0)
        real_i = 0
        for i in range(n):
            if real_every and i % real_every == real_every - 1 and real_i < n_real:
                src = pool.real_pages[(real_i * 7919) % len(pool.real_pages)]
                real_i += 1
                path, rel = out.path("html", src.name[-60:])
                out.write(path, src.read_bytes())
                out.note(rel, 0, "pk:" + str(src.relative_to(pool.real_root or src.parent)), "real_page", "html")
                continue
            r = rng.random()
            if ring and r < P_EXACT + P_EDITED:
                doc = make_copy(rng, pool, ring[rng.randrange(len(ring))])
            else:
                doc = make_original(rng, pool, i, seed)
                ring.append(doc)
            if rng.random() < share:
                f = rng.random()
                if f < 0.50:
                    text = render_txt(rng, doc)
                    if rng.random() < 0.05:
                        text = text.replace("\n", "\r\n")
                    if rng.random() < 0.06:
                        data = text.replace("’", "'").encode("cp1252", "replace")
                        fmt = "txt_cp1252"
                    else:
                        data, fmt = text.encode("utf-8"), "txt"
                    gz = rng.random() < 0.08
                    path, rel = out.path("txt", _slug(doc.title)[:40] + (".txt.gz" if gz else ".txt"))
                    out.write(path, _gz(data) if gz else data)
                    out.note(rel, 0, doc.id, doc.kind, fmt + ("_gz" if gz else ""))
                elif f < 0.85:
                    page, charset = render_html(rng, doc, i, pool)
                    path, rel = out.path("html", _slug(doc.title)[:40] + ".html")
                    out.write(path, page.encode("cp1252" if charset == "windows-1252" else "utf-8", "replace"))
                    out.note(rel, 0, doc.id, doc.kind, "html")
                elif f < 0.97:
                    path, rel = out.path("json", _slug(doc.title)[:40] + ".json")
                    out.write(path, json.dumps(render_record(rng, doc, i), ensure_ascii=False, indent=2).encode())
                    out.note(rel, 0, doc.id, doc.kind, "json")
                else:
                    jarr.add(rng, render_record(rng, doc, i), doc.id, doc.kind)
            else:
                jsonl.add(rng, render_record(rng, doc, i), doc.id, doc.kind)
            if not quiet and i and i % 100_000 == 0:
                print(f"  {i:,} articles, {out.bytes / 1e6:,.0f} MB, {time.perf_counter() - t0:.0f}s", file=sys.stderr)
        jsonl.close()
        jarr.close()
        write_junk(rng, out, max(6, min(60, n // 2000)))
    meta = {
        "generator_version": GENERATOR_VERSION, "n": n, "seed": seed, "sources": pool.sources,
        "topics": dict(zip(pool.topics, pool.weights, strict=True)),
        "single_file_share": round(share, 4), "jsonl_records_per_file": per_jsonl,
        "counts": dict(sorted(out.counts.items())), "bytes": out.bytes,
        "seconds": round(time.perf_counter() - t0, 2),
    }
    (out_dir / META_NAME).write_text(json.dumps(meta, indent=1))
    return meta


def ensure_corpus(n: int, out_dir: Path, seed: int = 1, corpora: Path | None = DEFAULT_CORPORA) -> dict[str, Any]:
    """Generate unless ``out_dir`` already holds the same N/seed/version (used by run.py and profile.py)."""
    meta_path = out_dir / META_NAME
    if meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if (meta.get("n"), meta.get("seed"), meta.get("generator_version")) == (n, seed, GENERATOR_VERSION):
            return dict(meta)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    return generate(n, out_dir, seed, corpora)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, required=True, help="number of articles (junk files come on top)")
    ap.add_argument("--out", required=True, help="output folder (must be empty or absent, see --force)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--corpora", default=os.environ.get("NEWSETL_CORPORA", str(DEFAULT_CORPORA)),
                    help="folder holding bbc/ and html-pk-news-sites/ (skipped when absent)")
    ap.add_argument("--force", action="store_true", help="delete OUT first if it is not empty")
    a = ap.parse_args(argv)
    out = Path(a.out)
    if out.exists() and any(out.iterdir()):
        if not a.force:
            print(f"generate: {out} is not empty (pass --force to replace it)", file=sys.stderr)
            return 2
        shutil.rmtree(out)
    meta = generate(a.n, out, a.seed, Path(a.corpora), quiet=False)
    c = meta["counts"]
    files = sum(v for k, v in c.items() if k.startswith("files:"))
    print(f"wrote {a.n:,} articles in {files:,} files ({meta['bytes'] / 1e6:,.1f} MB) to {out} "
          f"in {meta['seconds']:.1f}s; truth in {out / TRUTH_NAME}")
    print("  " + ", ".join(f"{k} {v:,}" for k, v in c.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
