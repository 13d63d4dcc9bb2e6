"""The report's drill-downs: every count links to a section listing the articles it counts (as explain does)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newsetl import sql as wsql
from newsetl.explain import explain_cells
from newsetl.explain.drill import raw_link, where_of
from newsetl.report import write_report
from newsetl.store import Warehouse
from tests.warehouse.tiny import D1, article, committed, tables

SECTION = re.compile(r"<section class='drill' id='(d-[0-9a-f]{12})'><h3>([^<]*)</h3><p class='meta'>(\d+) "
                     r"(?:article|cop|row)[^;.]*(?:; listed: (\d+))?.*?<tbody>(.*?)</tbody></table></section>", re.S)
LINK = re.compile(r"<a class='cell' href='#(d-[0-9a-f]{12})'>(\d+)</a>")


def _sections(text: str) -> dict[str, tuple[str, int, int, str]]:
    return {m[0]: (m[1], int(m[2]), int(m[3] or 0), m[4]) for m in SECTION.findall(text)}


def test_every_link_targets_a_section_with_that_count(report_html: Path) -> None:
    text = report_html.read_text(encoding="utf-8")
    sections = _sections(text)
    links = LINK.findall(text)
    assert len(links) >= 15 and len(sections) == text.count("<section class='drill'")
    for anchor, shown in links:
        _title, count, listed, body = sections[anchor]
        assert count == int(shown), anchor
        assert body.count("<tr>") == listed == min(count, 10), anchor
    ids = set(re.findall(r"\bid='([^']+)'", text))
    assert {h[1:] for h in re.findall(r"href='(#[^']*)'", text)} <= ids  # no link to nowhere ("back" links too)


def test_sections_list_what_explain_lists(tmp_path: Path) -> None:
    arts = [article(f"/data/a{i}.txt#0", D1, story="/data/a0.txt#0" if i else None, title=f"T{i}") for i in range(3)]
    sectors = [(a["article_id"], "energy", 1) for a in arts]
    wh = committed(tmp_path, tables(arts, sectors, [], [("/data/a1.txt#0", "/data/a0.txt#0"),
                                                         ("/data/a2.txt#0", "/data/a0.txt#0")]))
    text = write_report(wh.uri, str(tmp_path / "r.html"), per_cell=2).read_text(encoding="utf-8")
    ((title, count, listed, body),) = [s for s in _sections(text).values() if s[0].startswith("sector_daily:")]
    assert (title, count, listed) == ("sector_daily: day=2024-03-01, sector=energy", 3, 2)
    assert "listed: 2 (strongest evidence first)." in text
    con = wsql.open_warehouse(Warehouse(wh.uri))
    expl = explain_cells(con, "sector_daily", "day = '2024-03-01' and sector = 'energy'", per_cell=2)
    assert re.findall(r"<td>(T\d)</td>", body) == [r["title"] for r in expl.records()] == ["T0", "T1"]
    assert "<a href='file:///data/a0.txt'><code>a0.txt#0</code></a>" in body  # ids relative to /data/
    assert "Article ids relative to <code>/data/</code>" in text
    assert "canonical; other copies: a1.txt#0 (exact), a2.txt#0 (exact)" in body
    assert "newsetl explain sector_daily --where &quot;day = &#x27;2024-03-01&#x27; and sector = &#x27;energy&#x27;" \
        in text


@pytest.mark.parametrize(("uri", "html"), [
    ("/data/x y.txt", "<a href='file:///data/x%20y.txt'><code>/data/x y.txt</code></a>"),
    ("https://a.com/p?q=1&r=2", "<a href='https://a.com/p?q=1&amp;r=2'><code>https://a.com/p?q=1&amp;r=2</code></a>"),
    ("s3://bucket/k.txt", "<code>s3://bucket/k.txt</code>"),
    ("relative.txt", "<code>relative.txt</code>"),
    ("javascript:alert(1)", "<code>javascript:alert(1)</code>"),
])
def test_raw_links(uri: str, html: str) -> None:
    assert raw_link(uri) == html


def test_where_of_selects_the_cell() -> None:
    assert where_of(("day", "sector"), {"day": None, "sector": "it's"}) == "day is null and sector = 'it''s'"
