"""Main text of an HTML page: extractor choice, hidden elements, comment threads, page kinds."""

from __future__ import annotations

import datetime as dt

import pytest

from newsetl.errors import TerminalError
from newsetl.extract.html import extract_html
from newsetl.extract.html.body import main_text
from newsetl.extract.html.knowledge import knowledge
from newsetl.extract.html.parse import parse

TODAY = dt.date(2024, 1, 1)
PARAS = [
    f"Paragraph {i}: the provincial assembly debated the water budget for {n} hours before the vote, "
    "and members from every district asked for more canals, wells and dams."
    for i, n in enumerate(["two", "three", "four", "five", "six", "seven"])
]
STORY = "".join(f"<p>{p}</p>" for p in PARAS)
NAV = "<nav><ul>" + "".join(f'<li><a href="/s{i}">Section {i}</a></li>' for i in range(12)) + "</ul></nav>"


def page(body: str, head: str = "<title>Assembly passes water budget</title>", body_attrs: str = "") -> str:
    return f"<html><head>{head}</head><body{body_attrs}>{NAV}{body}</body></html>"


def test_trafilatura_text_is_the_body() -> None:
    ex = extract_html(page(f"<article><h1>Assembly passes water budget</h1>{STORY}</article>"), today=TODAY)
    assert ex.extractor == "trafilatura"
    assert ex.text.split("\n\n") == PARAS


def test_resiliparse_wins_when_trafilatura_has_too_little_of_it() -> None:
    html = page(f"<h1>Assembly passes water budget</h1><div class='widget'>{STORY}</div>")
    root = parse(html)
    text, extractor = main_text(root, html, None, knowledge())
    assert extractor == "trafilatura"
    # measure against every page: resiliparse's text (headline included) is longer than trafilatura's
    strict = knowledge().model_copy(update={"fallback_share": 1.0, "checked_below_words": 10_000})
    text, extractor = main_text(parse(html), html, None, strict)
    assert extractor == "resiliparse"
    assert text.split("\n\n")[-len(PARAS):] == PARAS


def test_a_long_trafilatura_text_is_not_second_guessed() -> None:
    html = page(f"<h1>Assembly passes water budget</h1><div class='widget'>{STORY}</div>")
    sure = knowledge().model_copy(update={"fallback_share": 1.0, "checked_below_words": 50})
    assert main_text(parse(html), html, None, sure)[1] == "trafilatura"


def test_a_comment_thread_is_not_taken_for_the_missing_article() -> None:
    comments = "".join(
        f'<li class="comment"><div class="comment-author">Reader {i}</div><p>I think the budget is a '
        f"mistake because the canals in district {i} were never finished and the money will vanish again "
        f"like it did last year and the year before that.</p></li>"
        for i in range(12)
    )
    html = page(f"<article>{STORY}</article><div id='comments'><ol class='comment-list'>{comments}</ol></div>")
    ex = extract_html(html, today=TODAY)
    assert ex.extractor == "trafilatura"
    assert ex.text.split("\n\n") == PARAS
    assert "Reader" not in ex.text


def test_an_article_shipped_hidden_is_not_pruned() -> None:
    # the page's article sits in a hidden wrapper that a script reveals; a hidden menu is pruned
    menu = '<div style="display: none"><p>Sign in to your account to keep reading our stories today.</p></div>'
    html = page(f"{menu}<div hidden><article>{STORY}</article></div>")
    ex = extract_html(html, today=TODAY)
    assert ex.text.split("\n\n") == PARAS
    assert "Sign in" not in ex.text


def test_hidden_elements_are_pruned() -> None:
    modal = '<div hidden><p>Subscribe to our newsletter for the latest stories delivered to you.</p></div>'
    ex = extract_html(page(f"<article>{modal}{STORY}</article>"), today=TODAY)
    assert "Subscribe" not in ex.text


def test_hubspot_blog_post_is_an_article_but_a_blog_index_is_not() -> None:
    post = page(f"<article>{STORY}</article>", body_attrs=' class="blog blog-post hs-blog-post"')
    assert extract_html(post, today=TODAY).text.split("\n\n") == PARAS
    index = page(f"<article>{STORY}</article>", body_attrs=' class="blog paged"')
    with pytest.raises(TerminalError) as info:
        extract_html(index, today=TODAY)
    assert info.value.reason == "no_article"


@pytest.mark.parametrize(
    ("url", "listing"),
    [
        ("https://example.com/category/national", True),
        ("https://example.com/tag/pakistan/page/2/", True),
        ("https://example.com/archives/", True),
        ("https://example.com/topic/software", True),
        ("https://example.com/archives/2025/12/16/vibe_coding.html", False),
        ("https://blog.example.org/archive/2025/12/Advent_of_Code_week_2.html", False),
        ("https://example.com/news/category-winners-announced", False),
    ],
)
def test_listing_urls(url: str, listing: bool) -> None:
    html = page(f"<article>{STORY}</article>")
    if listing:
        with pytest.raises(TerminalError) as info:
            extract_html(html, url, today=TODAY)
        assert info.value.reason == "no_article"
    else:
        assert extract_html(html, url, today=TODAY).text.split("\n\n") == PARAS
