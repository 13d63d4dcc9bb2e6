"""Invariants of the cleaner: never raises, idempotent, never invents characters."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsetl.clean import clean_text, normalize_text

FRAGMENTS = [
    "Vanguard One", "FULL MEMBER", "SENIOR MEMBER", "- Joined", "- Dec 20, 2019", "- Messages", "- 1,307",
    "- Reaction score", "- -7", "- Country", "- Location", "Join Date: Mar 2012", "Posts: 4,210",
    "Click to expand...", "Reactions: A, B and 3 others", "Like Reply Share", "Apr 7, 2021 #1", "X said:",
    "www.dawn.com", "dawn.com", "https://www.dawn.com/news/1", "#Pakistan #Russia", "@handle",
    "Qureshi-Lavrov talks: Russia to boost ties", "Russian FM meets PM Imran; drills agreed.",
    "???????? ????", "Really??", "Is it?", "pic.twitter.com/abc— Name (@handle) April 6, 2021",
    "Welcome #Lavrov to Pakistan", "3 Comments", "Comments", "Leave a Reply", "Ali • 2 years ago",
    "Advertisement", "Read more: something", "(Reporting by X; Editing by Y)", "© 2021 Reuters",
    "Looks like the Indian cow has run dry.", "lol",
    "Russia and Pakistan agreed on Wednesday to expand cooperation in energy, trade and defence, officials said.",
    "The two foreign ministers met in Islamabad for delegation-level talks lasting more than two hours.",
    "A joint statement said both sides would hold more military exercises and meet again later this year.",
    "Pakistanâ€™s ties &amp; more\u00a0here\u200b", "cafe\u0301 &#163;8m", "a\x0cb\r\nc\x00d", "",
    "ISLAMABAD, Jun 16 (APP): The minister said.", "word " * 20,
]  # fmt: skip

lines = st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=60))
docs = st.lists(lines, max_size=30).flatmap(
    lambda ls: st.sampled_from(["\n", "\n\n"]).map(lambda sep: sep.join(ls))
)
# documents pasted twice (the forum double paste), with something in between
doubled = st.tuples(docs, st.lists(lines, max_size=3)).map(lambda t: "\n".join([t[0], *t[1], t[0]]))
any_doc = st.one_of(docs, doubled, st.text(max_size=400))

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _is_subsequence(small: str, big: str) -> bool:
    it = iter(big)
    return all(c in it for c in small)


def _no_ws(s: str) -> str:
    return "".join(s.split())


@SETTINGS
@given(any_doc)
def test_never_raises_and_idempotent(text: str) -> None:
    once = clean_text(text)
    twice = clean_text(once.body)
    assert twice.body == once.body


@SETTINGS
@given(any_doc)
def test_never_invents_characters(text: str) -> None:
    """Modulo whitespace and character normalisation, the body is a subsequence of the input: the
    cleaner only removes (lines, paragraphs, '?' runs) and rejoins."""
    normalized, _ = normalize_text(text)
    body = clean_text(text).body
    assert _is_subsequence(_no_ws(body), _no_ws(normalized))


@SETTINGS
@given(st.text(max_size=300))
def test_normalize_idempotent(text: str) -> None:
    once, _ = normalize_text(text)
    assert normalize_text(once)[0] == once


@SETTINGS
@given(any_doc)
def test_body_shape(text: str) -> None:
    ct = clean_text(text)
    assert "\n\n\n" not in ct.body
    assert ct.body == ct.body.strip()
    assert "??" not in ct.body
    assert ct.encoding_loss >= 0
    for rule, (hits, _removed) in ct.ledger.items():
        assert hits > 0, rule
