"""``newsetl explain --article ID``: one article in full, from its raw file to its tags.

The warehouse keeps where each record came from (``raw_documents``: file, record, format, hash) and what
cleaning removed (``cleaning_ledger``: rule, hits, characters and the ``[start, end)`` spans in the text
the cleaner was given). The raw file is read again through the same ingest readers (local or s3), its
hash compared with the loaded one, and each edit is shown in its raw context: the text before, what was
removed, the text after. Removing every span from the raw text rebuilds the body (up to whitespace)
when the edits are removals; when character-level rules (entities, mojibake, NFC) also replaced
characters, the rebuilt text is normalised the same way before it is compared.
"""

from __future__ import annotations

from typing import Any

import duckdb

from newsetl.clean import normalize_text
from newsetl.clean.spans import remove_spans, squeeze
from newsetl.clean_extract import cleaner_input
from newsetl.errors import NewsetlError
from newsetl.model import RawDoc
from newsetl.settings import IngestConfig

CONTEXT = 60  # characters of raw text shown on each side of an edit
MAX_SHOWN = 400  # a longer removed piece is shown as its start ... end
#: Ledger rules that replace characters in place (not removals): the rebuilt body differs by them.
REPLACING_RULES = frozenset({"html_entities", "mojibake", "unicode_nfc"})
#: Character-level rules: they change characters or layout where they stand and record no spans.
CHARACTER_RULES = REPLACING_RULES | {"whitespace", "nbsp", "line_breaks", "zero_width", "control_chars"}


def _one(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> dict[str, Any] | None:
    rel = con.execute(sql, params)
    cols = [d[0] for d in rel.description]
    rows = rel.fetchall()
    return dict(zip(cols, rows[0], strict=True)) if rows else None


def _all(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    rel = con.execute(sql, params)
    cols = [d[0] for d in rel.description]
    return [dict(zip(cols, r, strict=True)) for r in rel.fetchall()]


def read_record(uri: str, record_index: int, cfg: IngestConfig) -> tuple[RawDoc | None, str]:
    """The record as ingest reads it today, and a note when it cannot be read."""
    import fsspec

    from newsetl.ingest import SourceFile, read_source
    from newsetl.ingest.discover import is_url

    try:
        if is_url(uri):
            fs, path = fsspec.core.url_to_fs(uri)
            size = int(fs.size(path))
        else:
            import os

            size = os.stat(uri).st_size
    except (OSError, ValueError) as exc:
        return None, f"raw file not readable now ({type(exc).__name__}: {exc})"
    docs, rejections = read_source(SourceFile(uri, size, None, uri), cfg)
    for d in docs:
        if d.record_index == record_index:
            return d, ""
    why = "; ".join(f"{r.reason}: {r.detail}" for r in rejections) or "record not found in the file"
    return None, f"raw file read, but record {record_index} is not in it now ({why})"


def _clip(s: str) -> str:
    return s if len(s) <= MAX_SHOWN else s[: MAX_SHOWN // 2] + f" [... {len(s) - MAX_SHOWN} more ...] " + s[-MAX_SHOWN // 2:]


def _edits(ledger: list[dict[str, Any]], raw: str | None) -> list[dict[str, Any]]:
    out = []
    for row in ledger:
        spans = row.get("spans")
        places = []
        if spans is not None and raw is not None:
            for s, e in spans:
                places.append({"start": s, "end": e, "before": raw[max(0, s - CONTEXT):s],
                               "removed": _clip(raw[s:e]), "after": raw[e:e + CONTEXT]})
        out.append({"rule": row["rule"], "hits": row["hits"], "chars_removed": row["chars_removed"],
                    "positions": "unknown" if spans is None else "known", "places": places})
    return out


def _tags(tags: list[dict[str, Any]], title: str | None, body: str) -> list[dict[str, Any]]:
    for t in tags:
        for m in t["matches"] or []:
            text = (title or "") if m["part"] == "title" else body
            s, e = m["start"], m["end"]
            m["context"] = (text[max(0, s - 40):s] + "[" + text[s:e] + "]" + text[e:e + 40]).replace("\n", " ")
    return tags


def resolve_article_id(con: duckdb.DuckDBPyConnection, given: str) -> tuple[str, str]:
    """(article_id, pub_month) of the article ``given`` names: itself, or the one id ending with ``/<given>``
    (a path relative to any folder). The partition lets the other queries read one month's files."""
    hit = _one(con, "select article_id, pub_month from articles where article_id = ?", [given])
    if hit:
        return given, str(hit["pub_month"])
    tail = _all(con, "select article_id, pub_month from articles where ends_with(article_id, ?) order by 1 limit 6",
                ["/" + given.lstrip("./")])
    if len(tail) == 1:
        return str(tail[0]["article_id"]), str(tail[0]["pub_month"])
    quarantined = _all(con, "select stage, reason, detail from quarantine where article_id = ? "
                            "or ends_with(article_id, ?) limit 1", [given, "/" + given.lstrip("./")])
    if quarantined:
        q = quarantined[0]
        raise NewsetlError(f"article {given} was not loaded: quarantined at {q['stage']} ({q['reason']}: "
                           f"{q['detail']}); see `newsetl quarantine explain`")
    near = tail or _all(con, "select article_id from articles where contains(article_id, ?) order by 1 limit 5",
                        [given.rsplit("/", 1)[-1].split("#")[0]])
    hint = f"; did you mean {', '.join(r['article_id'] for r in near)}?" if near else ""
    raise NewsetlError(f"no article {given!r} in the warehouse{hint} "
                       f"(ids: `newsetl sql \"select article_id from articles\"`)")


def explain_article(con: duckdb.DuckDBPyConnection, article_id: str, cfg: IngestConfig) -> dict[str, Any]:
    """Everything the warehouse knows about one article, with its edits placed in the raw text."""
    article_id, month = resolve_article_id(con, article_id)
    art = _one(con, "select a.*, b.body from article_lineage as a inner join articles as b using (article_id) "
                    "where a.article_id = ? and a.pub_month = ? and b.pub_month = ?", [article_id, month, month])
    if art is None:  # gone between the two queries (a commit): say so rather than fail obscurely
        raise NewsetlError(f"article {article_id} is no longer in the live snapshot; run the command again")
    ledger_cols = {r[0] for r in con.sql("describe cleaning_ledger").fetchall()}
    spans = "spans" if "spans" in ledger_cols else "null::integer[][] as spans"
    ledger = _all(con, f"select rule, hits, chars_removed, {spans} from cleaning_ledger where article_id = ? "
                       "order by rule", [article_id])
    raw_text: str | None = None
    status = "not read"
    if art["record_index"] is not None:
        doc, note = read_record(art["source_uri"], int(art["record_index"]), cfg)
        if doc is None:
            status = note
        elif doc.content_hash != art["raw_content_hash"]:
            status = "raw file changed since it was loaded (hash differs): edits are not placed in it"
        else:
            try:
                raw_text = cleaner_input(doc)
                status = "unchanged since it was loaded"
            except NewsetlError as exc:
                status = f"raw file unchanged, but its text cannot be extracted again ({exc})"
    edits = _edits(ledger, raw_text)
    rebuilt = _rebuilt(raw_text, edits, art["body"])
    tags = _tags(_all(con, "select sector, score, rank, is_primary, mentions, evidence, matches from sector_evidence "
                           "where article_id = ? and pub_month = ? order by score desc, sector", [article_id, month]),
                 art["title"], art["body"])
    entities = _all(con, "select entity_type, entity_id, name, mentions from article_entities where article_id = ? "
                         "and pub_month = ? order by entity_type, mentions desc, entity_id", [article_id, month])
    story = _one(con, "select articles, copies from story_copies where story_id = ?", [art["story_id"]])
    cleaner_text = ("the text extracted from the page" if art["format"] == "html" else "the record's text")
    return {
        "article_id": art["article_id"], "title": art["title"], "published_date": art["published_date"],
        "date_source": art["date_source"], "source_name": art["source_name"], "source": art["source"],
        "source_uri": art["source_uri"], "record_index": art["record_index"], "format": art["format"],
        "raw_encoding": art["raw_encoding"], "raw_size_bytes": art["raw_size_bytes"], "raw_status": status,
        "edits_are_in": cleaner_text, "story_id": art["story_id"], "copy_method": art["copy_method"],
        "story_articles": story["articles"] if story else 1,
        "copies": [c for c in (story["copies"] if story else []) if c["article_id"] != article_id],
        "chars_removed": art["chars_removed"], "edits": edits, "body_rebuilt": rebuilt,
        "comments": art["comments"], "embedded_posts": art["embedded_posts"],
        "sectors": tags, "entities": entities, "body": art["body"], "raw_text": raw_text,
    }


def _rebuilt(raw: str | None, edits: list[dict[str, Any]], body: str) -> str:
    """Whether removing every edit's spans from the raw text gives the body (whitespace aside)."""
    if raw is None:
        return "unknown: the raw text could not be read again"
    if any(e["positions"] == "unknown" and e["rule"] not in CHARACTER_RULES for e in edits):
        return "unknown: the positions of some edits were not traced"
    spans = [(p["start"], p["end"]) for e in edits for p in e["places"]]
    if squeeze(remove_spans(raw, spans)) == squeeze(body):
        return "yes: the raw text minus the edits is the body (whitespace aside)"
    replacing = sorted(REPLACING_RULES & {e["rule"] for e in edits})
    if replacing and squeeze(normalize_text(remove_spans(raw, spans))[0]) == squeeze(body):
        return (f"yes: the raw text minus the edits, with its characters normalised ({', '.join(replacing)}), "
                "is the body (whitespace aside)")
    return "no: the body differs from the raw text minus the edits"
