"""The cleaner's edit positions: removing every recorded span from the input rebuilds the body."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from newsetl.clean import clean_text
from newsetl.clean.spans import align, remove_spans, squeeze
from newsetl.explain.article import CHARACTER_RULES

PROSE = [
    "Pakistan and Russia agreed to expand trade and energy cooperation, officials said on Monday.",
    "The two foreign ministers discussed the Afghan peace process and regional security in detail.",
    "Exports of textiles and rice are expected to double if the new payment channel opens next year.",
    "The delegation will also visit Karachi to meet business leaders and port authorities this week.",
    "Analysts said the talks marked a shift in the region, though many questions remain unanswered.",
]
CHROME = [
    "Advertisement", "Share this: Facebook Twitter WhatsApp", "https://example.com/news/12345",
    "#Pakistan #Russia", "Click to expand...", "Read more: Pakistan, Russia sign deal",
    "pic.twitter.com/AbCdEf123— Foreign Office (@ForeignOfficePk) April 6, 2021",
    "???? ???????? ????", "Reactions: Blinding Blaze, Sage and Ghessan",
]
_line = st.one_of(st.sampled_from(PROSE), st.sampled_from(CHROME),
                  st.builds(lambda p, q: f"{p} ???? {q}", st.sampled_from(PROSE), st.sampled_from(PROSE)))
_sep = st.sampled_from(["\n", "\n\n", "\n\n\n", "  \n", "\r\n", "\r\n\r\n", "\n \t\n"])
_pad = st.sampled_from(["", " ", "\t", "\u200b", "\u00a0"])


@st.composite
def _documents(draw: st.DrawFn) -> str:
    lines = draw(st.lists(_line, min_size=1, max_size=14))
    if draw(st.booleans()):  # a block pasted twice: the repeated-block rule
        lines = lines + lines[: max(3, len(lines) // 2)]
    out = []
    for x in lines:
        out.append(draw(_pad) + x + draw(_pad))
        out.append(draw(_sep))
    return "".join(out)


@settings(max_examples=300, deadline=None)
@given(_documents())
def test_removing_the_spans_rebuilds_the_body(text: str) -> None:
    ct = clean_text(text)
    assert ct.spans is not None and ct.par_spans is not None  # no entity or mojibake here: always traced
    spans = [s for v in ct.spans.values() for s in v]
    assert all(0 <= s < e <= len(text) for s, e in spans)
    assert squeeze(remove_spans(text, spans)) == squeeze(ct.body)
    for rule, (hits, _chars) in ct.ledger.items():
        if rule not in CHARACTER_RULES:
            assert len(ct.spans[rule]) == hits, rule
    # each body paragraph is its span of the input, minus the edits inside it (lost '?' runs)
    pars = [squeeze(remove_spans(text[s:e], [(max(a, s) - s, min(b, e) - s) for a, b in spans if a < e and b > s]))
            for s, e in ct.par_spans]
    assert pars == [squeeze(p) for p in ct.body.split("\n\n") if p]


def test_replaced_characters_map_to_their_whole_input_run() -> None:
    src = "Pakistanâ€™s  &amp; Russia\u200b's caf\u0065\u0301 ties"
    dst = "Pakistan’s & Russia's café ties"
    a = align(src, dst)
    assert a is not None
    q = dst.index("’")
    assert src[a.start[q]:a.end[q]] == "â€™"
    e = dst.index("é")
    assert src[a.start[e]:a.end[e]] == "e\u0301"
    amp = dst.index("&")
    assert src[a.start[amp]:a.end[amp]] == "&"  # "&" matches, "amp;" is skipped
    assert a.span(0, len(dst)) == (0, len(src))
    assert align("completely different", "nothing alike here at all") is None


def test_lost_character_runs_of_any_length() -> None:
    text = "Welcome to Pakistan " + "?" * 40 + " and more text follows here\n\n" + "Second paragraph here."
    ct = clean_text(text)
    assert ct.spans is not None and ct.spans["lost_chars"] == [(20, 60)]
    assert squeeze(remove_spans(text, ct.spans["lost_chars"])) == squeeze(ct.body)
