"""clean_extract_batch cleans each distinct text once: the same articles as cleaning every record."""

from __future__ import annotations

import datetime as dt

from newsetl import clean_extract as ce
from newsetl.clean import clean_text
from newsetl.model import RawDoc

TODAY = dt.date(2025, 1, 1)
P1 = "Russia and Pakistan agreed on Wednesday to expand cooperation in energy, trade and defence, officials said."
P2 = "The two foreign ministers met in Islamabad for delegation-level talks lasting more than two hours."
FORUM = f"{P1} {P2}\n\nVanguard One\nFULL MEMBER\n- Joined\n- Dec 20, 2019\n- Messages\n- 1,307\n\n{P2} lol\n\nAdvertisement"


def _doc(i: int, text: str) -> RawDoc:
    return RawDoc(source_uri=f"mem://{i}", record_index=0, format="json", text=text, content_hash=f"h{i}",
                  size_bytes=len(text), fields={"title": f"Title {i}", "url": f"https://dawn.com/news/{i}"})  # fmt: skip


def test_repeated_texts_give_the_articles_of_cleaning_each_record(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    docs = [_doc(i, t) for i, t in enumerate([FORUM, f"{P1}\n\n{P2} " * 3, FORUM, FORUM, "too short"])]
    calls: list[str] = []
    monkeypatch.setattr(ce, "clean_text", lambda text: calls.append(text) or clean_text(text))
    arts, rej = ce.clean_extract_batch(docs, today=TODAY)
    assert len(calls) == 3  # three distinct texts
    want = [ce.clean_extract(d, today=TODAY) for d in docs[:4]]
    assert arts == want
    assert [r.source_uri for r in rej] == ["mem://4"]
    # no two articles share a container
    assert arts[0].comments == arts[2].comments and arts[0].comments is not arts[2].comments
    assert arts[0].ledger_spans is not arts[2].ledger_spans


def test_cleaned_copies_the_containers() -> None:
    memo: dict = {}
    a, b = ce.cleaned(FORUM, memo), ce.cleaned(FORUM, memo)
    assert a == b == clean_text(FORUM) and list(memo) == [FORUM]
    assert a.comments is not b.comments and a.ledger is not b.ledger and a.hints is not b.hints
    assert a.spans is not None and b.spans is not None
    assert all(a.spans[k] is not b.spans[k] for k in a.spans) and a.par_spans is not b.par_spans
    assert ce.cleaned(FORUM, None) == a
