"""A small corpus with duplicates across formats, built from the bundled sample articles.

Each sample article is cut into (title, paragraphs); the corpus then holds, beside the five originals:
byte-identical copies (another name, gzipped), near-copies (a paragraph dropped, a headline changed,
a word changed), the same stories as a JSON object, JSONL and CSV records, an RSS item and an HTML page
with navigation/share chrome, and a text page full of chrome the cleaner removes (share bars, URL
lines, hashtags, lost emoji ``????``) so that every edit kind has a position to check.
"""

from __future__ import annotations

import csv
import gzip
import html
import io
import json
import re
import shutil
from pathlib import Path

SAMPLE_IDS = ("000", "001", "002", "003", "004")


def _parts(text: str) -> tuple[str, list[str]]:
    """(title, paragraphs) of a sample article (blank-line or one-per-line paragraphs)."""
    text = text.replace("\r\n", "\n").strip()
    pars = [p.strip() for p in text.split("\n\n") if p.strip()]
    if len(pars) < 3:
        pars = [p.strip() for p in text.split("\n") if p.strip()]
    if pars and pars[0].startswith("Monday December"):
        pars = pars[1:]
    title = re.sub(r"^date \d{4}-\d{2}-\d{2} ", "", pars[0])
    return title, pars[1:]


def sample_texts(sample_dir: Path) -> dict[str, str]:
    return {p.name[:3]: p.read_text(encoding="utf-8") for p in sorted(sample_dir.glob("*.txt"))}


def build(sample_dir: Path, out: Path) -> Path:
    """Write the corpus under ``out`` (a fresh folder) and return it."""
    texts = sample_texts(sample_dir)
    out.mkdir(parents=True)
    for p in sorted(sample_dir.glob("*.txt")):  # the originals
        shutil.copy(p, out / p.name)
    (out / "copies").mkdir()
    shutil.copy(sample_dir / next(p.name for p in sample_dir.glob("001_*")), out / "copies" / "001_again.txt")
    shutil.copy(sample_dir / next(p.name for p in sample_dir.glob("003_*")), out / "copies" / "003_mirror.txt")
    (out / "copies" / "002_archived.txt.gz").write_bytes(gzip.compress(texts["002"].encode("utf-8"), mtime=0))

    t0, p0 = _parts(texts["000"])
    t1, p1 = _parts(texts["001"])
    t2, p2 = _parts(texts["002"])
    t3, p3 = _parts(texts["003"])
    (out / "near").mkdir()
    # a paragraph dropped from 002; a changed headline on 000; one word changed in 001
    (out / "near" / "002_abridged.txt").write_text("\n\n".join([t2, *p2[:3], *p2[4:]]) + "\n", encoding="utf-8")
    (out / "near" / "000_retitled.txt").write_text("\n\n".join(["Bilawal in Moscow: trade and defence on the table",
                                                                *p0]) + "\n", encoding="utf-8")
    edited = [p.replace("satisfaction", "contentment", 1) for p in p1]
    (out / "near" / "001_edited.txt").write_text("\n\n".join([t1, *edited]) + "\n", encoding="utf-8")

    (out / "records").mkdir()
    (out / "records" / "story.json").write_text(json.dumps({
        "title": t1, "content": "\n\n".join(p1[1:]), "date": "2018-03-15", "source": "Pakistan Observer",
        "url": "https://pakobserver.net/pakistan-russia-regional-peace/"}, ensure_ascii=False), encoding="utf-8")
    lines = [
        {"headline": t0, "text": "\n\n".join(p0[1:]), "date": "2022-12-05", "source": "The Frontier Post"},
        {"headline": t3, "text": "\n\n".join(p3), "date": "2021-04-07", "source": "Dawn"},
        {"headline": "Agriculture ministers meet", "text": "The agriculture ministers met in Lahore to discuss "
         "wheat, cotton and fertiliser supply for farmers, food security and crop yields this season.\n\n"
         "They agreed on irrigation projects and support prices for wheat growers.", "date": "2021-04-09",
         "source": "Dawn"},
    ]
    (out / "records" / "wire.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in lines),
                                                encoding="utf-8")
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["title", "body", "published", "publisher"])
    w.writerow([t2, "\n\n".join(p2), "2018-04-02", "The Nation"])
    w.writerow([t3, "\n\n".join(p3), "2021-04-07", "Geo News"])
    (out / "records" / "export.csv").write_text(buf.getvalue(), encoding="utf-8")

    items = "".join(
        f"<item><title>{html.escape(t)}</title><link>https://dailytimes.com.pk/{i}/</link>"
        f"<pubDate>Mon, 05 Dec 2022 09:00:00 +0500</pubDate><description><![CDATA["
        + "".join(f"<p>{html.escape(p)}</p>" for p in ps) + "]]></description></item>"
        for i, (t, ps) in enumerate([(t0, p0[1:])]))
    (out / "records" / "feed.xml").write_text(
        "<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'><channel><title>Daily Times</title>"
        f"<link>https://dailytimes.com.pk</link>{items}</channel></rss>", encoding="utf-8")

    body = "".join(f"<p>{html.escape(p)}</p>\n" for p in p3[1:])
    (out / "page.html").write_text(
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(t3)} - World - DAWN.COM</title>"
        f"<meta property='og:title' content='{html.escape(t3, quote=True)}'>"
        "<meta property='og:site_name' content='Dawn'>"
        "<meta property='article:published_time' content='2021-04-07T09:00:00+05:00'>"
        "<link rel='canonical' href='https://www.dawn.com/news/1617000/russian-fm-in-pakistan'></head><body>"
        "<nav><a href='/'>Home</a> <a href='/world'>World</a> <a href='/sport'>Sport</a></nav>"
        f"<article><h1>{html.escape(t3)}</h1>{body}</article>"
        "<footer><p>Share on Facebook</p><p>Copyright Dawn 2021</p></footer></body></html>", encoding="utf-8")

    chrome = [
        "Trade corridor talks resume in Islamabad", "",
        "Share this: Facebook Twitter WhatsApp", "",
        "ISLAMABAD: Pakistan and Russia resumed talks on the trade corridor and energy pipeline projects, "
        "officials said, with railway links, customs and banking channels on the agenda.", "",
        "Advertisement", "",
        "The commerce ministry said exports of textiles and rice could double if the corridor opens, and "
        "that investors were waiting for a payment mechanism ???? between the central banks.", "",
        "https://example.com/trade-corridor-talks", "",
        "#Pakistan #Russia #Trade", "",
        "Energy officials added that the gas pipeline would be financed jointly and built in stages, with "
        "the first stage due in three years.", "",
    ]
    (out / "chrome.txt").write_text("\n".join(chrome), encoding="utf-8")
    messy = [  # scraped through a wrong code page, with entities and a decomposed accent
        "Pakistanâ€™s rice exporters eye Russian market",
        "Advertisement",
        "KARACHI: Pakistanâ€™s rice exporters &amp; millers said on Tuesday that Russian buyers had asked "
        "for samples of basmati and that a trade fair in Moscow would follow in the autumn.",
        "Read more: Wheat prices fall for a third week",
        "The exporters’ association said the café owners and restaurant chains in Moscow were the "
        "first buyers, and that freight through Iran had cut the cost of shipping by a fifth.",
    ]
    (out / "messy.txt").write_text("\n\n".join(messy) + "\n", encoding="utf-8")
    return out
