"""Sector tagger on the BBC corpus (skipped when ../shared/corpora/bbc beside the checkout is absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsetl.enrich.sectors import SectorMatcher

BBC = Path(__file__).resolve().parents[2].parent / "shared" / "corpora" / "bbc"
pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not (BBC / "tech").is_dir(), reason="BBC corpus not available"),
]


def _tags(matcher: SectorMatcher, category: str) -> list[set[str]]:
    out = []
    for f in sorted((BBC / category).glob("*.txt")):
        title, _, body = f.read_bytes().decode("latin-1").partition("\n")
        out.append({h.sector for h in matcher.tag(title, body)})
    return out


def test_bbc_calibration(sector_matcher: SectorMatcher) -> None:
    tech = _tags(sector_matcher, "tech")
    assert sum("science_technology" in t for t in tech) / len(tech) > 0.8
    business = _tags(sector_matcher, "business")
    expected = {"trade", "economy_investment", "finance_banking"}
    assert sum(bool(expected & t) for t in business) / len(business) > 0.7
    sport = _tags(sector_matcher, "sport")
    assert sum(bool(t) for t in sport) / len(sport) < 0.12
    ent = _tags(sector_matcher, "entertainment")
    assert sum(bool(t) for t in ent) / len(ent) < 0.35
