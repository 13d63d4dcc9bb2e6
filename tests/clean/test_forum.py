"""Plain-text forum copies of an article: the thread's first post is the article, later posts are comments.

Fixtures (tests/fixtures/forum/, written for these tests) cover the layouts seen in copies of XenForo,
vBulletin and phpBB threads: title and "Thread starter / Start date" above numbered posts, a long title
above the first panel, panels below their posts, the title below the panel, quoted replies, and a
first post too short to be the article (the guard case).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from newsetl.clean import clean_text
from newsetl.clean_extract import clean_extract
from newsetl.model import RawDoc

FORUM = Path(__file__).resolve().parents[1] / "fixtures" / "forum"


def _article(name: str):  # type: ignore[no-untyped-def]
    text = (FORUM / name).read_text(encoding="utf-8")
    return clean_extract(RawDoc(str(FORUM / name), 0, "txt", text, "h", len(text)), today=dt.date(2025, 1, 1))


@pytest.mark.parametrize(
    ("name", "title", "date", "date_source", "first", "last", "comments"),
    [
        ("xenforo_numbered.txt", "Pakistan and Uzbekistan sign framework agreement on trans-Afghan railway corridor",
         dt.date(2023, 3, 3), "text:date_line", "Pakistan and Uzbekistan signed", "the ministry of railways said.",
         ["Great news if they can actually secure the route.", "Been hearing about this line for ten years now."]),
        ("long_title_no_numbers.txt",
         "Government approves long-delayed upgrade of the Karachi–Peshawar main railway line after years of talks",
         dt.date(2024, 1, 9), "text:thread_date", "The federal cabinet on Tuesday", "within three years.",
         ["About time. The old track is a disgrace.", "Hope they finish it this decade."]),
        ("panel_below_posts.txt", "Cabinet clears plan for new deep-water port at Keti Bandar", dt.date(2024, 2, 13),
         "text:thread_date", "The provincial cabinet cleared", "during the peak season.",
         ["The mangroves around Keti Bandar need protection before anything is built there, otherwise the whole delta suffers."]),
        ("title_below_panel.txt", "Russia to supply military gear to Pakistan, says Lavrov", dt.date(2021, 4, 7),
         "text:date_line", "Russia will supply military", "including a gas pipeline.", ["Good to see."]),
        ("vbulletin_quotes.txt", "Senate passes bill on cross-border trade with Iran", None, "none",
         "The Senate passed a bill", "without import licences.", ["This will help Panjgur and Turbat a lot."]),
    ],
)  # fmt: skip
def test_first_post_is_the_article(name: str, title: str, date: dt.date | None, date_source: str, first: str,
                                   last: str, comments: list[str]) -> None:  # fmt: skip
    a = _article(name)
    assert (a.title, a.published_date, a.date_source) == (title, date, date_source)
    assert a.body.startswith(first) and a.body.endswith(last)
    assert a.comments == comments
    for chrome in ("Joined", "Messages", "Reaction score", "Click to expand", "said:", "#2", "Reply With Quote"):
        assert chrome not in a.body
    assert "forum_user_block" in a.ledger


def test_short_first_post_keeps_everything_and_says_why() -> None:
    a = _article("short_first_post.txt")
    assert a.comments == []
    assert a.body.startswith("Sharing this:") and a.body.endswith("within four years of the start of work.")
    assert a.ledger["guard_replies_kept"] == (1, 0)


def test_quote_of_the_first_post_is_not_a_comment() -> None:
    ct = clean_text((FORUM / "xenforo_numbered.txt").read_text(encoding="utf-8"))
    assert ct.ledger["quoted_in_reply"][0] == 1
    assert not any("framework agreement" in c for c in ct.comments)


def test_thread_date_hint() -> None:
    ct = clean_text("Title words here\nThread starter Zarb Start date Mar 3, 2023\nBody text.")
    assert ct.hints["date"] == "Mar 3, 2023"
    ct = clean_text("Title\nPost by ahmad » Tue Feb 13, 2024 9:02 am\nBody text.")
    assert ct.hints["date"] == "Tue Feb 13, 2024 9:02 am"


def test_bare_panel_values_and_a_post_date_under_location() -> None:
    text = "\n".join(["Zarb", "SENIOR MEMBER", "Joined", "Aug 8, 2016", "Messages", "12,044", "Location",
                      "Mar 3, 2023", "A reply text that is long enough to read as prose, with a full stop."])  # fmt: skip
    ct = clean_text(text)
    assert ct.body == "Mar 3, 2023\n\nA reply text that is long enough to read as prose, with a full stop."
    assert ct.ledger["forum_user_block"][0] == 7
