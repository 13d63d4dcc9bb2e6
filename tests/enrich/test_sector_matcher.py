"""SectorMatcher: boundaries, inflections, exclusions, list bonus, length/title calibration, the table."""

from __future__ import annotations

import math

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsetl.enrich.sectors import SECTORS_SCHEMA, SectorMatcher, compose_text, tag_sectors
from newsetl.enrich.taxonomy import Taxonomy, parse_taxonomy
from schemas.tables import ARTICLE_SECTORS

FILLER = "The delegation met officials and discussed several matters of mutual interest. "


def scored(m: SectorMatcher, text: str, title: str | None = None) -> dict[str, float]:
    return {h.sector: h.score for h in m.tag(title, text, all_scores=True)}


def tagged(m: SectorMatcher, text: str, title: str | None = None) -> set[str]:
    return {h.sector for h in m.tag(title, text)}


@pytest.fixture(scope="module")
def tiny() -> SectorMatcher:
    tax = parse_taxonomy(
        {
            "sectors": [
                {"id": "trade", "label": "Trade", "terms": {"trade": 1.0, "export": 1.0}, "exclusions": ["trade union"]},
                {"id": "defence", "label": "Defence", "terms": {"militar*": 1.0, "defence": 0.5}},
                {"id": "diplomacy", "label": "Diplomacy", "terms": {"UN": 1.0, "security council": 1.0}},
                {"id": "security", "label": "Security", "terms": {"security": 1.0},
                 "exclusions": ["security council"]},
            ]
        },
        "tiny.yaml",
    )  # fmt: skip
    return SectorMatcher(tax)


def test_one_automaton_over_all_sectors(sector_matcher: SectorMatcher, taxonomy: Taxonomy) -> None:
    terms = sum(len(s.terms) for s in taxonomy.sectors)
    assert sector_matcher.n_patterns >= terms  # terms, plural variants and exclusions share one automaton


def test_word_boundaries(tiny: SectorMatcher) -> None:
    assert tagged(tiny, "Tradesmen and traders met under the bridge; undefended.") == set()
    assert tagged(tiny, "Trade grew.") == {"trade"}
    assert tagged(tiny, "un-islamic, under, fun") == set()  # 'UN' is case-exact


def test_plurals_and_stems(tiny: SectorMatcher) -> None:
    assert tiny.tag(None, "Exports rose.")[0].evidence == "export x1"
    hit = tiny.tag(None, "Militarily, the militaries and military ties.")[0]
    assert hit.sector == "defence" and hit.evidence == "militarily x1; militaries x1; military x1"
    assert [tuple(s) for s in hit.spans] == [(0, 10), (16, 26), (31, 39)]


def test_case_exact_acronym(tiny: SectorMatcher) -> None:
    assert tagged(tiny, "The UN said so.") == {"diplomacy"}
    assert tagged(tiny, "It was un peu strange.") == set()


def test_exclusions_and_security_council(tiny: SectorMatcher) -> None:
    assert tagged(tiny, "The trade union called a strike.") == set()
    assert tagged(tiny, "The Security Council met.") == {"diplomacy"}
    assert tagged(tiny, "Security was tight. The Security Council met.") == {"diplomacy", "security"}


def test_shipped_false_friends(sector_matcher: SectorMatcher) -> None:
    assert tagged(sector_matcher, "The trade union leaders met the employers.") == set()
    assert tagged(sector_matcher, "She played with youthful energy and nerves of steel.") == set()
    assert tagged(sector_matcher, "The UN Security Council adopted a resolution.") == {"diplomacy"}
    assert "security_counterterrorism" in tagged(sector_matcher, "He met the National Security Council.")
    assert "diplomacy" not in tagged(sector_matcher, "He met the National Security Council.")
    assert tagged(sector_matcher, "Their defence was poor and the striker went on loan to Celtic.") == set()
    assert "health" not in tagged(sector_matcher, "A computer virus spread by e-mail.")


def test_hyphen_and_space_forms_are_one_term(sector_matcher: SectorMatcher) -> None:
    for text in ("counter-terrorism efforts", "counter terrorism efforts", "counterterrorism efforts"):
        assert tagged(sector_matcher, text) == {"security_counterterrorism"}


def test_list_mention_counts_in_a_short_article(sector_matcher: SectorMatcher) -> None:
    text = "They discussed cooperation in trade, energy, defence and education. " + FILLER * 3
    assert {"trade", "energy", "defence_military", "education"} <= tagged(sector_matcher, text)
    # the same ambiguous word alone, not in a list, is not enough
    assert "energy" not in tagged(sector_matcher, "He played with great energy all season. " + FILLER)


def test_passing_mention_scores_lower_in_a_long_article_and_below_a_paragraph(
    sector_matcher: SectorMatcher,
) -> None:
    short = "Bilateral trade was discussed. " + FILLER * 3
    long = "Bilateral trade was discussed. " + FILLER * 300  # ~3,600 words
    paragraph = (
        "Bilateral trade rose 20%. Exports of rice and imports of wheat grew, and a free trade agreement on "
        "tariffs is near.\n\nThe trade deficit narrowed as exports rose. " + FILLER * 3
    )
    s_short, s_long, s_par = (scored(sector_matcher, t).get("trade", 0.0) for t in (short, long, paragraph))
    assert s_long < s_short < s_par
    assert "trade" not in tagged(sector_matcher, long) and "trade" in tagged(sector_matcher, short)


def test_title_hit_raises_the_score(sector_matcher: SectorMatcher) -> None:
    body = "Talks covered the gas pipeline. " + FILLER * 12
    plain = scored(sector_matcher, body)["energy"]
    titled = scored(sector_matcher, body, title="Gas pipeline deal signed")["energy"]
    assert titled > plain


def test_score_formula_matches_the_docstring(tiny: SectorMatcher) -> None:
    # one weight-1 term twice in the lead of a 3-word text: salience = 1 * (lead 1.5 + ln 2), no length
    # penalty, one paragraph, the only sector (share 1), anchor 1
    (hit,) = tiny.tag(None, "trade trade grew")
    assert hit.score == round(1 - math.exp(-(1.5 + math.log(2))), 4)
    assert hit.mentions == 2 and hit.evidence == "trade x2"
    assert (hit.rank, hit.tagged, hit.is_primary) == (1, True, True)
    # in the title: the title weight (2.0) instead of the lead's
    (titled,) = tiny.tag("Trade", "grew")
    assert titled.score == round(1 - math.exp(-2.0), 4)


def test_spans_are_in_title_plus_body(tiny: SectorMatcher) -> None:
    text, tlen = compose_text("Trade up", "Exports rose")
    assert text == "Trade up\n\nExports rose" and tlen == 8
    (hit,) = tiny.tag("Trade up", "Exports rose")
    assert [text[s:e] for s, e in hit.spans] == ["Trade", "Exports"]
    assert compose_text(None, "x") == ("x", 0) and compose_text("  ", "x") == ("x", 0)


def test_tag_sectors_table(sector_matcher: SectorMatcher, samples: dict[str, str]) -> None:
    articles = pa.table(
        {
            "article_id": ["a#0", "b#0", "c#0"],
            "title": ["Trade and energy talks", None, None],
            "body": [samples["002"], None, "Nothing to see here."],
        }
    )
    out = tag_sectors(articles, sector_matcher)
    assert out.schema == SECTORS_SCHEMA
    assert out.schema.names == [f.name for f in ARTICLE_SECTORS if f.name != "run_id"]
    assert set(out.column("article_id").to_pylist()) == {"a#0"}
    rows = {r["sector"]: r for r in out.to_pylist()}
    assert rows["energy"]["evidence"].startswith("energy x3")  # 2 in the body + 1 in the title
    assert rows["energy"]["spans"][0] == [10, 16]
    assert all(0.0 <= r["score"] <= 1.0 and r["mentions"] == len(r["spans"]) for r in rows.values())
    empty = tag_sectors(articles.slice(0, 0), sector_matcher)
    assert empty.num_rows == 0 and empty.schema == SECTORS_SCHEMA


def test_tag_sectors_without_title_column(sector_matcher: SectorMatcher) -> None:
    out = tag_sectors(pa.table({"article_id": ["x"], "body": ["trade, energy and defence"]}), sector_matcher)
    assert sorted(out.column("sector").to_pylist()) == ["defence_military", "energy", "trade"]
    with pytest.raises(ValueError, match="no column 'body'"):
        tag_sectors(pa.table({"article_id": ["x"]}), sector_matcher)


WORDS = st.sampled_from(
    ["trade", "energy", "defence", "the", "Security", "Council", "UN", "vaccines", "militarily", "-", ",", "\n\n",
     "союз", "تجارت", "Straße", "İstanbul", "gas", "pipeline", "counter-terrorism", "x", "'s", "trade-union"]
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(
    title=st.one_of(st.none(), st.text(max_size=40)),
    words=st.lists(WORDS, max_size=60),
    noise=st.text(max_size=60),
)
def test_invariants(sector_matcher: SectorMatcher, title: str | None, words: list[str], noise: str) -> None:
    body = " ".join(words) + noise
    text, _ = compose_text(title, body)
    hits = sector_matcher.tag(title, body, all_scores=True)
    assert hits == sector_matcher.tag(title, body, all_scores=True)  # deterministic
    for h in hits:
        assert 0.0 <= h.score <= 1.0
        assert h.mentions == len(h.spans) >= 1
        assert sum(int(part.rsplit(" x", 1)[1]) for part in h.evidence.split("; ")) == h.mentions
        for s, e in h.spans:
            assert 0 <= s < e <= len(text)
    assert {h.sector for h in sector_matcher.tag(title, body)} <= {h.sector for h in hits}


@settings(max_examples=50, deadline=None)
@given(n=st.integers(1, 6))
def test_more_mentions_never_lower_the_score(sector_matcher: SectorMatcher, n: int) -> None:
    def s(k: int) -> float:
        return scored(sector_matcher, "Vaccine supplies. " * k + FILLER * 4).get("health", 0.0)

    assert s(n + 1) >= s(n)
