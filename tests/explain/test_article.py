"""``explain --article``: the raw file read again, each edit placed in its raw text, the body rebuilt."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from newsetl import sql as wsql
from newsetl.clean import normalize_text
from newsetl.clean.spans import remove_spans, squeeze
from newsetl.errors import NewsetlError
from newsetl.explain import explain_article
from newsetl.explain.article import CHARACTER_RULES, REPLACING_RULES
from newsetl.run import run_pipeline
from newsetl.settings import IngestConfig, load_settings
from newsetl.store import Warehouse

CFG = IngestConfig()


def test_every_article_is_rebuilt_from_its_raw_text(con: duckdb.DuckDBPyConnection) -> None:
    """Where the edits are removals, removing their spans from the raw text gives the stored body."""
    formats, structural = set(), 0
    for (aid,) in con.sql("select article_id from articles order by article_id").fetchall():
        d = explain_article(con, aid, CFG)
        assert d["raw_status"] == "unchanged since it was loaded", aid
        rules = {e["rule"] for e in d["edits"]}
        spans = [(p["start"], p["end"]) for e in d["edits"] for p in e["places"]]
        if rules & REPLACING_RULES:
            assert d["body_rebuilt"].startswith("yes: the raw text minus the edits, with its characters "
                                                "normalised (html_entities, mojibake"), aid
            assert squeeze(normalize_text(remove_spans(d["raw_text"], spans))[0]) == squeeze(d["body"])
            continue
        assert d["body_rebuilt"] == "yes: the raw text minus the edits is the body (whitespace aside)", aid
        assert squeeze(remove_spans(d["raw_text"], spans)) == squeeze(d["body"])
        for e in d["edits"]:
            assert (e["positions"] == "unknown") == (e["rule"] in CHARACTER_RULES), e
            assert len(e["places"]) == (0 if e["rule"] in CHARACTER_RULES else e["hits"]), e
        formats.add(d["format"])
        structural += len(rules - CHARACTER_RULES - {"metadata_lines"})
    assert structural >= 3  # not only title lines: embeds, forum panels, repeats, chrome ...
    assert formats <= {"txt", "html", "json", "jsonl", "csv", "feed"}


def test_all_formats_of_the_duplicates_corpus(dup_wh: Path) -> None:
    con = wsql.open_warehouse(Warehouse(dup_wh))
    got = {r[0] for r in con.sql("select distinct format from articles").fetchall()}
    assert got == {"txt", "html", "json", "jsonl", "csv", "feed"}


def _dup_article(dup_wh: Path, rel: str) -> tuple[duckdb.DuckDBPyConnection, str]:
    return wsql.open_warehouse(Warehouse(dup_wh)), f"{dup_wh.parent / 'src'}/{rel}"


def test_chrome_edits_sit_where_the_ledger_says(dup_wh: Path) -> None:
    con, aid = _dup_article(dup_wh, "chrome.txt#0")
    d = explain_article(con, aid, CFG)
    removed = {e["rule"]: [p["removed"] for p in e["places"]] for e in d["edits"] if e["places"]}
    assert removed == {
        "metadata_lines": ["Trade corridor talks resume in Islamabad"],
        "share_bar": ["Share this: Facebook Twitter WhatsApp"],
        "page_chrome": ["Advertisement"],
        "url_only": ["https://example.com/trade-corridor-talks"],
        "hashtag_only": ["#Pakistan #Russia #Trade"],
        "lost_chars": ["????"],
    }
    ad = next(e for e in d["edits"] if e["rule"] == "page_chrome")["places"][0]
    assert ad["before"].endswith("banking channels on the agenda.\n\n") and ad["after"].startswith("\n\nThe commerce")
    assert d["title"] == "Trade corridor talks resume in Islamabad"
    assert d["raw_text"][ad["start"]:ad["end"]] == "Advertisement"


def test_edits_around_replaced_characters(dup_wh: Path) -> None:
    """Entities and mojibake are decoded in place (no positions); the removed lines are still found."""
    con, aid = _dup_article(dup_wh, "messy.txt#0")
    d = explain_article(con, aid, CFG)
    removed = {e["rule"]: [p["removed"] for p in e["places"]] for e in d["edits"]}
    assert removed == {"html_entities": [], "metadata_lines": ["Pakistanâ€™s rice exporters eye Russian market"],
                       "mojibake": [], "page_chrome": ["Advertisement", "Read more: Wheat prices fall for a third week"],
                       "unicode_nfc": [], "whitespace": []}
    assert d["title"] == "Pakistan’s rice exporters eye Russian market"
    assert "Pakistan’s rice exporters & millers" in d["body"] and "café owners" in d["body"]


def test_html_edits_are_in_the_extracted_text(dup_wh: Path) -> None:
    con, aid = _dup_article(dup_wh, "page.html#0")
    d = explain_article(con, aid, CFG)
    assert d["format"] == "html" and d["edits_are_in"] == "the text extracted from the page"
    assert "<p>" not in d["raw_text"] and "Home World Sport" not in d["raw_text"]
    # the page carries 003's text: the same three tweet lines are cut from it as from the original
    orig = explain_article(con, f"{dup_wh.parent / 'src'}/003_3fd9148a9f9c31ee.txt#0", CFG)

    def embeds(x: dict[str, object]) -> list[str]:
        return [p["removed"] for e in x["edits"] if e["rule"] == "tweet_embed" for p in e["places"]]  # type: ignore[attr-defined,index]

    assert len(embeds(d)) == 3 and embeds(d) == embeds(orig)
    assert embeds(d)[1] == "pic.twitter.com/6sAazwuRIJ— Shah Mahmood Qureshi (@SMQureshiPTI) April 6, 2021"
    assert d["body_rebuilt"].startswith("yes")
    assert d["copy_method"] == "near" and d["story_articles"] == 5


def test_tags_show_each_match_in_context(sample_wh: Path) -> None:
    con = wsql.open_warehouse(Warehouse(sample_wh))
    ((aid,),) = con.sql("select article_id from articles where source_uri like '%/003_%'").fetchall()
    d = explain_article(con, aid, CFG)
    defence = next(t for t in d["sectors"] if t["sector"] == "defence_military")
    assert defence["evidence"] == "defence x1"
    (m,) = defence["matches"]
    assert m["part"] == "body" and d["body"][m["start"]:m["end"]] == "defence"
    assert m["context"] == " common interest including security and [defence], counter-terrorism and the Afghan peace"
    assert [e["name"] for e in d["entities"] if e["entity_type"] == "person"] == [
        "Sergey Lavrov", "Shah Mahmood Qureshi", "Imran Khan"]
    assert d["embedded_posts"] == 2


def test_changed_and_missing_raw_files_are_said(tmp_path: Path, sample_dir: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for p in sorted(sample_dir.glob("00[34]_*.txt")):
        shutil.copy(p, src / p.name)
    run_pipeline([str(src)], load_settings(None, warehouse=str(tmp_path / "wh")))
    con = wsql.open_warehouse(Warehouse(tmp_path / "wh"))
    changed, gone = sorted(src.iterdir())
    changed.write_text(changed.read_text(encoding="utf-8") + "\nAn added line.\n", encoding="utf-8")
    gone.unlink()
    d = explain_article(con, f"{changed}#0", CFG)
    assert d["raw_status"] == "raw file changed since it was loaded (hash differs): edits are not placed in it"
    assert d["raw_text"] is None and all(e["places"] == [] for e in d["edits"])
    assert d["body_rebuilt"] == "unknown: the raw text could not be read again"
    d = explain_article(con, f"{gone}#0", CFG)
    assert d["raw_status"].startswith("raw file not readable now (FileNotFoundError")
    assert d["edits"] and d["body"]  # what the warehouse knows is still shown


def test_unknown_article_is_a_clear_error(sample_wh: Path) -> None:
    con = wsql.open_warehouse(Warehouse(sample_wh))
    ((aid,),) = con.sql("select min(article_id) from articles").fetchall()
    with pytest.raises(NewsetlError, match=r"no article 'nope' in the warehouse \(ids: `newsetl sql"):
        explain_article(con, "nope", CFG)
    name = aid.rsplit("/", 1)[-1]
    with pytest.raises(NewsetlError, match="did you mean " + aid.replace(".", r"\.")):
        explain_article(con, name.replace("#0", "#1"), CFG)
