"""Open the report in headless Chromium: no script or console errors, the SVG charts render, a screenshot.

Needs Debian's ``chromium`` (``bash scripts/setup-system.sh`` as root installs it); skips without it.
Set ``NEWSETL_REPORT_SCREENSHOT=/some/file.png`` to keep the screenshot for a look.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np
import pytest

from newsetl.report import CHARTS

pytestmark = pytest.mark.slow

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--enable-logging=stderr", "--v=0"]
#: Log lines of page problems: console messages (console.error, uncaught exceptions, CSP refusals).
PAGE_PROBLEM = re.compile(r":CONSOLE[:(]|Uncaught|Refused to", re.I)


def _chromium(tmp: Path, url: str, *args: str) -> tuple[str, list[str]]:
    if BROWSER is None:
        pytest.skip("chromium is not installed: run `bash scripts/setup-system.sh` as root (apt install chromium)")
    profile = tmp / f"profile-{len(list(tmp.glob('profile-*')))}"
    res = subprocess.run([BROWSER, *FLAGS, f"--user-data-dir={profile}", *args, url],
                         capture_output=True, text=True, timeout=180, check=False)
    assert res.returncode == 0, res.stderr[-2000:]
    return res.stdout, [ln for ln in res.stderr.splitlines() if PAGE_PROBLEM.search(ln)]


def test_detector_sees_page_errors(tmp_path: Path) -> None:
    """Positive control: the log grep does catch console errors and uncaught exceptions of this Chromium."""
    bad = tmp_path / "bad.html"
    bad.write_text("<!doctype html><p>x</p><script>console.error('boom'); notDefined();</script>")
    _, problems = _chromium(tmp_path, bad.as_uri(), "--dump-dom")
    assert any("boom" in p for p in problems) and any("Uncaught ReferenceError" in p for p in problems)


def test_report_renders_in_chromium(report_html: Path, tmp_path: Path) -> None:
    dom, problems = _chromium(tmp_path, report_html.as_uri(), "--dump-dom")
    assert problems == []
    assert "<script" not in dom.lower()  # the hostile title stayed text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
    svgs = re.findall(r"<svg\b[^>]*>", dom)
    charts = [s for s in svgs if 'class="chart"' in s]
    assert len(charts) == len(CHARTS) == 5, svgs
    assert dom.count("<path") > 200 and dom.count("<use") > 100  # axes, bars, lines and glyphs are there


def test_report_screenshot(report_html: Path, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    _, problems = _chromium(tmp_path, report_html.as_uri(), f"--screenshot={shot}", "--window-size=1200,3000",
                            "--hide-scrollbars")
    assert problems == []
    img = mpimg.imread(shot)
    assert img.shape[:2] == (3000, 1200)
    ink = (img[:, :, :3].min(axis=2) < 0.9).mean()  # share of non-white pixels: charts drew something
    assert ink > 0.05, ink
    # every chart's colour is on the page: share bars, source bars, duplicate and quarantine bars
    for name, rgb in {"share": (0x31, 0x82, 0xBD), "sources": (0xE6, 0x55, 0x0D),
                      "duplicates": (0x74, 0xC4, 0x76), "quarantine": (0xFB, 0x6A, 0x4A)}.items():
        near = (abs(img[:, :, :3] - np.array(rgb) / 255).max(axis=2) < 0.03).sum()
        assert near > 2_000, (name, near)
    if keep := os.environ.get("NEWSETL_REPORT_SCREENSHOT"):
        shutil.copy(shot, keep)


DRILL_BORDER = (0x7B, 0x32, 0x94)  # newsetl.explain.drill.CSS


def _purple_rows(shot: Path) -> np.ndarray:
    img = mpimg.imread(shot)
    near = abs(img[:, :, :3] - np.array(DRILL_BORDER) / 255).max(axis=2) < 0.03
    return np.flatnonzero(near.sum(axis=1) > 0)


def test_drilldown_opens_on_its_link(report_html: Path, tmp_path: Path) -> None:
    """A count's link shows its hidden section (CSS :target, no script); without it, no section shows.

    The window is taller than the page: headless Chromium draws a scrolled screenshot blank."""
    text = report_html.read_text(encoding="utf-8")
    anchor = re.search(r"<a class='cell' href='#(d-[0-9a-f]{12})'>2</a>", text)
    assert anchor, "no link to a drill-down of 2 articles"
    plain, shot = tmp_path / "plain.png", tmp_path / "drill.png"
    for out, url in ((plain, report_html.as_uri()), (shot, f"{report_html.as_uri()}#{anchor.group(1)}")):
        _, problems = _chromium(tmp_path, url, f"--screenshot={out}", "--window-size=1200,6000", "--hide-scrollbars")
        assert problems == []
    assert len(_purple_rows(plain)) == 0  # every section hidden
    rows = _purple_rows(shot)
    assert len(rows) > 0
    top, bottom = rows.min(), rows.max()
    assert 120 < bottom - top < 1500, (top, bottom)  # one section: a header and a two-article table
    img = mpimg.imread(shot)[top:bottom]
    assert (img[:, :, :3].min(axis=2) < 0.5).mean() > 0.01  # text inside the frame
    if keep := os.environ.get("NEWSETL_DRILL_SCREENSHOT"):
        mpimg.imsave(keep, mpimg.imread(shot)[max(0, top - 30):bottom + 30])
