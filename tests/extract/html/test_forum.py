"""Forum threads in HTML: the first post is the article, later posts are comments (newsetl.extract.html.forum)."""

from __future__ import annotations

import datetime as dt

import pytest

from newsetl.clean_extract import clean_extract
from newsetl.extract.html import extract_html
from newsetl.extract.html.forum import element_text
from newsetl.extract.html.parse import parse
from newsetl.model import RawDoc

TODAY = dt.date(2025, 1, 1)
QUESTION = (
    "I run a small catering business and have my first event for forty people next month. The menu is "
    "curry and rice, sandwiches and pastries. What am I missing, and what should I prepare in advance?"
)
REPLY1 = (
    "Check everything and then check it again. Test your recipes and work out what can be done a day "
    "ahead without losing quality, and keep a checklist of every utensil you need to bring."
)
REPLY2 = (
    "Visit the place before the day. Ask whether there is fridge space or whether you need coolers, and "
    "how the tables will be laid out, so nothing surprises you when you arrive."
)
NAV = "<nav><ul>" + "".join(f'<li><a href="/c/{i}">Category {i}</a></li>' for i in range(8)) + "</ul></nav>"


def discourse(posts: list[tuple[str, str, str]]) -> str:
    """Discourse's crawler view: schema.org DiscussionForumPosting, one div.topic-body per post."""
    items = "".join(
        f'<div class="topic-body crawler-post" itemprop="comment" itemscope itemtype="http://schema.org/Comment">'
        f'<div class="crawler-post-meta"><span class="creator" itemprop="author" itemscope '
        f'itemtype="http://schema.org/Person"><a href="/u/{who}"><span itemprop="name">{who}</span></a></span>'
        f'<time itemprop="datePublished" datetime="{when}" class="post-time">{when[:10]}</time></div>'
        f'<div class="post" itemprop="text"><p>{text}</p></div></div>'
        for who, when, text in posts
    )
    return (
        "<html><head><title>First catering event: how should I prepare? - Catering - Example Forum</title>"
        '<meta property="og:title" content="First catering event: how should I prepare?">'
        '<meta property="og:site_name" content="Example Forum"></head><body>'
        f'{NAV}<div id="main-outlet" itemscope itemtype="http://schema.org/DiscussionForumPosting">'
        f'<h1 itemprop="headline">First catering event: how should I prepare?</h1>{items}</div></body></html>'
    )


POSTS = [
    ("KumikoCooks", "2011-02-11T16:20:45Z", QUESTION),
    ("chefbob", "2011-02-12T09:01:00Z", REPLY1),
    ("pastrygal", "2011-02-13T10:30:00Z", REPLY2),
]


def test_discourse_thread_first_post_is_the_article() -> None:
    ex = extract_html(discourse(POSTS), "https://forum.example.com/t/first-catering-event/12068", today=TODAY)
    assert ex.extractor == "forum:discourse"
    assert ex.text == QUESTION
    assert ex.comments == [REPLY1, REPLY2]
    assert ex.byline == "KumikoCooks"
    assert (ex.date, ex.date_source) == (dt.date(2011, 2, 11), "html:post")
    assert ex.title == "First catering event: how should I prepare?"


def test_thread_replies_become_comments_of_the_article() -> None:
    doc = RawDoc(source_uri="forum/12068.html", record_index=0, format="html", text=discourse(POSTS),
                 content_hash="", size_bytes=0)
    art = clean_extract(doc, today=TODAY)
    assert art.body == QUESTION
    assert art.comments == [REPLY1, REPLY2]
    assert art.extractor == "forum:discourse"
    assert art.byline == "KumikoCooks"


def test_a_short_first_post_keeps_its_thread() -> None:
    # "Which knife should I buy?" is fewer words than extract.min_body_words; the replies count
    posts = [("newcook", "2011-02-11T16:20:45Z", "Which chef's knife should I buy first?"), *POSTS[1:]]
    doc = RawDoc(source_uri="forum/1.html", record_index=0, format="html", text=discourse(posts),
                 content_hash="", size_bytes=0)
    art = clean_extract(doc, today=TODAY)
    assert art.body == "Which chef's knife should I buy first?"
    assert art.comments == [REPLY1, REPLY2]


def test_one_post_is_not_a_thread() -> None:
    ex = extract_html(discourse([("KumikoCooks", "2011-02-11T16:20:45Z", f"{QUESTION} {REPLY1}")]), today=TODAY)
    assert ex.extractor == "trafilatura"
    assert ex.comments == []
    assert QUESTION in ex.text


def test_xenforo_thread() -> None:
    def message(who: str, ts: int, text: str) -> str:
        return (
            f'<article class="message message--post js-post" data-author="{who}">'
            f'<div class="message-userDetails"><h4 class="message-name"><a class="username">{who}</a></h4>'
            f'<div class="message-userExtras">Joined Feb 2011 Messages 1,024 Reaction score 300</div></div>'
            f'<div class="message-attribution"><time class="u-dt" datetime="2022-07-0{ts}T10:00:00+0100">'
            f"Jul {ts}, 2022</time></div>"
            f'<div class="message-content"><article class="message-body"><div class="bbWrapper">{text}</div>'
            f"</article></div></article>"
        )

    html = (
        "<html><head><title>Catering for forty | Example Forums</title></head><body>"
        f'{NAV}<div class="block-body">{message("felixen", 9, QUESTION)}{message("spikeymike", 9, REPLY1)}'
        f"{message('cynics', 10, REPLY2)}</div></body></html>"
    )
    ex = extract_html(html, today=TODAY)
    assert ex.extractor == "forum:xenforo"
    assert (ex.text, ex.comments) == (QUESTION, [REPLY1, REPLY2])
    assert ex.byline == "felixen"
    assert ex.date == dt.date(2022, 7, 9)
    assert "Reaction score" not in ex.text


def test_the_posters_join_date_does_not_date_the_post() -> None:
    # Invision: the poster's pane (an <aside>) shows "Joined January 7, 2020" with a <time> of its own
    def post(who: str, joined: str, when: str, text: str) -> str:
        return (
            f'<article class="cPost ipsComment"><aside class="ipsComment_author cAuthorPane"><h3>{who}</h3>'
            f'<ul class="cAuthorPane_info"><li>Joined <time datetime="{joined}">{joined[:10]}</time></li></ul>'
            f'</aside><div class="ipsComment_content"><div class="ipsComment_meta"><time datetime="{when}">'
            f'{when[:10]}</time></div><div data-role="commentContent"><p>{text}</p></div></div></article>'
        )

    html = (
        "<html><head><title>Catering for forty - Example Boards</title></head><body>"
        f"{NAV}<div id='elPostFeed'>{post('felixen', '2020-01-07T01:43:09Z', '2024-04-17T21:13:04Z', QUESTION)}"
        f"{post('spikeymike', '2009-04-10T06:46:25Z', '2024-04-17T21:29:36Z', REPLY1)}"
        f"{post('cynics', '2004-05-12T01:14:55Z', '2024-04-18T03:21:07Z', REPLY2)}</div></body></html>"
    )
    ex = extract_html(html, today=TODAY)
    assert ex.extractor == "forum:invision"
    assert (ex.date, ex.date_source) == (dt.date(2024, 4, 17), "html:post")


def test_question_is_dated_when_asked_not_when_edited() -> None:
    # Stack Exchange: the question's signature shows "edited Apr 13 2017" before "asked Mar 28 2014"
    def post(cls: str, text: str, dates: list[str]) -> str:
        sig = "".join(f'<span class="relativetime" title="{d}">{d[:10]}</span>' for d in dates)
        return (f'<div class="{cls}"><div class="s-prose js-post-body" itemprop="text"><p>{text}</p></div>'
                f'<div class="post-signature">{sig}</div></div>')  # fmt: skip

    html = (
        "<html><head><title>How should I prepare a first catering event? - Cooking Stack Exchange</title>"
        f"</head><body>{NAV}<div id='question-header'><h1>How should I prepare a first catering event?</h1></div>"
        f"{post('question', QUESTION, ['2017-04-13 10:00:00Z', '2014-03-28 09:00:00Z'])}"
        f"{post('answer', REPLY1, ['2014-03-29 09:00:00Z'])}{post('answer', REPLY2, ['2014-04-02 09:00:00Z'])}"
        "</body></html>"
    )
    ex = extract_html(html, today=TODAY)
    assert ex.extractor == "forum:stackexchange"
    assert (ex.date, ex.date_source) == (dt.date(2014, 3, 28), "html:post")
    assert ex.comments == [REPLY1, REPLY2]


def test_reader_comments_under_a_news_article_are_not_a_thread() -> None:
    story = "".join(
        f"<p>Paragraph {i}: the provincial assembly passed the water budget after a debate that lasted "
        "late into the night, with members asking for canals in every district.</p>"
        for i in range(5)
    )
    comments = "".join(
        f'<li itemscope itemtype="http://schema.org/Comment"><span itemprop="author">reader{i}</span>'
        f'<div itemprop="text"><p>{text}</p></div></li>'
        for i, text in enumerate([REPLY1, REPLY2])
    )
    html = (
        "<html><head><title>Assembly passes water budget</title></head><body>"
        f"{NAV}<article><h1>Assembly passes water budget</h1>{story}</article>"
        f'<section id="comments"><ol>{comments}</ol></section></body></html>'
    )
    ex = extract_html(html, today=TODAY)
    assert ex.extractor == "trafilatura"
    assert ex.comments == []
    assert ex.text.startswith("Paragraph 0:")
    assert REPLY1 not in ex.text


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<div><p>One.</p><p>Two<br>three</p></div>", "One.\n\nTwo\n\nthree"),
        ("<div>Quote:<blockquote>said before</blockquote>and now</div>", "Quote:\n\nsaid before\n\nand now"),
        ("<div>text<script>var x = 1;</script> tail <style>p{}</style>end</div>", "text tail end"),
        ("<div><ul><li>a</li><li>b</li></ul></div>", "a\n\nb"),
        ("<div>  spaced \n\n  out  </div>", "spaced\n\nout"),
    ],
)
def test_element_text(markup: str, expected: str) -> None:
    root = parse(f"<html><body>{markup}</body></html>")
    assert element_text(root.find(".//body/div")) == expected
