"""HTML title choice: the headline the page shows vs the metadata title (newsetl.extract.html.title)."""

from __future__ import annotations

import datetime as dt

import pytest

from newsetl.extract.html import extract_html
from newsetl.extract.html.knowledge import knowledge

TODAY = dt.date(2024, 1, 1)
STORY = "".join(
    f"<p>Paragraph {i}: the provincial assembly passed the water budget after a debate that lasted late "
    "into the night, with members asking for canals in every district.</p>"
    for i in range(4)
)


def page(head: str, headline: str | None, *, in_article: bool = True, extra_h1: str = "") -> str:
    h1 = f"<h1>{headline}</h1>" if headline else ""
    body = f"<article>{h1}{STORY}</article>" if in_article else f"{h1}<div class='content'>{STORY}</div>"
    return f"<html><head>{head}</head><body><header>{extra_h1}</header>{body}</body></html>"


@pytest.mark.parametrize(
    ("head", "headline", "expected", "source"),
    [
        (  # the metadata title is the shown headline plus the site: the headline, its own quotes kept
            '<meta property="og:title" content="Assembly passes \'historic\' water budget | Example Times">',
            "Assembly passes \u2018historic\u2019 water budget for the Indus",
            "Assembly passes \u2018historic\u2019 water budget for the Indus",
            "h1",
        ),
        (  # the metadata title is cut short
            '<meta property="og:title" content="Assembly passes water budget after a debate that">',
            "Assembly passes water budget after a debate that lasted all night",
            "Assembly passes water budget after a debate that lasted all night",
            "h1",
        ),
        (  # an SEO title rewritten from the article's headline
            '<meta property="og:title" content="Water Budget 2024: Assembly Approves Canals Plan">',
            "Assembly approves the water budget and its canals plan",
            "Assembly approves the water budget and its canals plan",
            "h1",
        ),
        (  # the same words: the metadata title's characters stay
            '<meta property="og:title" content="Tips for Online Success">',
            "TIPS FOR ONLINE SUCCESS",
            "Tips for Online Success",
            "og:title",
        ),
        (  # an h1 holding the site's logo is no headline
            '<meta property="og:title" content="Assembly passes water budget">'
            '<meta property="og:site_name" content="Example Times">',
            "Example Times",
            "Assembly passes water budget",
            "og:title",
        ),
        (  # a one-word h1 is a section label, not the headline
            '<meta property="og:title" content="Assembly passes water budget">',
            "Politics",
            "Assembly passes water budget",
            "og:title",
        ),
        (  # an unrelated headline elsewhere does not replace the metadata title
            '<meta property="og:title" content="Assembly passes water budget">',
            "Cricket board names new selection committee",
            "Assembly passes water budget",
            "og:title",
        ),
        (  # a label or date the h1 carries before the headline is not the headline's
            '<meta property="og:title" content="Preparing a transition in Debusine">',
            "Dec 18 2025 Preparing a transition in Debusine",
            "Preparing a transition in Debusine",
            "og:title",
        ),
        (
            "<title>What do you look for in a web host? | Web Hosting Talk</title>",
            "Thread: What do you look for in a web host?",
            "What do you look for in a web host?",
            "title",
        ),
        (  # ... but a longer lead is the headline's own words (the metadata title is its short form)
            '<meta property="og:title" content="Real Estate 101">',
            "Real Estate Investing for Beginners Real Estate 101",
            "Real Estate Investing for Beginners Real Estate 101",
            "h1",
        ),
        (  # the metadata title goes on with the headline's words: the h1 is the cut one
            '<meta property="og:title" content="Best Travel Insurance for Seniors in 2025">',
            "Best Travel Insurance for Seniors",
            "Best Travel Insurance for Seniors in 2025",
            "og:title",
        ),
        (  # the h1's own "| tail" stays; the metadata's site part goes
            '<meta property="og:title" content="12 Data Analysis Tools for 2026 | Python, SQL &amp; AI | Splunk">',
            "12 Data Analysis Tools for 2026 | Python, SQL &amp; AI",
            "12 Data Analysis Tools for 2026 | Python, SQL & AI",
            "h1",
        ),
    ],
)
def test_shown_headline_or_metadata_title(head: str, headline: str, expected: str, source: str) -> None:
    ex = extract_html(page(head, headline), today=TODAY)
    assert (ex.title, ex.title_source) == (expected, source)


def test_a_rewritten_title_needs_the_articles_own_or_only_h1() -> None:
    head = '<meta property="og:title" content="Water Budget 2024: Assembly Approves Canals Plan">'
    shown = "Assembly approves the water budget and its canals plan"
    # the page's only h1, outside any article container: still the headline
    ex = extract_html(page(head, shown, in_article=False), today=TODAY)
    assert (ex.title, ex.title_source) == (shown, "h1")
    # one of several h1s, none in the article: the metadata title
    ex = extract_html(page(head, shown, in_article=False, extra_h1="<h1>Example Times</h1>"), today=TODAY)
    assert (ex.title, ex.title_source) == ("Water Budget 2024: Assembly Approves Canals Plan", "og:title")


def test_rewritten_titles_can_be_kept_by_configuration() -> None:
    head = '<meta property="og:title" content="Water Budget 2024: Assembly Approves Canals Plan">'
    shown = "Assembly approves the water budget and its canals plan"
    never = knowledge().model_copy(update={"headline_overlap_article": 1.1, "headline_overlap_single": 1.1})
    ex = extract_html(page(head, shown), today=TODAY, kn=never)
    assert (ex.title, ex.title_source) == ("Water Budget 2024: Assembly Approves Canals Plan", "og:title")
    # an affix is still an affix
    head = '<meta property="og:title" content="Assembly approves the water budget | Example Times">'
    ex = extract_html(page(head, "Assembly approves the water budget and its canals plan"), today=TODAY, kn=never)
    assert ex.title_source == "h1"


def test_section_names_reach_the_normaliser() -> None:
    head = (
        "<title>Ten films to watch this winter - Film &amp; TV - Images</title>"
        '<meta property="og:site_name" content="Images"><meta property="article:section" content="Film &amp; TV">'
    )
    ex = extract_html(page(head, None), "https://images.example.com/news/1", today=TODAY)
    assert ex.title == "Ten films to watch this winter"
    assert ex.sections == ["Film & TV"]


def _jsonld(obj: str) -> str:
    return f'<script type="application/ld+json">{obj}</script>'


def test_quotes_wrapping_a_jsonld_headline_give_way_to_the_shown_headline() -> None:
    head = _jsonld('{"@context": "https://schema.org", "@type": "BlogPosting", "headline": "\\"What is Git?\\""}')
    ex = extract_html(page(head, "What is Git?"), today=TODAY)
    assert (ex.title, ex.title_source) == ("What is Git?", "h1")
    # quotes inside the headline are its own
    head = _jsonld('{"@context": "https://schema.org", "@type": "BlogPosting", '
                   '"headline": "\\"Stay\\" or \\"go\\": the vote"}')
    ex = extract_html(page(head, "Stay or go: the vote"), today=TODAY)
    assert (ex.title, ex.title_source) == ('"Stay" or "go": the vote', "jsonld:headline")


def test_a_webpages_main_entity_names_the_article() -> None:
    head = _jsonld('{"@context": "https://schema.org", "@type": "WebPage", "mainEntity": '
                   '{"@type": "DiscussionForumPosting", "headline": "Digital cameras: a status symbol?"}}')
    ex = extract_html(page(head, "News Digital cameras: a status symbol?"), today=TODAY)
    assert (ex.title, ex.title_source) == ("Digital cameras: a status symbol?", "jsonld:headline")
