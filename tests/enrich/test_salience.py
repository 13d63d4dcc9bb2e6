"""Salience: position, share of the article's evidence, weak words, company names, enumerations, ranks."""

from __future__ import annotations

import pyarrow as pa
import pytest

from newsetl.enrich.sectors import SectorMatcher, tag_sectors
from newsetl.enrich.taxonomy import parse_taxonomy

FILLER = "The ministry published the figures on Tuesday and officials said more details would follow. "


@pytest.fixture(scope="module")
def m() -> SectorMatcher:
    tax = parse_taxonomy(
        {
            "scoring": {"list_cues": ["cooperat*", "sectors"]},
            "sectors": [
                {"id": "agriculture", "label": "Agriculture",
                 "terms": {"wheat": 1.0, "grain": 0.8, "harvest": 0.8, "farmer": 0.8}},
                {"id": "trade", "label": "Trade", "terms": {"export": 0.5, "trade deficit": 1.5, "tariff": 1.0}},
                {"id": "finance", "label": "Finance", "terms": {"shares": 0.1, "debt": 0.2, "central bank": 1.5,
                                                                "banking": 1.0}},
                {"id": "industry", "label": "Industry", "terms": {"industries": 0.6, "steel": 0.8}},
                {"id": "energy", "label": "Energy", "terms": {"oil": 0.6, "energy": 0.6}},
                {"id": "defence", "label": "Defence", "terms": {"military": 1.0}},
            ],
        },
        "salience.yaml",
    )  # fmt: skip
    return SectorMatcher(tax)


def tagged(m: SectorMatcher, body: str, title: str | None = None) -> set[str]:
    return {h.sector for h in m.tag(title, body)}


def test_an_incidental_export_in_a_grain_story_is_not_trade(m: SectorMatcher) -> None:
    body = ("The wheat harvest reached a record as farmers brought in more grain than ever. "
            "Wheat stocks rose and grain prices fell; farmers expect another good harvest. "
            "Some of the wheat will go for export. " + FILLER)
    assert tagged(m, body, "Record wheat harvest") == {"agriculture"}
    scored = {h.sector: h for h in m.tag("Record wheat harvest", body, all_scores=True)}
    assert not scored["trade"].tagged and scored["trade"].rank == 2 and scored["trade"].score < 0.2


def test_a_trade_story_is_trade(m: SectorMatcher) -> None:
    body = "The trade deficit widened as the tariff on steel imports took effect. " + FILLER
    assert "trade" in tagged(m, body, "Trade deficit widens")


def test_position_title_beats_lead_beats_body(m: SectorMatcher) -> None:
    def score(title: str | None, body: str) -> float:
        return next(h.score for h in m.tag(title, body, all_scores=True) if h.sector == "defence")

    late = FILLER * 8 + "A military parade was held."
    lead = "A military parade was held. " + FILLER * 8
    assert score("Military parade", FILLER * 8) > score(None, lead) > score(None, late)


def test_weak_words_alone_never_make_a_tag(m: SectorMatcher) -> None:
    body = "Shares rose. Shares fell. The shares and the debt, debt and shares again. " + FILLER
    hits = m.tag("Shares and debt", body, all_scores=True)
    assert [h.sector for h in hits] == ["finance"] and not hits[0].tagged  # anchor: 0.2 / 0.5 of the score
    assert tagged(m, "The central bank raised rates. " + body) == {"finance"}


def test_a_term_inside_a_company_name_weighs_less(m: SectorMatcher) -> None:
    plain = next(h.score for h in m.tag(None, "It makes steel. " + FILLER, all_scores=True))
    named = next(h.score for h in m.tag(None, "Allied Steel Corp said profit rose. " + FILLER, all_scores=True))
    assert named < plain
    assert tagged(m, "Acme Industries Inc said its quarterly profit rose. " + FILLER) == set()


def test_a_second_sector_needs_a_large_share_of_the_main_ones_evidence(m: SectorMatcher) -> None:
    body = ("Oil prices rose; oil producers pumped more oil and energy ministers met. "
            "The central bank said oil would lift inflation. " + FILLER)
    hits = {h.sector: h for h in m.tag("Oil jumps", body, all_scores=True)}
    assert hits["energy"].is_primary and not hits["finance"].tagged
    both = tagged(m, "The central bank cut rates as oil fell; banking shares rose. " + body, "Oil jumps")
    assert both == {"energy", "finance"}


def test_enumerations_count_with_three_sectors_or_a_cue(m: SectorMatcher) -> None:
    heavy = "Military " * 12
    assert tagged(m, heavy + ". They agreed on oil, wheat and steel.") >= {"energy", "agriculture", "industry"}
    assert tagged(m, heavy + ". Cooperation in military and banking sectors.") >= {"finance"}
    assert tagged(m, heavy + ". Cooperation in military, technical and banking sectors.") >= {"finance"}
    assert "finance" not in tagged(m, heavy + ". Prices of oil and banking stocks rose.")


def test_ranks_and_primary_in_the_table(m: SectorMatcher) -> None:
    arts = pa.table({"article_id": ["a", "b"], "title": ["Wheat harvest", None],
                     "body": ["Wheat and grain for export. " + FILLER, FILLER]})
    rows = tag_sectors(arts, m).to_pylist()
    assert [(r["article_id"], r["sector"], r["rank"], r["tagged"], r["is_primary"]) for r in rows] == [
        ("a", "agriculture", 1, True, True), ("a", "trade", 2, False, False)]
    assert all(r["score"] >= 0.6 for r in rows if r["tagged"]) and all(r["score"] < 0.6 for r in rows if not r["tagged"])

