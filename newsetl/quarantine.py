"""List, explain and retry quarantined records."""

from __future__ import annotations

from typing import Any

from newsetl.store import Warehouse

# what each reason means and how to fix it (reasons not listed fall back to their detail text)
EXPLANATIONS: dict[str, str] = {
    "empty_file": "the file has no bytes; re-export it from its source",
    "binary_content": "the file is not text (an image, PDF or archive); remove it from the source folder",
    "too_large": "the file exceeds ingest.max_file_bytes; split it or raise the limit in the config",
    "decompression_limit": "the gzip file expands beyond ingest.max_decompressed_bytes (possible gzip bomb)",
    "invalid_json": "the JSON is malformed or truncated; fix the file and run `newsetl quarantine retry`",
    "no_records": "the file parsed but holds no article-like records; map its fields with ingest.field_map",
    "no_text": "the record has no body text field; map it with ingest.field_map",
    "no_article": "the HTML page holds no article (an index, a redirect or script); nothing to load",
    "empty_body": "nothing was left after removing boilerplate",
    "symlink_outside_root": "a symlink points outside the source folder; set ingest.follow_symlinks_outside_root",
    "unreadable": "the file could not be read (it vanished or permissions); retry when it is back",
    "internal_error": "newsetl failed on this record: please report it with the detail",
    "unsupported_format": "a format newsetl does not read (e.g. a sitemap); remove it or convert it",
    "xml_entities": "the XML declares entities (entity-expansion attack guard); remove the DOCTYPE if trusted",
    "invalid_csv": "the CSV cannot be parsed past the given line; fix quoting or the delimiter",
    "not_html": "the .html file holds no markup; check what was saved",
    "html_parse_error": "the HTML could not be parsed; re-save the page",
    "undecodable": "no text encoding fits the bytes; re-export the file as UTF-8",
    "bad_file_name": "the file name is not valid UTF-8, so it cannot name an article; rename the file",
}


# reasons that record a policy decision about the source's location, not a defect of its content: retrying
# the file by name would bypass the policy (a SOURCE named explicitly is read wherever its link points)
POLICY_REASONS = frozenset({"symlink_outside_root"})


def reasons_by_source(wh: Warehouse) -> dict[str, set[str]]:
    """Source URI -> the quarantine reasons recorded for it."""
    t = wh.read("quarantine", ["source_uri", "reason"])
    if t is None:
        return {}
    d = t.to_pydict()
    out: dict[str, set[str]] = {}
    for u, r in zip(d["source_uri"], d["reason"], strict=True):
        out.setdefault(u, set()).add(r)
    return out


def quarantined_sources(wh: Warehouse, reason: str | None = None) -> set[str]:
    return {u for u, rs in reasons_by_source(wh).items() if reason is None or reason in rs}


def listing(con: Any, *, explain: bool, reason: str | None, limit: int) -> tuple[list[str], list[tuple[Any, ...]]]:
    where = "where reason = $reason" if reason else ""
    params = {"reason": reason} if reason else {}
    if explain:
        rel = con.execute(
            f"select reason, stage, count(*) as rows, any_value(detail) as example "
            f"from quarantine {where} group by reason, stage order by rows desc limit {int(limit)}",
            params,
        )
        cols = [c[0] for c in rel.description]
        rows = [(*r, EXPLANATIONS.get(r[0], "see the detail")) for r in rel.fetchall()]
        return [*cols, "fix"], rows
    rel = con.execute(
        f"select source_uri, article_id, stage, reason, detail, run_id from quarantine {where} "
        f"order by quarantined_at desc, source_uri limit {int(limit)}",
        params,
    )
    return [c[0] for c in rel.description], rel.fetchall()


def retry(warehouse: str, config: str | None, reason: str | None = None) -> str:
    """Run the pipeline again on the quarantined sources that still exist (after a fix)."""
    import fsspec

    from newsetl.pipeline import run_pipeline
    from newsetl.settings import load_settings

    wh = Warehouse(warehouse)
    settings = load_settings(config, warehouse=warehouse)
    by_source = {u: rs for u, rs in reasons_by_source(wh).items() if reason is None or reason in rs}
    policy = set() if settings.ingest.follow_symlinks_outside_root else POLICY_REASONS
    sources = sorted(u for u, rs in by_source.items() if not rs & policy)
    held = len(by_source) - len(sources)
    note = (f"; {held} source(s) quarantined as symlink_outside_root not retried (set "
            f"ingest.follow_symlinks_outside_root: true in the config to read them)") if held else ""
    present = [s for s in sources if fsspec.core.url_to_fs(s)[0].exists(s)]
    if not present:
        return f"nothing to retry ({len(sources)} quarantined sources, none present{note})"
    res = run_pipeline(present, settings, retry_quarantined=True)
    return res.summary() + (f"\n  note: {note[2:]}" if note else "")
