"""One small inline text per cleaning rule, with exact outcomes."""

from __future__ import annotations

import datetime as dt

from newsetl.clean import clean_text

P1 = "Russia and Pakistan agreed on Wednesday to expand cooperation in energy, trade and defence, officials said."
P2 = "The two foreign ministers met in Islamabad for delegation-level talks lasting more than two hours."
P3 = "A joint statement said both sides would hold more military exercises and meet again later this year."
P4 = "Analysts said the visit marked a warming of relations that had been frosty for most of the Cold War."


def test_xenforo_user_block_at_top() -> None:
    text = "\n".join(
        ["Vanguard One", "FULL MEMBER", "- Joined", "- Dec 20, 2019", "- Messages", "- 1,307",
         "- Reaction score", "- -7", "- Country", "- Location", P1, P2]
    )  # fmt: skip
    ct = clean_text(text)
    assert ct.body == f"{P1}\n\n{P2}"
    assert ct.ledger["forum_user_block"][0] == 10


def test_vbulletin_panel_and_quote_chrome() -> None:
    text = "\n".join(["ahmad_k", "Senior Member", "Join Date: Mar 2012", "Posts: 4,210", "Location: Lahore",
                      "Originally Posted by Vanguard One", P1, "Reply With Quote", P2])  # fmt: skip
    ct = clean_text(text)
    assert ct.body == f"{P1}\n\n{P2}"
    assert ct.ledger["forum_user_block"][0] == 5
    assert ct.ledger["forum_chrome"][0] == 2


def test_lone_label_in_prose_is_kept() -> None:
    text = f"{P1}\nLocation: Lahore\n{P2}"
    assert clean_text(text).body == f"{P1}\n\nLocation: Lahore\n\n{P2}"


def test_forum_chrome_lines() -> None:
    text = "\n".join(["Apr 7, 2021 #1", "Vanguard One said:", P1, "Click to expand...",
                      "Reactions: Foo, Bar and 3 others", "Like Reply Share", P2])  # fmt: skip
    ct = clean_text(text)
    assert ct.body == f"{P1}\n\n{P2}"
    assert ct.ledger["forum_chrome"][0] == 4
    assert ct.ledger["share_bar"][0] == 1


def test_reply_after_later_user_block_goes_to_comments() -> None:
    text = "\n".join(["OPUser", "FULL MEMBER", "- Joined", "- Dec 20, 2019", P1, P2,
                      "replier", "SENIOR MEMBER", "- Joined", "- Jan 2, 2020", "Good news for both.", "Finally."])  # fmt: skip
    ct = clean_text(text)
    assert ct.body == f"{P1}\n\n{P2}"
    assert ct.comments == ["Good news for both.\nFinally."]


def test_link_card_removed_and_hinted() -> None:
    text = "\n".join([P1, P2, "Russia to boost ties with Pakistan", "Russian FM meets PM; more drills agreed.",
                      "www.dawn.com"])  # fmt: skip
    ct = clean_text(text)
    assert ct.body == f"{P1}\n\n{P2}"
    assert ct.hints == {"title": "Russia to boost ties with Pakistan", "source_domain": "dawn.com"}
    assert ct.ledger["link_card"] == (3, len("Russia to boost ties with Pakistan") + 40 + 12)


def test_short_lines_after_link_card_are_comments() -> None:
    text = "\n".join([P1, P2, P3, "Headline of the story here", "tribune.com.pk", "What a joke.", "lol"])
    ct = clean_text(text)
    assert ct.body == f"{P1}\n\n{P2}\n\n{P3}"
    assert ct.comments == ["What a joke.", "lol"]
    assert ct.hints["source_domain"] == "tribune.com.pk"


def test_url_and_hashtag_only_lines() -> None:
    text = "\n".join([P1, "https://www.dawn.com/news/1616717", "Source: https://tribune.com.pk/story/1",
                      "#Pakistan #Russia", "@SMQureshiPTI", P2])  # fmt: skip
    ct = clean_text(text)
    assert ct.body == f"{P1}\n\n{P2}"
    assert ct.ledger["url_only"][0] == 2
    assert ct.ledger["hashtag_only"][0] == 2


def test_lost_emoji_question_marks() -> None:
    ct = clean_text("Welcome ???????? to Pakistan. Is it true? Really??\n???? Next line")
    assert ct.body == "Welcome to Pakistan. Is it true? Really?\n\nNext line"
    assert ct.encoding_loss == 8 + 1 + 4
    assert "??" not in ct.body


def test_single_question_mark_kept() -> None:
    assert clean_text("Will Russia supply the gear?").body == "Will Russia supply the gear?"


def test_tweet_embed_moved_to_embeds() -> None:
    text = "\n".join([
        P1,
        "Welcome to Pakistan #SergeyLavrov, we look forward to talks.",
        "pic.twitter.com/6sAazwuRIJ— Shah Mahmood Qureshi (@SMQureshiPTI) April 6, 2021",
        P2,
        "Lavrov arrived in #Islamabad. pic.twitter.com/fS4Wo7p74W— MFA Russia (@mfa_russia) April 6, 2021",
    ])  # fmt: skip
    ct = clean_text(text)
    assert ct.body == f"{P1}\n\n{P2}"
    assert len(ct.embeds) == 2
    e0, e1 = ct.embeds
    assert (e0.platform, e0.handle, e0.author, e0.posted_date) == (
        "twitter", "@SMQureshiPTI", "Shah Mahmood Qureshi", dt.date(2021, 4, 6))  # fmt: skip
    assert e0.text == "Welcome to Pakistan #SergeyLavrov, we look forward to talks."
    assert e0.url == "https://pic.twitter.com/6sAazwuRIJ"
    assert e1.text == "Lavrov arrived in #Islamabad."
    assert e1.handle == "@mfa_russia"


def test_tweet_text_does_not_swallow_prose_above() -> None:
    text = f"{P1}\nGreat day— Imran Khan (@ImranKhanPTI) April 6, 2021"
    ct = clean_text(text)
    assert ct.body == P1
    assert ct.embeds[0].text == "Great day"


def test_repeated_block_kept_once_with_interstitial_comment() -> None:
    text = "\n".join([P1, P2, P3, P4, "Nice one.", P2, P3, P4])
    ct = clean_text(text)
    assert ct.body == f"{P1}\n\n{P2}\n\n{P3}\n\n{P4}"
    assert ct.comments == ["Nice one."]
    assert ct.ledger["repeated_block"][0] == 3


def test_single_repeated_long_paragraph_dropped_short_kept() -> None:
    text = "\n".join([P1, "Read on.", P2, P1, "Read on."])
    assert clean_text(text).body == f"{P1}\n\nRead on.\n\n{P2}\n\nRead on."


def test_comment_section_after_header() -> None:
    text = "\n".join([P1, P2, P3, "3 Comments", "Ali • 2 years ago", "Great article", "Reply",
                      "Sara • 2 years ago", "Disagree with this"])  # fmt: skip
    ct = clean_text(text)
    assert ct.body == f"{P1}\n\n{P2}\n\n{P3}"
    assert ct.comments == ["Great article", "Disagree with this"]


def test_early_comments_line_is_not_a_comment_section() -> None:
    text = "\n".join(["Comments", P1, P2])
    ct = clean_text(text)
    assert ct.body == f"Comments\n\n{P1}\n\n{P2}"
    assert ct.comments == []


def test_page_chrome_and_wire_credit() -> None:
    text = "\n".join([P1, "Advertisement", "Read more: Pakistan, Russia sign gas deal", P2,
                      "(Reporting by Asif Shahzad; Editing by Mark Heinrich)", "© 2021 Reuters"])  # fmt: skip
    ct = clean_text(text)
    assert ct.body == f"{P1}\n\n{P2}"
    assert ct.ledger["page_chrome"][0] == 3
    assert ct.ledger["wire_credit"][0] == 1


def test_hard_wrapped_paragraph_joined() -> None:
    text = (
        "ISLAMABAD, April 7 (Reuters) - Russia's foreign minister said on\n"
        "Wednesday that Moscow would supply military equipment to Pakistan and\n"
        "hold more joint exercises, as the two countries seek closer ties after\n"
        "decades of mistrust.\n\nSecond paragraph."
    )
    body = clean_text(text).body
    assert body.split("\n\n")[0].startswith("ISLAMABAD, April 7 (Reuters) - Russia's foreign minister said on Wednesday")
    assert body.endswith("decades of mistrust.\n\nSecond paragraph.")


def test_plain_article_untouched() -> None:
    text = f"Title of a story\n\n{P1}\n\n{P2}"
    ct = clean_text(text)
    assert ct.body == text
    assert ct.ledger == {} and ct.comments == [] and ct.embeds == []


def test_empty_input() -> None:
    ct = clean_text("")
    assert ct.body == "" and ct.ledger == {}
