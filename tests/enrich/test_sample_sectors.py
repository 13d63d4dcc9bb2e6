"""Required sector outcomes on the five sample articles (body = the file's text, no title)."""

from __future__ import annotations

import pytest

from newsetl.enrich._phrases import fold
from newsetl.enrich.sectors import SectorMatcher


def tags(matcher: SectorMatcher, text: str) -> set[str]:
    return {h.sector for h in matcher.tag(None, text)}


REQUIRED = {
    # "cooperation ... in areas of trade, economy, security, counter-terrorism, and defense, as well as
    # cultural, educational, and people to people contacts"; multilateral fora and the SCO are discussed.
    "000": {"trade", "economy_investment", "security_counterterrorism", "defence_military", "culture_people",
            "education", "diplomacy"},
    "002": {"security_counterterrorism", "defence_military", "trade", "energy", "finance_banking", "education",
            "science_technology"},
    "004": {"defence_military", "security_counterterrorism", "energy", "health", "transport_infrastructure",
            "trade"},
}  # fmt: skip

FORBIDDEN = {
    "000": {"health", "energy", "transport_infrastructure", "agriculture_food", "industry_mining",
            "finance_banking", "science_technology"},
    "001": {"health", "transport_infrastructure", "agriculture_food", "science_technology"},
    "002": {"health", "transport_infrastructure", "agriculture_food"},
    "003": {"health", "energy", "finance_banking", "trade", "transport_infrastructure"},
    "004": {"agriculture_food"},
}  # fmt: skip

# The full tag sets as calibrated (change deliberately, with the YAML). Issue 13 (salience, not a
# mention) dropped three tags that rested on one passing mention against a dominant subject: 001
# finance_banking (one sentence on FATF in a security-cooperation article), 002 diplomacy (foreign
# ministers named as actors; the subjects are counter-terrorism, defence and the listed cooperation
# areas), 004 culture_people ("e-visa" and one "people-to-people contact" in 3,358 words). Their scores
# stay visible as untagged candidates (see test_dropped_mentions_stay_candidates).
EXACT = {
    "000": REQUIRED["000"],
    "001": {
        "defence_military",
        "education",
        "energy",
        "security_counterterrorism",
        "trade",
    },
    "002": REQUIRED["002"] | {"culture_people", "economy_investment"},
    "003": {"defence_military", "diplomacy", "security_counterterrorism"},
    "004": REQUIRED["004"] | {"diplomacy", "economy_investment", "industry_mining"},
}
PRIMARY = {"000": "security_counterterrorism", "001": "security_counterterrorism",
           "002": "security_counterterrorism", "003": "diplomacy"}


@pytest.mark.parametrize("sample", sorted(REQUIRED))
def test_required_sectors_are_tagged(
    sector_matcher: SectorMatcher, samples: dict[str, str], sample: str
) -> None:
    got = tags(sector_matcher, samples[sample])
    assert REQUIRED[sample] <= got, f"missing {REQUIRED[sample] - got}"


@pytest.mark.parametrize("sample", sorted(FORBIDDEN))
def test_no_sector_the_article_does_not_discuss(
    sector_matcher: SectorMatcher, samples: dict[str, str], sample: str
) -> None:
    assert not (tags(sector_matcher, samples[sample]) & FORBIDDEN[sample])


@pytest.mark.parametrize("sample", sorted(EXACT))
def test_exact_tag_sets(sector_matcher: SectorMatcher, samples: dict[str, str], sample: str) -> None:
    assert tags(sector_matcher, samples[sample]) == EXACT[sample]


def test_000_no_health_no_energy_no_transport_even_untagged(
    sector_matcher: SectorMatcher, samples: dict[str, str]
) -> None:
    scored = {h.sector for h in sector_matcher.tag(None, samples["000"], all_scores=True)}
    assert not scored & {"health", "energy", "transport_infrastructure"}  # not even a weak hit


def test_004_evidence_and_spans(sector_matcher: SectorMatcher, samples: dict[str, str]) -> None:
    text = samples["004"]
    hits = {h.sector: h for h in sector_matcher.tag(None, text)}
    health = hits["health"]
    assert health.evidence.startswith("vaccine x6; covid-19 x4; sputnik v x4")
    assert health.mentions == 22 and len(health.spans) == 22
    assert "railway x4" in hits["transport_infrastructure"].evidence
    assert "aviation x2" in hits["transport_infrastructure"].evidence
    for start, end in health.spans:
        assert 0 <= start < end <= len(text)
    assert {fold(text[s:e]).strip() for s, e in health.spans} >= {
        "vaccine",
        "covid 19",
        "sputnik v",
        "pandemic",
    }


def test_000_explicit_list_mention_counts_but_scores_below_a_discussed_sector(
    sector_matcher: SectorMatcher, samples: dict[str, str]
) -> None:
    hits = {h.sector: h for h in sector_matcher.tag(None, samples["000"])}
    assert hits["trade"].mentions == 1 and hits["trade"].evidence == "trade x1"
    assert hits["trade"].score < hits["security_counterterrorism"].score
    assert hits["trade"].score < hits["defence_military"].score
    assert hits["security_counterterrorism"].score > 0.95


@pytest.mark.parametrize("sample", sorted(PRIMARY))
def test_primary_sector_and_ranks(sector_matcher: SectorMatcher, samples: dict[str, str], sample: str) -> None:
    hits = sector_matcher.tag(None, samples[sample], all_scores=True)
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
    assert [h.sector for h in hits if h.is_primary] == [PRIMARY[sample]]
    assert all(h.tagged == (h.score >= 0.6) for h in hits)  # shipped default threshold


def test_dropped_mentions_stay_candidates(sector_matcher: SectorMatcher, samples: dict[str, str]) -> None:
    for sample, sector in (("001", "finance_banking"), ("002", "diplomacy"), ("004", "culture_people")):
        (hit,) = [h for h in sector_matcher.tag(None, samples[sample], all_scores=True) if h.sector == sector]
        assert not hit.tagged and 0 < hit.score < 0.6 and hit.evidence
