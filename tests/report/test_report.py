"""The HTML report: self-contained, escaped, one inline SVG and one PNG per chart, readable numbers."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from newsetl.errors import NewsetlError
from newsetl.report import CHARTS, write_report
from tests.report.conftest import ODD_SOURCE, XSS_DETAIL, XSS_TITLE
from tests.warehouse.tiny import article, committed, tables


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(text: str) -> _Tags:
    p = _Tags()
    p.feed(text)
    return p


def test_report_is_self_contained(report_html: Path) -> None:
    text = report_html.read_text(encoding="utf-8")
    tags = _parse(text).tags
    names = {t for t, _ in tags}
    assert not names & {"script", "link", "iframe", "img", "object", "embed", "base"}
    for tag, attrs in tags:
        assert not any(k.startswith("on") for k in attrs), tag  # no event handlers
        for k in ("src", "href", "xlink:href"):
            v = attrs.get(k)
            raw_file_link = tag == "a" and k == "href" and v is not None and v.startswith("file:///")
            assert v is None or v.startswith("#") or v.startswith("data:image/png;base64,") or raw_file_link, (
                tag, k, v)
    assert "url(" not in text.replace("url(#", "")  # CSS/SVG references stay inside the page
    assert "default-src 'none'" in text  # CSP: nothing external, no script even if one slipped in


def test_data_text_is_escaped(report_html: Path) -> None:
    text = report_html.read_text(encoding="utf-8")
    assert "<script" not in text.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<b>x</b>" not in text and "<!--" not in text
    assert "<img src=x" not in text and "&lt;img src=x onerror=alert(2)&gt;" in text
    visible = "".join(_parse(text).text)
    assert XSS_TITLE in visible and XSS_DETAIL in visible and ODD_SOURCE in visible


def test_one_inline_svg_and_png_per_chart(report_html: Path) -> None:
    tags = _parse(report_html.read_text(encoding="utf-8")).tags
    charts = [a for t, a in tags if t == "svg" and a.get("class") == "chart"]
    assert len(charts) == len(CHARTS) == 5
    assert all(a.get("role") == "img" and a.get("aria-label") for a in charts)
    png_dir = report_html.parent / "report_charts"
    assert sorted(p.name for p in png_dir.iterdir()) == sorted(f"{c}.png" for c in CHARTS)
    for p in png_dir.iterdir():
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and p.stat().st_size > 5_000, p


def test_numbers_are_readable_without_the_warehouse(report_html: Path) -> None:
    text = report_html.read_text(encoding="utf-8")
    kpi = re.findall(r"<div><b>(\d+)</b>([a-z ]+)</div>", text)
    assert kpi == [("6", "articles"), ("5", "unique stories"), ("5", "dated"), ("1", "undated"),
                   ("1", "duplicates"), ("3", "quarantined")]
    # trend data (6 days span -> daily), share, duplicates and quarantine tables
    assert "per publication day" in text and "1 undated article(s) are not plotted" in text
    link = r"<a class='cell' href='#d-[0-9a-f]{12}'>"  # every count links to its drill-down
    assert re.search("<tr><td>2024-03-01</td><td>energy</td><td class='num'>" + link + "2</a></td><td class='num'>1"
                     "</td><td class='num'>100.0%</td></tr>", text)
    assert re.search("<tr><td>energy</td><td class='num'>" + link + "4</a></td><td class='num'>3</td>"
                     "<td class='num'>66.7%</td></tr>", text)
    assert re.search("<tr><td>exact</td><td class='num'>" + link + "1</a></td><td class='num'>1</td>"
                     "<td class='num'>1.0</td></tr>", text)
    assert re.search("<td>binary_content</td><td>ingest</td><td class='num'>" + link + "2</a></td>", text)
    for title in ("Sector trends", "Sector share", "Sector co-occurrence", "Top sources",
                  "Duplicates and quarantine", "Latest stories"):
        assert f"<h2>{title}</h2>" in text
    assert "<figcaption>" in text and "publication day" in text


def test_empty_states_and_stale_pngs(tmp_path: Path) -> None:
    wh = committed(tmp_path, tables([article("only#0", None, source=None)], [], []))
    out = tmp_path / "r" / "report.html"
    stale = out.parent / "report_charts" / "sector_trends.png"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")
    text = write_report(wh.uri, str(out)).read_text(encoding="utf-8")
    for msg in ("No dated, sector-tagged articles yet.", "No sector tags yet.", "No article has two sectors yet.",
                "No duplicates and nothing quarantined."):
        assert f'<p class="empty">{msg}</p>' in text
    assert text.count('class="chart"') == 1  # only the sources chart has data
    assert sorted(p.name for p in stale.parent.iterdir()) == ["top_sources.png"]


def test_trend_granularity_follows_the_date_span(tmp_path: Path) -> None:
    arts = [article("a#0", dt.date(2023, 1, 5)), article("b#0", dt.date(2023, 9, 5))]
    wh = committed(tmp_path, tables(arts, [("a#0", "energy", 1), ("b#0", "energy", 1)], []))
    text = write_report(wh.uri, str(tmp_path / "r.html")).read_text(encoding="utf-8")
    assert "Articles per sector and month" not in text  # titles are glyph outlines, not text ...
    assert "per publication month; periods without articles count as 0." in text  # ... the caption says it
    assert "<tr><td>2023-09-01</td><td>energy</td>" in text


def test_missing_warehouse_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(NewsetlError, match="no warehouse"):
        write_report(str(tmp_path / "nowhere"))
