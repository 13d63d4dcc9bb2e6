"""Date sources of an HTML page, their order, and original-before-updated (newsetl.extract.html.dates)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from newsetl.errors import ConfigError
from newsetl.extract.html import extract_html
from newsetl.extract.html.dates import url_date
from newsetl.extract.html.knowledge import DATE_SOURCES, knowledge, load_knowledge

TODAY = dt.date(2024, 1, 1)
STORY = "<p>" + " ".join(["The provincial assembly passed the budget after a long debate."] * 6) + "</p>"


def page(head: str = "", body: str = "") -> str:
    return f"<html><head><title>Budget passed</title>{head}</head><body><article>{body}{STORY}</article></body></html>"


def jsonld(**fields: str) -> str:
    inner = ", ".join(f'"{k}": "{v}"' for k, v in fields.items())
    return f'<script type="application/ld+json">{{"@context": "https://schema.org", "@type": "NewsArticle", {inner}}}</script>'


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/2018/08/14/karachi-port/", dt.date(2018, 8, 14)),
        ("https://example.com/2018/8/4/karachi-port", dt.date(2018, 8, 4)),
        ("https://example.com/news/2018-08-14-karachi-port.html", dt.date(2018, 8, 14)),
        ("https://example.com/2018/08/14", dt.date(2018, 8, 14)),
        # a version number in a forum slug, a month archive, an impossible day, the future
        ("https://community.example.io/t/2024-4-4-2024-5-0-issue-stuck/724779", None),
        ("https://example.com/2018/08/karachi-port/", None),
        ("https://example.com/2018/02/30/karachi-port/", None),
        ("https://example.com/2031/02/03/karachi-port/", None),
        (None, None),
    ],
)
def test_url_date(url: str | None, expected: dt.date | None) -> None:
    assert url_date(url, TODAY) == expected


def test_url_date_comes_first() -> None:
    head = jsonld(datePublished="2018-08-15T10:00:00Z")
    ex = extract_html(page(head), "https://example.com/2018/08/14/budget/", today=TODAY)
    assert (ex.date, ex.published_at, ex.date_source) == (dt.date(2018, 8, 14), None, "url")


def test_version_number_in_the_url_is_not_a_date() -> None:
    ex = extract_html(page(), "https://community.example.io/t/2023-4-4-upgrade-issue/724779", today=TODAY)
    assert ex.date is None
    assert ex.date_source is None


def test_jsonld_beats_meta_and_meta_beats_time() -> None:
    meta = '<meta property="article:published_time" content="2018-08-16T08:00:00+05:00">'
    time_el = '<time datetime="2018-08-17">17 Aug</time>'
    ex = extract_html(page(jsonld(datePublished="2018-08-15") + meta, time_el), today=TODAY)
    assert (ex.date, ex.date_source) == (dt.date(2018, 8, 15), "html:jsonld")
    ex = extract_html(page(meta, time_el), today=TODAY)
    assert (ex.date, ex.date_source) == (dt.date(2018, 8, 16), "html:meta")
    assert ex.published_at == dt.datetime(2018, 8, 16, 3, 0, tzinfo=dt.UTC)
    ex = extract_html(page("", time_el), today=TODAY)
    assert (ex.date, ex.date_source) == (dt.date(2018, 8, 17), "html:time")


def test_published_equal_to_modified_gives_way_to_an_earlier_stated_date() -> None:
    # a CMS that rewrites datePublished on every edit: the first stated publication is the original
    head = jsonld(datePublished="2019-06-24T09:00:00Z", dateModified="2019-06-24T09:00:00Z") + (
        '<meta property="article:published_time" content="2018-08-25T10:00:00Z">'
    )
    ex = extract_html(page(head), today=dt.date(2020, 1, 1))
    assert (ex.date, ex.date_source) == (dt.date(2018, 8, 25), "html:meta")


def test_same_day_edit_keeps_the_published_date() -> None:
    # published 13:11, modified 14:34 the same day: not a copied date; an earlier <time> is not taken
    head = (
        '<meta property="article:published_time" content="2015-12-22T13:11:46Z">'
        '<meta property="article:modified_time" content="2015-12-22T14:34:41Z">'
    )
    ex = extract_html(page(head, '<time datetime="2015-12-15T07:12:43Z">Dec 15</time>'), today=TODAY)
    assert (ex.date, ex.date_source) == (dt.date(2015, 12, 22), "html:meta")


def test_a_date_in_the_story_does_not_replace_a_copied_published_date() -> None:
    head = jsonld(datePublished="2015-01-01 00:00:00", dateModified="2015-01-01 00:00:00")
    body = "<p>Letter No. 5(1)/NHA/2005/1032,<br>dated 18th March, 2005 conveyed the approval.</p>"
    ex = extract_html(page(head, body), today=TODAY)
    assert (ex.date, ex.date_source) == (dt.date(2015, 1, 1), "html:jsonld")


def test_embedded_post_time_is_not_the_article_date() -> None:
    embed = (
        '<blockquote class="instagram-media"><p>A photo posted by Example on '
        '<time datetime="2015-12-14T07:12:43+00:00">Dec 14, 2015</time></p></blockquote>'
    )
    ex = extract_html(page("", embed), today=TODAY)
    assert (ex.date, ex.date_source) == (None, None)  # the post's time is its own, not the article's


def test_a_quoted_post_time_does_not_hide_the_article_date() -> None:
    embed = ('<blockquote class="twitter-tweet"><p>Talks resume.</p>'
             '<time datetime="2015-12-14T07:12:43+00:00">Dec 14, 2015</time></blockquote>')
    ex = extract_html(page('<meta property="article:published_time" content="2019-03-05T10:00:00+05:00">', embed),
                      today=TODAY)
    assert (ex.date, ex.date_source) == (dt.date(2019, 3, 5), "html:meta")


EXTENSIVE = knowledge().model_copy(update={"htmldate_extensive": True})


def test_htmldate_extensive_search_dates_a_page_without_metadata() -> None:
    body = "<p>The finance committee met on 12 March 2019 to review the provincial budget in detail.</p>"
    ex = extract_html(page("", body), today=dt.date(2020, 1, 1), kn=EXTENSIVE)
    assert (ex.date, ex.date_source) == (dt.date(2019, 3, 12), "html:text")
    ex = extract_html(page("", body), today=dt.date(2020, 1, 1))  # off by default (its CPU cost)
    assert (ex.date, ex.date_source) == (None, None)


def test_copyright_year_is_not_a_publication_day() -> None:
    html = page().replace("</body>", "<footer>© 2019 Example Media. All rights reserved.</footer></body>")
    ex = extract_html(html, today=dt.date(2020, 1, 1), kn=EXTENSIVE)
    assert ex.date is None  # htmldate's extensive search reads the year as 2019-01-01


def test_date_source_order_is_configurable() -> None:
    head = jsonld(datePublished="2018-08-15")
    url = "https://example.com/2018/08/14/budget/"
    kn = knowledge().model_copy(update={"date_source_order": ["html:jsonld", "url"]})
    ex = extract_html(page(head), url, today=TODAY, kn=kn)
    assert (ex.date, ex.date_source) == (dt.date(2018, 8, 15), "html:jsonld")
    kn = knowledge().model_copy(update={"date_source_order": ["html:meta"]})
    ex = extract_html(page(head), url, today=TODAY, kn=kn)
    assert ex.date is None


def test_default_order_lists_every_source_once() -> None:
    assert sorted(knowledge().date_source_order) == sorted(DATE_SOURCES)
    assert knowledge().date_source_order[0] == "url"


@pytest.mark.parametrize(
    ("order", "message"),
    [("[url, html:everything]", "unknown date sources"), ("[url, url]", "listed twice")],
)
def test_bad_date_source_order_is_a_config_error(tmp_path: Path, order: str, message: str) -> None:
    path = tmp_path / "html.yaml"
    path.write_text(f"date_source_order: {order}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_knowledge(path)


def _webpage_jsonld(published: str, kind: str = "WebPage") -> str:
    return (f'<script type="application/ld+json">{{"@context": "https://schema.org", "@graph": [{{"@type": '
            f'"{kind}", "name": "Budget passed", "datePublished": "{published}", '
            f'"dateModified": "2023-05-02T16:51:07+00:00"}}]}}</script>')  # fmt: skip


MODIFIED_META = '<meta property="article:modified_time" content="2023-05-02T16:51:07+00:00">'


def test_a_static_pages_cms_dates_are_no_publication_date() -> None:
    # a bare WebPage states datePublished, the meta tags only a modification time: a CMS page, undated
    ex = extract_html(page(_webpage_jsonld("2019-07-16T18:54:48+00:00") + MODIFIED_META), today=TODAY)
    assert (ex.date, ex.date_source) == (None, None)


@pytest.mark.parametrize(
    "head",
    [
        # a post: the meta tags state its publication time
        _webpage_jsonld("2019-07-16T18:54:48+00:00") + MODIFIED_META
        + '<meta property="article:published_time" content="2019-07-16T18:54:48+00:00">',
        # the JSON-LD declares an article
        _webpage_jsonld("2019-07-16T18:54:48+00:00", "BlogPosting") + MODIFIED_META,
        # no modification time beside it
        _webpage_jsonld("2019-07-16T18:54:48+00:00"),
    ],
)  # fmt: skip
def test_a_webpage_date_with_other_signs_of_a_post_is_kept(head: str) -> None:
    ex = extract_html(page(head), today=TODAY)
    assert ex.date == dt.date(2019, 7, 16)


def test_related_stories_itemprop_dates_are_not_the_articles() -> None:
    teaser = ('<section class="articles articles-recent"><article class="teaser">'
              '<meta itemprop="datePublished" content="2023-03-07T04:00:31-05:00"><a href="/x">Other story</a>'
              '</article></section>')  # fmt: skip
    html = page(body='<time datetime="2023-03-18T09:00:00+00:00">18 March 2023</time>').replace(
        "</article></body>", f"</article>{teaser}</body>"
    )
    ex = extract_html(html, today=TODAY)
    assert (ex.date, ex.date_source) == (dt.date(2023, 3, 18), "html:time")


def test_a_with_sidebar_layout_class_is_no_sidebar() -> None:
    html = page(body='<meta itemprop="datePublished" content="2023-03-18T09:00:00+00:00">').replace(
        "<article>", '<article class="full-width-template-with-sidebar">'
    )
    ex = extract_html(html, today=TODAY)
    assert (ex.date, ex.date_source) == (dt.date(2023, 3, 18), "html:time")


def test_local_day_of_one_instant() -> None:
    from newsetl.extract.html.dates import local_day

    when = dt.datetime(2024, 4, 17, 21, 13, 4, tzinfo=dt.UTC)
    utc_post = (dt.date(2024, 4, 17), when, "html:post")
    site_local = (dt.date(2024, 4, 18), when, "html:jsonld")  # "2024-04-18T00:13:04+03:00"
    assert local_day(utc_post, [utc_post, site_local]) == (dt.date(2024, 4, 18), when, "html:post")
    # another instant, or no time stated: the chosen day stays
    other = (dt.date(2024, 4, 18), when + dt.timedelta(hours=5), "html:jsonld")
    assert local_day(utc_post, [other]) == utc_post
    assert local_day((dt.date(2024, 4, 17), None, "url"), [site_local]) == (dt.date(2024, 4, 17), None, "url")


def test_meta_published_names_the_publication_date() -> None:
    ex = extract_html(page('<meta name="published" content="July 17, 2025">'), today=dt.date(2026, 1, 1))
    assert (ex.date, ex.date_source) == (dt.date(2025, 7, 17), "html:meta")


def test_a_label_and_its_date_in_sibling_blocks() -> None:
    # "<div>Published</div><div>October 14, 2025</div>": the two texts are not glued into one word
    line = ('<div class="category-header"><div>Published</div><div>October 14, 2023</div><div> in </div>'
            '<a href="/c/training">Corporate training</a></div>')  # fmt: skip
    ex = extract_html(page(body=line), today=TODAY)
    assert (ex.date, ex.date_source) == (dt.date(2023, 10, 14), "html:label")
