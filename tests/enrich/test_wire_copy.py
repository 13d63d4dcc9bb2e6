"""Agency copy: ALL-CAPS headlines, datelines, tables of figures, tickers and links, earnings and takeovers,
commodity stories; context sectors; a hit inside another sector's phrase. Small texts written for the
tests (no corpus text)."""

from __future__ import annotations

import pytest

from newsetl.enrich.sectors import SectorMatcher
from newsetl.enrich.taxonomy import parse_taxonomy

SIX = {"trade", "energy", "finance_banking", "agriculture_food", "transport_infrastructure", "industry_mining"}


@pytest.fixture(scope="module")
def m() -> SectorMatcher:
    tax = parse_taxonomy(
        {
            "scoring": {"list_cues": ["cooperat*"], "list_min_sectors": 4},
            "sectors": [
                {"id": "health", "label": "Health", "terms": {"WHO": 1.0, "hospital": 0.5, "treatment": 0.4,
                                                              "vaccine": 1.2}},
                {"id": "trade", "label": "Trade", "terms": {"exports": 0.5, "trade": 0.5, "tariff": 1.0}},
                {"id": "energy", "label": "Energy", "terms": {"MW": 0.8, "oil": 0.6, "oil exports": 1.2,
                                                              "OPEC": 1.5, "crude": 0.8}},
                {"id": "finance", "label": "Finance", "terms": {"stocks": 0.8, "central bank": 1.5}},
                {"id": "mining", "label": "Mining", "terms": {"minerals": 1.0, "copper": 1.0}},
                {"id": "sport", "label": "Sport", "context": True,
                 "terms": {"cricket": 1.0, "match": 0.5, "captain": 0.4, "innings": 1.0}},
            ],
        },
        "wire.yaml",
    )  # fmt: skip
    return SectorMatcher(tax)


def tagged(m: SectorMatcher, body: str, title: str | None = None) -> set[str]:
    return {h.sector for h in m.tag(title, body)}


def test_a_word_of_a_ticker_or_a_link_is_no_evidence(m: SectorMatcher) -> None:
    assert tagged(m, "NEW YORK (CBS.MW) -- The company said it had reached a deal.") == set()
    body = 'Acme Inc <A HREF="http://www.example.com/stocks/quote?ticker=ACM">ACM</A> said profit rose.'
    assert tagged(m, body) == set()
    assert tagged(m, "The plant will produce 300 MW of power.") == {"energy"}


def test_an_acronym_in_an_all_caps_headline_needs_mixed_case_confirmation(m: SectorMatcher) -> None:
    body = "LONDON, March 3 - United meet City in Saturday's final, the club said.\nReuter"
    assert tagged(m, body, "WHO WILL WIN THE CUP FINAL") == set()
    body = "LONDON, March 3 - OPEC output rose to 16.5 mln barrels a day of crude, a survey showed."
    assert tagged(m, body, "OPEC OUTPUT SEEN HIGHER") == {"energy"}
    hits = {h.sector: h for h in m.tag("OPEC OUTPUT SEEN HIGHER", body)}
    assert "opec x2" in hits["energy"].evidence
    # a document entirely in capitals cannot tell: the acronym counts
    assert tagged(m, "THE WHO SAID THE VACCINE WORKS.") == {"health"}


def test_a_hit_inside_a_longer_phrase_of_another_sector_is_dropped(m: SectorMatcher) -> None:
    hits = m.tag("Oil exports rise", "Oil exports rose again, the ministry said.", all_scores=True)
    assert [h.sector for h in hits] == ["energy"]  # "exports" inside "oil exports" is no trade evidence


def test_an_enumeration_does_not_run_from_the_headline_into_the_lead(m: SectorMatcher) -> None:
    title = "Talks on oil, copper"
    body = "Trade ministers met. " + "The officials said more details would follow on Tuesday. " * 4
    hits = {h.sector: h for h in m.tag(title, body, all_scores=True)}
    assert not hits["trade"].tagged  # "copper\n\nTrade" is two paragraphs, not a list of three sectors


def test_a_context_sector_is_never_returned_and_takes_the_share(m: SectorMatcher) -> None:
    body = ("The captain was taken to hospital after the match and will miss the second innings. "
            "Cricket officials said his treatment went well.")
    assert m.tag("Captain in hospital", body, all_scores=True)[0].sector == "health"  # scored ...
    assert tagged(m, body, "Captain in hospital") == set()  # ... but the story is sport: no health tag
    assert all(h.sector != "sport" for h in m.tag(None, "Cricket match: an innings of 120.", all_scores=True))
    assert tagged(m, "The hospital began a vaccine trial on Monday.") == {"health"}


def test_every_mention_of_a_company_name_is_a_name(m: SectorMatcher) -> None:
    body = ("A group of investors said it raised its stake in Allied Minerals Corp to 8.2 pct. "
            "Allied Minerals said it had no comment.")
    assert tagged(m, body, "INVESTOR GROUP RAISES STAKE IN ALLIED MINERALS") == set()
    assert tagged(m, "Copper and other minerals rose on the LME.", "MINERALS RALLY") == {"mining"}


# -- the shipped taxonomy on wire-style items (written for the test) -------------------------------------

WIRE = [
    ("ACME STEEL CORP <ACS> 1ST QTR NET",
     "CHICAGO, April 2 -\nShr 42 cts vs 31 cts\nNet 5,123,000 vs 3,876,000\nRevs 120.5 mln vs 101.2 mln\nReuter",
     set()),
    ("CONSOLIDATED CORP TO ACQUIRE SMITH INDUSTRIES",
     "NEW YORK, March 3 - Consolidated Corp said it agreed to acquire Smith Industries Inc in a tender offer "
     "of 23 dlrs a share. The merger is subject to approval by Smith shareholders. Consolidated said it has "
     "arranged financing with a group of banks and filed with the Securities and Exchange Commission.\nReuter",
     set()),
    ("U.S. GRAIN EXPORTS SEEN LOWER",
     "WASHINGTON, March 3 - U.S. grain exports are expected to fall to 85 mln tonnes, the Agriculture "
     "Department said. Wheat exports were put at 27 mln tonnes and corn at 40 mln.\nReuter",
     {"agriculture_food"}),
    ("GULF TANKER HIT BY MISSILE",
     "BAHRAIN, March 3 - A tanker was hit by a missile in the Gulf, shipping sources said. The 250,000 dwt "
     "vessel was carrying crude oil. Freight rates for Gulf cargoes rose.\nReuter",
     {"transport_infrastructure"}),
    ("BUNDESBANK LEAVES CREDIT POLICY UNCHANGED",
     "FRANKFURT, March 3 - The Bundesbank left its discount and Lombard rates unchanged, a spokesman said. "
     "Money market rates were steady.\nReuter",
     {"finance_banking"}),
    ("JAPAN TRADE SURPLUS WIDENS",
     "TOKYO, March 3 - Japan's trade surplus widened to 7.5 billion dlrs in February, the Finance Ministry "
     "said. Exports rose 4.2 pct while imports fell.\nReuter",
     {"trade"}),
    ("CODELCO RAISES COPPER PRICE",
     "SANTIAGO, March 3 - Chile's state copper company raised its price for refined copper cathodes by one "
     "cent. LME copper stocks fell 5,000 tonnes last week.\nReuter",
     {"industry_mining"}),
]


@pytest.mark.parametrize(("title", "body", "six"), WIRE, ids=[w[0] for w in WIRE])
def test_wire_items_get_their_sector_and_earnings_or_takeovers_none_of_the_six(
        sector_matcher: SectorMatcher, title: str, body: str, six: set[str]) -> None:
    assert {h.sector for h in sector_matcher.tag(title, body)} & SIX == six
