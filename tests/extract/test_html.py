"""Tests for newsetl.extract.html (fixtures in tests/fixtures/html/)."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from newsetl.errors import TerminalError
from newsetl.extract.html import HtmlExtract, extract_html

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "html"
CORPORA = Path(__file__).resolve().parents[2].parent / "shared" / "corpora"
TODAY = dt.date(2024, 1, 1)


def load(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def reason_of(html: str, url: str | None = None) -> str:
    with pytest.raises(TerminalError) as info:
        extract_html(html, url, today=TODAY)
    return info.value.reason


# ---------------------------------------------------------------- article with og/JSON-LD metadata


def test_article_with_jsonld_and_og_metadata() -> None:
    ex = extract_html(load("article_og_jsonld.html"), today=TODAY)
    assert ex.title == "Senate approves new water policy for Indus basin"
    assert ex.title_source == "jsonld:headline"
    assert ex.date == dt.date(2018, 8, 15)  # published, never the modified 2018-08-16
    assert ex.published_at == dt.datetime(2018, 8, 15, 4, 30, tzinfo=dt.UTC)
    assert ex.date_source == "html:jsonld"
    assert ex.site_name == "DAWN.COM"
    assert ex.domain == "dawn.com"
    assert ex.canonical_url == "https://www.dawn.com/news/1427001/senate-approves-new-water-policy"
    assert ex.byline == "Ikram Junaidi"
    assert ex.language == "en"
    paras = ex.text.split("\n\n")
    assert len(paras) == 3
    assert paras[0].startswith("ISLAMABAD: The Senate on Tuesday approved")
    assert paras[2].endswith("settle disputes between the provinces.")
    for chrome in ("Home", "Copyright", "All rights reserved"):
        assert chrome not in ex.text


def test_meta_date_when_jsonld_is_absent() -> None:
    html = load("article_og_jsonld.html")
    start, end = html.index('<script type="application/ld+json">'), html.index("</script>") + len("</script>")
    ex = extract_html(html[:start] + html[end:], today=TODAY)
    assert ex.title == "Senate approves new water policy for Indus basin"
    assert ex.title_source == "og:title"
    assert (ex.date, ex.date_source) == (dt.date(2018, 8, 15), "html:meta")
    assert ex.byline == "Staff Reporter"  # meta author once JSON-LD is gone


def test_future_date_is_never_used() -> None:
    """The page's only date (15 August 2018) lies after ``today``: no date, not the 15th, and not the 1st of
    August that htmldate's fast search falls back to (its year and month)."""
    ex = extract_html(load("article_og_jsonld.html"), today=dt.date(2018, 8, 1))
    assert (ex.date, ex.date_source) == (None, None)


def test_a_page_dated_the_first_of_the_month_keeps_its_date() -> None:
    """The other side of the fall-back check: a page that states the 1st of today's month keeps it."""
    html = load("article_og_jsonld.html").replace("2018-08-15", "2018-08-01").replace("2018-08-16", "2018-08-01")
    ex = extract_html(html, today=dt.date(2018, 8, 10))
    assert ex.date == dt.date(2018, 8, 1)


ARTICLE_BODY = (
    "<article><p>"
    + " ".join(["The provincial assembly passed the budget after a long debate."] * 6)
    + "</p></article>"
)


@pytest.mark.parametrize(
    ("head", "expected", "source"),
    [
        (
            "<title>Senate passes bill on missing persons | The Express Tribune</title>"
            '<meta property="og:site_name" content="The Express Tribune">',
            "Senate passes bill on missing persons",
            "title",
        ),
        (
            "<title>Geo News - PM reviews flood relief operations in Sindh</title>"
            '<meta property="og:site_name" content="Geo News">',
            "PM reviews flood relief operations in Sindh",
            "title",
        ),
        (
            "<title>15 booked for sex abuse, extortion - Pakistan - DAWN.COM</title>"
            '<meta property="og:title" content="15 booked for sex abuse, extortion">',
            "15 booked for sex abuse, extortion",
            "og:title",
        ),
        (
            "<title>Rupee falls to record low against dollar | Business Recorder</title>",
            "Rupee falls to record low against dollar",
            "title",
        ),
        (
            "<title>Cowdrey&amp;#039;s Australian masterclass still vivid</title>",
            "Cowdrey's Australian masterclass still vivid",
            "title",
        ),
    ],
)
def test_title_site_suffix_and_prefix_are_stripped(head: str, expected: str, source: str) -> None:
    html = f"<html><head>{head}</head><body>{ARTICLE_BODY}</body></html>"
    ex = extract_html(html, "https://www.example.com/news/1", today=TODAY)
    assert (ex.title, ex.title_source) == (expected, source)


def test_h1_matching_title_without_suffix_is_preferred() -> None:
    ex = extract_html(load("comments_share.html"), today=TODAY)
    assert (ex.title, ex.title_source) == ("Polio drive reaches remote valleys", "h1")
    assert ex.site_name == "The Example Times"


# ---------------------------------------------------------------- title: Readability's order, then the site part


def page(head: str, body: str = ARTICLE_BODY) -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


@pytest.mark.parametrize(
    ("head", "expected", "source"),
    [
        (  # Readability's metadata order: dc:title before og:title, a later property beats an earlier name
            '<title>Title Element</title><meta name="DC.title" content="Dublin Core name title">'
            '<meta property="og:title" content="Open Graph title">'
            '<meta property="dc:title" content="Dublin Core property title">',
            "Dublin Core property title",
            "dc:title",
        ),
        (  # space-separated properties
            '<title>Title Element</title><meta property="x:title dc:title" content="Preferred title">'
            '<meta property="og:title twitter:title" content="A title">',
            "Preferred title",
            "dc:title",
        ),
        (
            '<title>Title Element</title><meta name="parsely-title" content="Some Other Title">',
            "Some Other Title",
            "parsely-title",
        ),
        (  # JSON-LD "name" holding the site's name: the headline resembling the <title> wins
            "<title>Budget passed after long debate in assembly | Example Post</title>"
            '<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",'
            ' "name": "Example Post", "headline": "Budget passed after long debate in assembly"}</script>'
            '<meta property="og:title" content="Something else">',
            "Budget passed after long debate in assembly",
            "jsonld:headline",
        ),
        (  # a JSON-LD object of another type is not the article
            '<title>T</title><script type="application/ld+json">{"@context": "https://schema.org",'
            ' "@type": "WebSite", "name": "Example Post"}</script>'
            '<meta property="og:title" content="Budget passed after long debate">',
            "Budget passed after long debate",
            "og:title",
        ),
        (  # <title>: the part after the last separator goes when >= 3 words remain
            "<title>Lorem ipsum dolor sit amet – My website</title>",
            "Lorem ipsum dolor sit amet",
            "title",
        ),
        (  # ... but a cut leaving <= 4 words keeps the whole <title>
            "<title>Short one - Sitename</title>",
            "Short one - Sitename",
            "title",
        ),
        (  # "Section: Title" without a heading holding the whole string: the part after the colon
            "<title>Opinion: Why the budget failed again this year</title>",
            "Why the budget failed again this year",
            "title",
        ),
    ],
)
def test_title_follows_readability_order(head: str, expected: str, source: str) -> None:
    ex = extract_html(page(head), "http://fakehost/test/page.html", today=TODAY)
    assert (ex.title, ex.title_source) == (expected, source)


def test_title_colon_kept_when_a_heading_holds_it() -> None:
    head = "<title>3 Bahadur: Distinctively Pakistani animation</title>"
    body = ARTICLE_BODY.replace("<article>", "<article><h2>3 Bahadur: Distinctively Pakistani animation</h2>")
    ex = extract_html(page(head, body), "http://fakehost/test/page.html", today=TODAY)
    assert ex.title == "3 Bahadur: Distinctively Pakistani animation"


@pytest.mark.parametrize(
    ("head", "url", "expected", "source"),
    [
        (  # site (registered domain) and the section before it
            "<title>Minor girl tortured by employers in Lahore | Pakistan - Geo.tv</title>",
            "https://www.geo.tv/latest/1081",
            "Minor girl tortured by employers in Lahore",
            "title",
        ),
        (
            "<title>\u201811 suicide bombers enter Pakistan\u2019 - Newspaper - DAWN.COM</title>",
            "https://www.dawn.com/news/1224466",
            "\u201811 suicide bombers enter Pakistan\u2019",
            "title",
        ),
        (  # a dangling separator after the site name
            "<title>Shahbaz Taseer back on twitter after release | Pakistan | thenews.com.pk |</title>",
            "https://www.thenews.com.pk/latest/104714",
            "Shahbaz Taseer back on twitter after release",
            "title",
        ),
        (  # the section named by article:section, not a generic word
            "<title>Ten films to watch this winter - Film &amp; TV - Images</title>"
            '<meta property="og:site_name" content="Images"><meta property="article:section" content="film-tv">',
            "https://images.dawn.com/news/1",
            "Ten films to watch this winter",
            "title",
        ),
        (  # metadata titles lose a site suffix too (og:site_name)
            '<title>Forewarning events - Daily Times</title><meta property="og:site_name" content="Daily Times">'
            '<meta property="og:title" content="Forewarning events - Daily Times">',
            "https://dailytimes.com.pk/1/",
            "Forewarning events",
            "og:title",
        ),
        (  # a title that is the site's own name is left alone
            '<meta property="og:title" content="Yahoo News - Latest News &amp; Headlines">'
            '<meta property="og:site_name" content="Yahoo News - Latest News &amp; Headlines">',
            "https://news.yahoo.com/",
            "Yahoo News - Latest News & Headlines",
            "og:title",
        ),
        (  # a trailing ellipsis after a guillemet is part of the headline, not a segment
            '<meta property="og:title" content="Screenshot : \u00abVape Wave\u00bb, \u00abAlphonse Pr\u00e9sident\u00bb\u2026">',
            "https://www.liberation.fr/1",
            "Screenshot : \u00abVape Wave\u00bb, \u00abAlphonse Pr\u00e9sident\u00bb\u2026",
            "og:title",
        ),
    ],
)
def test_title_site_and_section_segments_are_stripped(
    head: str, url: str, expected: str, source: str
) -> None:
    ex = extract_html(page(head), url, today=TODAY)
    assert (ex.title, ex.title_source) == (expected, source)


def test_title_affixes_are_cut_by_the_shared_normaliser() -> None:
    # og:site_name names the site; an agency of config/sources.yaml is chrome too
    head = '<meta property="og:title" content="How to Build a Terrarium | eHow"><meta property="og:site_name" content="eHow">'
    assert extract_html(page(head), today=TODAY).title == "How to Build a Terrarium"
    head = "<title>Rupee falls to record low against the dollar | Reuters</title>"
    assert extract_html(page(head), today=TODAY).title == "Rupee falls to record low against the dollar"


# ---------------------------------------------------------------- <time> and URL dates


def test_time_element_inside_article_beats_chrome_dates() -> None:
    url = "https://www.example.com/news/karachi-port/"
    ex = extract_html(load("time_and_url.html"), url, today=TODAY)
    assert (ex.date, ex.date_source) == (dt.date(2018, 8, 15), "html:time")
    assert ex.published_at == dt.datetime(2018, 8, 15, 10, 0, tzinfo=dt.UTC)
    assert ex.canonical_url == url
    assert ex.domain == "example.com"
    assert ex.language == "ur"
    assert ex.title == "Karachi Port handles record cargo"
    assert "Other story" not in ex.text


def test_url_date_beats_a_later_time_element() -> None:
    # the URL is fixed when the story is first published; measured: right 2:1 when the two disagree
    ex = extract_html(load("time_and_url.html"), "https://www.example.com/2018/08/14/karachi-port/", today=TODAY)
    assert (ex.date, ex.published_at, ex.date_source) == (dt.date(2018, 8, 14), None, "url")


def test_url_date_when_no_time_element() -> None:
    html = load("time_and_url.html").replace(
        '<time datetime="2018-08-15T10:00:00Z">15 August 2018</time>', ""
    )
    ex = extract_html(html, "https://www.example.com/2018/08/14/karachi-port/", today=TODAY)
    assert (ex.date, ex.published_at, ex.date_source) == (dt.date(2018, 8, 14), None, "url")


def test_httrack_save_date_is_not_the_article_date() -> None:
    body = ARTICLE_BODY.replace("<article>", '<article><p class="date">Monday Aug 27, 2018</p>')
    html = (
        "<html>\n<!-- Mirrored from www.example.pk/latest/1 by HTTrack Website Copier/3.x [XR&CO'2014], "
        "Mon, 27 Aug 2018 07:13:35 GMT -->\n<head><title>Budget passed</title></head>"
        f"<body>{body}</body></html>"
    )
    ex = extract_html(html, today=TODAY)
    assert ex.date is None
    assert ex.canonical_url == "http://www.example.pk/latest/1"
    assert ex.domain == "example.pk"


# ---------------------------------------------------------------- labelled / visible date lines

HTTRACK = (
    "<html>\n<!-- Mirrored from www.example.pk/news/1 by HTTrack Website Copier/3.x [XR&CO'2014], "
    "Tue, 28 Aug 2018 14:32:46 GMT -->\n"
)
STORY = "<p>" + " ".join(["The provincial assembly passed the budget after a long debate."] * 6) + "</p>"


def test_tft_issue_line_dates_the_article() -> None:
    # The Friday Times: the whole main column sits in a "sidebar_content" box; the date is an img's tail
    body = (
        '<div class="sidebar_content"><div class="post_wrapper"><h1>1-800 Flowers</h1>'
        '<div class="post_detail2"><strong>Fayes T Kantawala</strong>&nbsp;'
        '<img src="clock.png" class="middle"/>TFT Issue: 23 Jun 2017\n\t</div>'
        f"{STORY}</div></div>"
    )
    ex = extract_html(
        f"{HTTRACK}<head><title>1-800 Flowers</title></head><body>{body}</body></html>", today=TODAY
    )
    assert (ex.date, ex.published_at, ex.date_source) == (dt.date(2017, 6, 23), None, "html:label")


def test_published_line_beats_an_earlier_updated_line() -> None:
    body = (
        '<article><p class="meta">Updated: 6 March 2019</p><p class="meta"><b>Published:</b> '
        f"<span>March 5, 2019 10:30 am PKT</span></p>{STORY}</article>"
    )
    ex = extract_html(page("<title>Budget passed</title>", body), today=TODAY)
    assert (ex.date, ex.date_source) == (dt.date(2019, 3, 5), "html:label")
    assert ex.published_at == dt.datetime(2019, 3, 5, 5, 30, tzinfo=dt.UTC)


def test_published_after_its_own_update_is_not_taken() -> None:
    body = f"<article><p>Published: 9 March 2019 | Updated: 6 March 2019</p>{STORY}</article>"
    ex = extract_html(page("<title>Budget passed</title>", body), today=TODAY)
    assert (ex.date, ex.date_source) == (dt.date(2019, 3, 6), "html:label_updated")  # the last resort


def test_only_an_updated_line_is_the_last_resort() -> None:
    body = f"<article><p>Last updated: 6 March 2019</p>{STORY}</article>"
    ex = extract_html(page("<title>Budget passed</title>", body), today=TODAY)
    assert ex.date == dt.date(2019, 3, 6)
    assert ex.date_source in {"html:label_updated", "html:text"}  # htmldate may read the same line first


def test_post_date_element_counts_even_on_the_save_day() -> None:
    # Geo: <p class="post-date-time"> next to the byline; the article was saved the day it appeared
    body = f'<div class="btSubTitle"><p class="post-date-time"><span><img src="t.svg"></span> Tuesday Aug 28, 2018 </p></div><article>{STORY}</article>'
    ex = extract_html(
        f"{HTTRACK}<head><title>Budget passed</title></head><body>{body}</body></html>", today=TODAY
    )
    assert (ex.date, ex.date_source) == (dt.date(2018, 8, 28), "html:date_element")


def test_bare_date_label_on_the_save_day_is_the_header_today() -> None:
    body = f'<div class="top">Date: 28 Aug 2018</div><article>{STORY}</article>'
    ex = extract_html(
        f"{HTTRACK}<head><title>Budget passed</title></head><body>{body}</body></html>", today=TODAY
    )
    assert ex.date is None


@pytest.mark.parametrize(
    "extra",
    [
        # a sentence of the story that mentions a publication date
        "<p>The audit report, which was published on 5 March 2015 by the auditor general of the province, "
        "found that most of the funds had not been spent at all.</p>",
        # a related-stories box and the comments
        '<div class="related-posts"><p>Published: 1 Jan 2017</p></div>',
        '<div id="comments"><p>Posted on 2 Jan 2017</p></div>',
        "<aside><p>Published: 3 Jan 2017</p></aside>",
        # a date after the page was saved
        "<p>Published: 5 Sep 2018</p>",
    ],
)
def test_date_lines_outside_the_article_or_implausible_are_ignored(extra: str) -> None:
    body = f"<article>{STORY}{extra}</article>"
    ex = extract_html(
        f"{HTTRACK}<head><title>Budget passed</title></head><body>{body}</body></html>", today=TODAY
    )
    assert ex.date_source not in {"html:label", "html:date_element"}


# ---------------------------------------------------------------- pages that hold no article


def test_section_index_is_no_article() -> None:
    assert reason_of(load("section_index.html"), "https://www.example.com/business") == "no_article"


def test_wordpress_archive_and_category_url_are_no_article() -> None:
    archive = f'<html><head><title>May 2014</title></head><body class="archive date paged">{ARTICLE_BODY}</body></html>'
    assert reason_of(archive) == "no_article"
    plain = f"<html><head><title>National</title></head><body>{ARTICLE_BODY}</body></html>"
    assert reason_of(plain, "https://www.example.com/latest/category/national") == "no_article"


def test_js_only_page_is_no_article() -> None:
    assert reason_of(load("js_only.html")) == "no_article"


def test_saved_script_and_stylesheet_are_no_article() -> None:
    assert reason_of("(function(){var a=1;window.x=a;})();\n" * 50) == "no_article"
    assert reason_of("body { margin: 0 }\n.nav { display: none }\n" * 20) == "no_article"


def test_feed_saved_as_html_is_no_article() -> None:
    feed = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>x</title></channel></rss>'
    )
    assert reason_of(feed) == "no_article"


def test_redirect_stub_and_error_page_are_no_article() -> None:
    stub = '<html><head><meta http-equiv="refresh" content="0; url=/news/1"></head><body></body></html>'
    assert reason_of(stub) == "no_article"
    not_found = (
        f"<html><head><title>Page not found - Daily Times</title></head><body>{ARTICLE_BODY}</body></html>"
    )
    assert reason_of(not_found) == "no_article"


@pytest.mark.parametrize(
    "text", ["", "   \n ", "just some plain text without any markup at all", "\x00\x01binary"]
)
def test_not_markup_is_not_html(text: str) -> None:
    assert reason_of(text) == "not_html"


# ---------------------------------------------------------------- boilerplate and safety


def test_comments_and_share_bar_are_not_in_text() -> None:
    ex = extract_html(load("comments_share.html"), today=TODAY)
    assert ex.text == (
        "Vaccination teams reached more than forty remote villages in the upper valleys this week, carrying "
        "vaccines on mules where the roads were washed away by the July floods, health officials said on Friday."
        "\n\nThe district health officer said nearly nine thousand children under five had been vaccinated and "
        "that teams would return next month for the second round of the campaign."
    )


def test_script_in_body_never_reaches_text() -> None:
    ex = extract_html(load("script_in_body.html"), today=TODAY)
    assert "alert" not in ex.text
    assert "<" not in ex.text and "onerror" not in ex.text
    assert ex.text.endswith("asked the bench to suspend the notification until the case is decided.")


def test_entity_expansion_payload_does_not_blow_up() -> None:
    start = time.perf_counter()
    try:
        ex = extract_html(load("billion_laughs.html"), today=TODAY)
    except TerminalError:
        return
    assert time.perf_counter() - start < 5
    assert len(ex.text) < 2000
    assert "lollol" not in ex.text


def test_deeply_nested_markup_is_a_terminal_error_or_a_result() -> None:
    html = "<html><body>" + "<div>" * 5000 + "text " * 100 + "</div>" * 5000 + "</body></html>"
    try:
        ex = extract_html(html, today=TODAY)
    except TerminalError as err:
        assert err.reason in {"no_article", "html_parse_error"}
    else:
        assert isinstance(ex, HtmlExtract)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.text(max_size=300),
        st.lists(
            st.sampled_from(
                [
                    "<html>",
                    "<body>",
                    "<p>",
                    "</p>",
                    "<div>",
                    "</div>",
                    "<a href='x'>",
                    "</a>",
                    "<script>",
                    "</script>",
                    "<title>",
                    "</title>",
                    "<meta property='og:title' content='T'>",
                    "word ",
                    "&amp;",
                    "&#0;",
                    "<!--",
                    "-->",
                    "<![CDATA[",
                    "]]>",
                    "\x00",
                    "<time datetime='9999-99-99'>",
                    "</html>",
                ]
            ),
            max_size=200,
        ).map("".join),
    )
)
def test_any_input_gives_result_or_terminal_error(html: str) -> None:
    try:
        ex = extract_html(html, today=TODAY)
    except TerminalError as err:
        assert err.reason in {"no_article", "not_html", "html_parse_error"}
        if err.reason == "html_parse_error":  # only lxml's own failures (or a too-deep tree), never a bug
            assert isinstance(err.__cause__, (etree.LxmlError, ValueError, RecursionError))
    else:
        assert ex.text.strip()
        assert ex.date is None or ex.date <= TODAY


@pytest.mark.parametrize(
    "target",
    ["newsetl.extract.html.body.main_text", "newsetl.extract.html.metadata.read_meta",
     "newsetl.extract.html.core.page_date", "newsetl.extract.html.core.choose_title"],
)
def test_a_bug_is_not_turned_into_a_quarantine_row(monkeypatch: pytest.MonkeyPatch, target: str) -> None:
    def bug(*args: object, **kwargs: object) -> None:
        raise NameError("name 'undefined_helper' is not defined")

    monkeypatch.setattr(target, bug)
    with pytest.raises(NameError):
        extract_html(load("article_og_jsonld.html"), today=TODAY)


def test_knowledge_file_mistakes_name_the_file_and_key(tmp_path: Path) -> None:
    from newsetl.errors import ConfigError
    from newsetl.extract.html.knowledge import knowledge, load_knowledge

    assert knowledge().min_article_words == 40
    assert "discourse" in knowledge().forum_posts
    bad = tmp_path / "html.yaml"
    bad.write_text("min_article_words: -3\nforum_post: {}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_knowledge(bad)
    assert str(bad) in str(info.value)
    assert "min_article_words" in str(info.value) and "forum_post" in str(info.value)
    bad.write_text("forum_posts: {x: {hints: [a], xpath: '//div[@'}}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"forum_posts\.x\.xpath"):
        load_knowledge(bad)
    bad.write_text("- a list\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="must hold a mapping"):
        load_knowledge(bad)


# ---------------------------------------------------------------- optional corpus check


@pytest.mark.corpus
@pytest.mark.skipif(not (CORPORA / "html-pk-news-sites").is_dir(), reason="shared corpora absent")
def test_pk_news_corpus_never_crashes_and_dates_dawn() -> None:
    root = CORPORA / "html-pk-news-sites"
    outcomes: dict[str, int] = {}
    for path in sorted(root.rglob("*.html"))[::7]:
        html = path.read_bytes().decode("utf-8", "replace")
        try:
            extract_html(html)
            key = "article"
        except TerminalError as err:
            key = err.reason
        outcomes[key] = outcomes.get(key, 0) + 1
    assert outcomes.get("article", 0) > 0
    assert set(outcomes) <= {"article", "no_article", "not_html", "html_parse_error"}
    dawn = root / "Dawn" / "page15-booked-for-sex-abuse-extortion.html"
    ex = extract_html(dawn.read_bytes().decode("utf-8", "replace"))
    assert ex.title == "15 booked for sex abuse, extortion"
    assert ex.domain == "dawn.com"
