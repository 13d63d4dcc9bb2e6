"""read_bytes / read_source over committed fixtures: exact records, fields and rejection reasons."""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import tracemalloc

import pytest
import xxhash

from newsetl.ingest import SourceFile, read_bytes, read_source
from newsetl.settings import IngestConfig

from ._helpers import FIXTURES, only_doc, only_rejection, read_fixture

CFG = IngestConfig()


def uri(name: str) -> str:
    return (FIXTURES / name).resolve().as_posix()


# ------------------------------------------------------------------------------------------------
# plain text and encodings


def test_utf8_bom_is_stripped_and_crlf_normalised() -> None:
    d = only_doc("utf8_bom.txt")
    assert (d.format, d.encoding, d.record_index) == ("txt", "utf-8-sig", 0)
    assert d.text == "Café owners protest\nKarachi: prices rose 5%.\n"
    assert d.fields == {} and d.body_is_html is False


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("utf16le_bom.txt", "Pakistan’s budget\nThe deficit fell to 6.8% of GDP.\n"),
        ("utf16be_bom.txt", "Rupee steadies\nTrading was calm.\n"),
    ],
)
def test_utf16_with_bom(name: str, text: str) -> None:
    d = only_doc(name)
    assert (d.format, d.encoding, d.text) == ("txt", "utf-16", text)


def test_utf16_without_bom_is_not_binary() -> None:
    data = "Headline\nBody text here.\n".encode("utf-16-le")
    docs, rejects = read_bytes("mem.txt", data, CFG)
    assert rejects == []
    assert (docs[0].text, docs[0].encoding) == ("Headline\nBody text here.\n", "utf-16-le")


def test_cp1252_pound_and_curly_quotes_and_cr_line_ends() -> None:
    d = only_doc("cp1252_pounds.txt")
    assert d.encoding == "cp1252"
    assert d.text == "Chelsea pay £15.8m for “Mutu”\n\nIt’s a club record – says the board.\n"


def test_single_a3_byte_in_ascii_text_is_a_pound_sign() -> None:
    data = b"Mutu, a \xa315.8m signing from Parma, was sacked. " * 3
    docs, _ = read_bytes("x.txt", data, CFG)
    assert docs[0].encoding == "cp1252"
    assert "a £15.8m signing" in docs[0].text and "\ufffd" not in docs[0].text


def test_mostly_utf8_with_a_stray_cp1252_byte_keeps_both() -> None:
    data = "Karachi’s café — ".encode() + "£5 deal".encode("cp1252")
    docs, _ = read_bytes("x.txt", data, CFG)
    assert (docs[0].text, docs[0].encoding) == ("Karachi’s café — £5 deal", "utf-8+cp1252")


def test_file_name_with_spaces_and_non_ascii() -> None:
    name = "Karachi news – café report.txt"
    d = only_doc(name)
    assert d.source_uri == uri(name)
    assert d.article_id == f"{uri(name)}#0"
    assert d.text == "Café report\n\nKarachi’s cafés reopened.\n"


def test_prose_starting_with_a_brace_stays_text() -> None:
    d = only_doc("prose_brace.txt")
    assert d.format == "txt"
    assert d.text.startswith("{Update} Minister resigns")


def test_content_hash_and_size_are_of_the_raw_file_bytes() -> None:
    raw = (FIXTURES / "article.txt.gz").read_bytes()
    d = only_doc("article.txt.gz")
    assert d.content_hash == xxhash.xxh3_128_hexdigest(raw)
    assert d.size_bytes == len(raw)


def test_mtime_is_passed_through() -> None:
    docs, _ = read_bytes("a.txt", b"Hello world", CFG, mtime=12.5)
    assert docs[0].mtime == 12.5


# ------------------------------------------------------------------------------------------------
# HTML


def test_html_declaring_latin1_but_valid_utf8_is_read_as_utf8() -> None:
    d = only_doc("wrong_charset.html")
    assert (d.format, d.encoding, d.body_is_html) == ("html", "utf-8", True)
    assert "Karachi’s café" in d.text and "£5 — a bargain" in d.text


def test_html_declared_windows_1252_is_honoured() -> None:
    d = only_doc("cp1252_declared.html")
    assert (d.format, d.encoding) == ("html", "cp1252")
    assert "Prices in £ and “quotes”." in d.text


def test_html_is_kept_as_markup() -> None:
    d = only_doc("plain.html")
    raw = (FIXTURES / "plain.html").read_text(encoding="utf-8")
    assert (d.format, d.body_is_html, d.text) == ("html", True, raw)


def test_html_by_content_whatever_the_extension() -> None:
    docs, _ = read_bytes("page.txt", b"<!DOCTYPE html><html><body><p>x</p></body></html>", CFG)
    assert docs[0].format == "html"


def test_declared_charset_of_a_legacy_html_page() -> None:
    page = '<html><head><meta charset="windows-1251"></head><body><p>Москва сегодня</p></body></html>'
    docs, _ = read_bytes("ru.html", page.encode("cp1251"), CFG)
    assert docs[0].encoding == "cp1251"
    assert "Москва сегодня" in docs[0].text


# ------------------------------------------------------------------------------------------------
# refused files


def test_empty_file() -> None:
    r = only_rejection("empty.txt")
    assert (r.reason, r.detail, r.source_uri, r.article_id) == (
        "empty_file",
        "file is empty (0 bytes)",
        uri("empty.txt"),
        None,
    )


def test_whitespace_only_file_is_empty() -> None:
    r = only_rejection("whitespace.html")
    assert (r.reason, r.detail) == ("empty_file", "file holds only whitespace (8 bytes)")


def test_png_renamed_txt() -> None:
    r = only_rejection("image.txt")
    assert (r.reason, r.detail) == ("binary_content", "PNG image data, not text")


def test_pdf_renamed_txt() -> None:
    r = only_rejection("report.pdf.txt")
    assert (r.reason, r.detail) == ("binary_content", "PDF document, not text")


@pytest.mark.parametrize(
    ("data", "detail"),
    [
        (b"PK\x03\x04\x14\x00\x00\x00", "ZIP archive (zip, docx, xlsx, epub ...), not text"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG image data, not text"),
        (b"Some text\x00\x00 then zeros", "NUL byte at offset 9, not text"),
    ],
)
def test_other_binary_content(data: bytes, detail: str) -> None:
    docs, rejects = read_bytes("x.txt", data, CFG)
    assert docs == [] and [(r.reason, r.detail) for r in rejects] == [("binary_content", detail)]


def test_too_large() -> None:
    small = IngestConfig(max_file_bytes=10)
    docs, rejects = read_bytes("big.txt", b"x" * 11, small)
    assert docs == []
    assert [(r.reason, r.detail) for r in rejects] == [
        ("too_large", "file is 11 bytes, more than ingest.max_file_bytes=10")
    ]


def test_undecodable_garbage_is_rejected_or_decoded_never_raised() -> None:
    docs, rejects = read_bytes("x.txt", bytes(range(1, 256)) * 4, CFG)
    assert len(docs) + len(rejects) == 1


# ------------------------------------------------------------------------------------------------
# compression


def test_txt_gz() -> None:
    d = only_doc("article.txt.gz")
    assert (d.format, d.encoding) == ("txt", "utf-8")
    assert d.text == "Gas pipeline deal signed\n\nIslamabad: the deal was signed.\n"


def test_gzip_detected_by_magic_whatever_the_name() -> None:
    data = gzip.compress(b'{"title": "T", "content": "Body"}')
    docs, _ = read_bytes("s3://bucket/key-without-extension", data, CFG)
    assert (docs[0].format, docs[0].text, docs[0].fields) == ("json", "Body", {"title": "T"})


def test_html_gz_and_bz2_and_xz() -> None:
    page = b"<html><body><p>Hi</p></body></html>"
    for name, data in (
        ("a.html.gz", gzip.compress(page)),
        ("a.html.bz2", bz2.compress(page)),
        ("a.html.xz", lzma.compress(page)),
    ):
        docs, rejects = read_bytes(name, data, CFG)
        assert rejects == [] and docs[0].format == "html" and docs[0].text == page.decode(), name


def test_multi_member_and_nested_gzip() -> None:
    two = gzip.compress(b"part one, ") + gzip.compress(b"part two")
    assert read_bytes("a.txt.gz", two, CFG)[0][0].text == "part one, part two"
    nested = gzip.compress(gzip.compress(b"inner text"))
    assert read_bytes("a.gz.gz", nested, CFG)[0][0].text == "inner text"


def test_gzip_bomb_is_refused_with_bounded_memory() -> None:
    bomb = gzip.compress(b"\x00" * 50_000_000, compresslevel=9)
    assert len(bomb) < 100_000
    cfg = IngestConfig(max_decompressed_bytes=1_000_000)
    tracemalloc.start()
    try:
        docs, rejects = read_bytes("bomb.txt.gz", bomb, cfg)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert docs == []
    assert [r.reason for r in rejects] == ["decompression_limit"]
    assert "max_decompressed_bytes=1000000" in rejects[0].detail
    assert peak < 8_000_000  # never inflated past the cap


def test_truncated_gzip_is_undecodable() -> None:
    data = gzip.compress(b"some article text " * 100)[:-30]
    docs, rejects = read_bytes("a.txt.gz", data, CFG)
    assert docs == [] and rejects[0].reason == "undecodable"
    assert "truncated or corrupt" in rejects[0].detail


def test_gzip_of_nothing_is_empty() -> None:
    _, rejects = read_bytes("a.html.z", gzip.compress(b""), CFG)
    assert [(r.reason, r.detail) for r in rejects] == [("empty_file", "gzip data decompresses to 0 bytes")]


# ------------------------------------------------------------------------------------------------
# JSON / JSONL


def test_truncated_json() -> None:
    r = only_rejection("truncated.json")
    assert r.reason == "invalid_json"
    assert r.detail.startswith("line 1 column 42: Unterminated string starting at")
    assert "truncated JSON?" in r.detail


def test_truncated_json_at_a_structural_point() -> None:
    docs, rejects = read_bytes("a.json", b'[{"title": "A", "content": "B"},\n {"title": ', CFG)
    assert docs == []
    assert rejects[0].reason == "invalid_json"
    assert rejects[0].detail.startswith("line 2 column 12: Expecting value")
    assert rejects[0].detail.endswith("(the data ends there: truncated JSON?)")


def test_jsonl_with_one_invalid_line_and_one_record_without_text() -> None:
    docs, rejects = read_fixture("bad_line.jsonl")
    assert [d.record_index for d in docs] == [0, 1, 3, 4, 5, 7]
    assert {d.format for d in docs} == {"jsonl"}
    assert [d.text for d in docs] == [f"Body of story {i}." for i in range(1, 7)]
    assert docs[0].fields == {"title": "Story 1", "date": "2021-04-01"}
    assert [(r.reason, r.article_id) for r in rejects] == [
        ("no_text", f"{uri('bad_line.jsonl')}#2"),
        ("invalid_json", f"{uri('bad_line.jsonl')}#6"),
    ]
    assert rejects[1].detail.startswith("line 7 column 29: Unterminated string")


def test_json_array_field_mapping() -> None:
    docs, rejects = read_fixture("array.json")
    assert rejects == []
    assert [d.record_index for d in docs] == [0, 1, 2]
    a, b, c = docs
    assert a.format == "json" and a.body_is_html is True
    assert a.text == "<p>Exports of wheat rose 12%.</p><p>Officials said more is coming.</p>"
    assert a.fields == {
        "title": "Wheat exports rise",
        "date": "2021-04-07T10:00:00+05:00",
        "source": "Dawn",
        "author": "A. Khan, B. Ali",
        "language": "en",
    }
    # no body: the description becomes the body; an epoch is kept as its string
    assert (b.text, b.body_is_html) == ("Only a description was scraped.", False)
    assert b.fields == {
        "title": "Summary only",
        "date": "1617782400",
        "url": "https://example.com/summary-only",
        "description": "Only a description was scraped.",
    }
    assert c.text == "The long body text." and c.fields["description"] == "Short."


def test_json_envelope_with_articles_list() -> None:
    docs, rejects = read_fixture("envelope.json")
    assert len(docs) == 1
    assert docs[0].text == "NEPRA approved an increase in power tariffs on Monday, officials said."
    assert docs[0].fields == {
        "title": "Power tariffs raised",
        "date": "2018-08-27T04:11:40Z",
        "url": "https://geo.tv/1",
        "source": "Geo News",
        "author": "Staff Reporter",
        "description": "NEPRA approved an increase.",
    }
    assert [(r.reason, r.article_id) for r in rejects] == [("no_text", f"{uri('envelope.json')}#1")]


def test_json_record_nested_one_level() -> None:
    d = only_doc("nested.json")
    assert (d.format, d.record_index, d.text) == ("json", 0, "Body inside an article object.")
    assert d.fields == {"title": "Nested record", "source": "The News", "language": "en"}


def test_json_without_articles() -> None:
    r = only_rejection("status.json")
    assert r.reason == "no_records"
    assert r.detail == "JSON object has no article fields and no list of records (keys: status, count, next)"


@pytest.mark.parametrize(
    ("payload", "detail"),
    [
        (b"[]", "JSON array is empty"),
        (b'{"items": []}', "JSON list under 'items' is empty"),
        (b"[1, 2, 3]", "JSON array holds 3 item(s) but none is an article record"),
        (b'"just a string"', "JSON document is a str, not an object or array"),
    ],
)
def test_json_no_records(payload: bytes, detail: str) -> None:
    docs, rejects = read_bytes("a.json", payload, CFG)
    assert docs == [] and [(r.reason, r.detail) for r in rejects] == [("no_records", detail)]


def test_json_container_keys_and_content_longest_wins() -> None:
    recs = [{"Headline": "H", "text": "short", "content": "the longer content", "body": "mid body"}]
    for key in ("articles", "items", "data", "results", "posts"):
        docs, _ = read_bytes("a.json", json.dumps({key: recs}).encode(), CFG)
        assert (docs[0].text, docs[0].fields) == ("the longer content", {"title": "H"}), key


def test_json_field_name_variants() -> None:
    rec = {
        "name": "Title via name",
        "full_text": "Body via full_text",
        "pubDate": "Mon, 27 Aug 2018 04:11:40 GMT",
        "permalink": "https://x/p",
        "site_name": "Dawn",
        "byline": "By Reporter",
        "lang": "ur",
        "excerpt": "Excerpt text",
    }
    docs, _ = read_bytes("a.json", json.dumps(rec).encode(), CFG)
    assert docs[0].fields == {
        "title": "Title via name",
        "date": "Mon, 27 Aug 2018 04:11:40 GMT",
        "url": "https://x/p",
        "source": "Dawn",
        "author": "By Reporter",
        "language": "ur",
        "description": "Excerpt text",
    }
    assert docs[0].text == "Body via full_text"


def test_field_map_overrides_and_extends() -> None:
    cfg = IngestConfig(field_map={"title": ["kop"], "body": ["story_html"], "date": ["when"]})
    rec = {
        "kop": "Override title",
        "title": "Default title",
        "story_html": "<p>Story</p>",
        "content": "a much longer default content",
        "when": "2020-02-02",
    }
    docs, _ = read_bytes("a.json", json.dumps(rec).encode(), cfg)
    assert docs[0].fields == {"title": "Override title", "date": "2020-02-02"}
    assert (docs[0].text, docs[0].body_is_html) == ("<p>Story</p>", True)


def test_jsonl_detected_by_content() -> None:
    data = b'{"title": "a", "text": "one"}\n{"title": "b", "text": "two"}\n'
    docs, rejects = read_bytes("feed.txt", data, CFG)
    assert rejects == [] and [(d.format, d.text) for d in docs] == [("jsonl", "one"), ("jsonl", "two")]


def test_body_with_crlf_is_normalised() -> None:
    docs, _ = read_bytes("a.json", json.dumps({"text": "a\r\nb\rc"}).encode(), CFG)
    assert docs[0].text == "a\nb\nc"


# ------------------------------------------------------------------------------------------------
# CSV / TSV


def test_csv_headline_text_date() -> None:
    docs, rejects = read_fixture("articles.csv")
    assert [(d.record_index, d.format) for d in docs] == [(0, "csv"), (2, "csv")]
    assert docs[0].text == "Estimates were cut.\nSecond paragraph."
    assert docs[0].fields == {"title": "Cotton crop, revised", "date": "2020-01-05", "source": "Dawn"}
    assert (docs[1].text, docs[1].body_is_html) == ("<div><p>Markup body</p></div>", True)
    assert [(r.reason, r.article_id) for r in rejects] == [("no_text", f"{uri('articles.csv')}#1")]


def test_tsv() -> None:
    d = only_doc("articles.tsv")
    assert (d.format, d.text, d.fields) == (
        "csv",
        "Tab body text",
        {"title": "Tab title", "date": "2019-12-31"},
    )


def test_csv_without_text_column() -> None:
    r = only_rejection("no_text_column.csv")
    assert (r.reason, r.detail) == ("no_records", "CSV header has no text column (columns: id, price, qty)")


def test_csv_detected_by_content_with_semicolons() -> None:
    data = b"title;content;date\nA;Body A;2020-01-01\nB;Body B;2020-01-02\n"
    docs, _ = read_bytes("export", data, CFG)
    assert [(d.format, d.record_index, d.text) for d in docs] == [("csv", 0, "Body A"), ("csv", 1, "Body B")]


def test_prose_with_commas_is_not_csv() -> None:
    data = b"Mutu, the striker, was sacked, officials said\n\nMore text, more commas.\n"
    docs, _ = read_bytes("a.txt", data, CFG)
    assert docs[0].format == "txt"


# ------------------------------------------------------------------------------------------------
# feeds


RSS_ITEM0 = {
    "title": "TLP sit-in ends",
    "date": "2018-08-27T04:11:40+05:00",
    "url": "https://dailytimes.com.pk/289065/tlp-sit-in/",
    "source": "Daily Times",
    "author": "Staff Report",
    "language": "en-US",
    "description": "Protesters dispersed.",
}


@pytest.mark.parametrize("name", ["rss2.xml", "feed_saved_as.html"])
def test_rss2(name: str) -> None:
    docs, rejects = read_fixture(name)
    assert [(d.record_index, d.format) for d in docs] == [(0, "feed"), (1, "feed")]
    assert docs[0].fields == RSS_ITEM0
    assert docs[0].text == "<p>Protesters dispersed after talks.</p><p>Roads reopened.</p>"
    assert docs[0].body_is_html is True
    assert (docs[1].text, docs[1].body_is_html) == ("Just a plain summary.", False)
    assert docs[1].fields["date"] == "2018-08-28T10:00:00+00:00"
    assert [(r.reason, r.article_id) for r in rejects] == [("no_text", f"{uri(name)}#2")]


def test_atom() -> None:
    docs, rejects = read_fixture("atom.xml")
    assert rejects == []
    assert [(d.text, d.body_is_html) for d in docs] == [
        ("<p>First entry body.</p>", True),
        ("Second entry summary.", False),
    ]
    assert docs[0].fields == {
        "title": "Atom entry one",
        "date": "2021-03-01T12:00:00+05:00",
        "url": "https://example.org/a1",
        "source": "Example Atom",
        "author": "Jane Doe",
    }
    assert docs[1].fields["date"] == "2021-03-02T08:30:00Z"


def test_rdf_feed() -> None:
    rdf = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
 <channel rdf:about="https://x/"><title>RDF site</title><link>https://x/</link><description>d</description></channel>
 <item rdf:about="https://x/1"><title>RDF item</title><link>https://x/1</link><description>RDF body.</description></item>
</rdf:RDF>"""
    docs, rejects = read_bytes("index.rdf", rdf, CFG)
    assert rejects == []
    assert [(d.format, d.text, d.fields["title"], d.fields["source"]) for d in docs] == [
        ("feed", "RDF body.", "RDF item", "RDF site")
    ]


def test_feed_in_latin1_declared_encoding() -> None:
    rss = '<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><title>T</title><item><title>£</title><description>Costs £5</description></item></channel></rss>'
    docs, _ = read_bytes("a.xml", rss.encode("latin-1"), CFG)
    assert (docs[0].text, docs[0].fields["title"]) == ("Costs £5", "£")


def test_billion_laughs_refused() -> None:
    r = only_rejection("billion_laughs.xml")
    assert r.reason == "xml_entities"


def test_feed_without_items() -> None:
    r = only_rejection("empty_feed.xml")
    assert (r.reason, r.detail) == ("no_records", "feed has no items")


def test_xml_that_is_not_a_feed() -> None:
    r = only_rejection("sitemap.xml")
    assert (r.reason, r.detail) == (
        "unsupported_format",
        "XML document with root element <urlset>, not an RSS/Atom/RDF feed",
    )


# ------------------------------------------------------------------------------------------------
# read_source


def test_read_source_local(tmp_path) -> None:
    p = tmp_path / "a b.txt"
    p.write_bytes(b"Title\n\nBody\n")
    f = SourceFile(p.as_posix(), 12, 1.0, tmp_path.as_posix())
    docs, rejects = read_source(f, CFG)
    assert rejects == [] and (docs[0].source_uri, docs[0].text, docs[0].mtime) == (
        p.as_posix(),
        "Title\n\nBody\n",
        1.0,
    )


def test_read_source_vanished_file(tmp_path) -> None:
    f = SourceFile((tmp_path / "gone.txt").as_posix(), 10, None, tmp_path.as_posix())
    docs, rejects = read_source(f, CFG)
    assert docs == []
    assert [(r.reason, r.detail) for r in rejects] == [
        ("unreadable", "file vanished since it was listed (FileNotFoundError)")
    ]


def test_read_source_too_large_is_not_read(tmp_path) -> None:
    f = SourceFile((tmp_path / "never-opened.txt").as_posix(), 11, None, tmp_path.as_posix())
    _, rejects = read_source(f, IngestConfig(max_file_bytes=10))
    assert [r.reason for r in rejects] == ["too_large"]


def test_read_source_grown_since_listing(tmp_path) -> None:
    p = tmp_path / "grew.txt"
    p.write_bytes(b"x" * 50)
    docs, rejects = read_source(
        SourceFile(p.as_posix(), 5, None, tmp_path.as_posix()), IngestConfig(max_file_bytes=10)
    )
    assert docs == [] and [r.reason for r in rejects] == ["too_large"]


def test_read_source_directory_is_unreadable(tmp_path) -> None:
    docs, rejects = read_source(SourceFile(tmp_path.as_posix(), 0, None, tmp_path.as_posix()), CFG)
    assert docs == [] and [r.reason for r in rejects] == ["unreadable"]


def test_read_source_fsspec_memory() -> None:
    import fsspec

    fs = fsspec.filesystem("memory")
    fs.pipe("/ingest-test/read/a.json", b'{"title": "M", "text": "From memory"}')
    try:
        f = SourceFile("memory:///ingest-test/read/a.json", 37, None, "memory:///ingest-test/read")
        docs, rejects = read_source(f, CFG)
        assert rejects == []
        assert (docs[0].article_id, docs[0].text) == ("memory:///ingest-test/read/a.json#0", "From memory")
        gone = SourceFile("memory:///ingest-test/read/missing.txt", 1, None, "memory:///ingest-test/read")
        assert [r.reason for r in read_source(gone, CFG)[1]] == ["unreadable"]
    finally:
        fs.rm("/ingest-test", recursive=True)
