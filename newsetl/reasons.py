"""Quarantine reasons: one enum that every raiser uses, with what each means and how to fix it.

A reason is the machine-readable ``quarantine.reason`` value. ``Reason`` members are ``str``, so
``TerminalError(Reason.INVALID_JSON, ...)`` and a stored ``"invalid_json"`` compare equal. Validation
reasons are Great Expectations expectation types (``expect_...``) and are not listed here.
"""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    EMPTY_FILE = "empty_file"
    BINARY_CONTENT = "binary_content"
    TOO_LARGE = "too_large"
    DECOMPRESSION_LIMIT = "decompression_limit"
    INVALID_JSON = "invalid_json"
    NO_RECORDS = "no_records"
    NO_TEXT = "no_text"
    NO_ARTICLE = "no_article"
    EMPTY_BODY = "empty_body"
    TOO_SHORT = "too_short"
    WRONG_FIELD_TYPE = "wrong_field_type"
    SYMLINK_OUTSIDE_ROOT = "symlink_outside_root"
    UNREADABLE = "unreadable"
    INTERNAL_ERROR = "internal_error"
    UNSUPPORTED_FORMAT = "unsupported_format"
    XML_ENTITIES = "xml_entities"
    INVALID_CSV = "invalid_csv"
    NOT_HTML = "not_html"
    HTML_PARSE_ERROR = "html_parse_error"
    UNDECODABLE = "undecodable"
    BAD_FILE_NAME = "bad_file_name"
    SUPERSEDING_VERSION_UNREADABLE = "superseding_version_unreadable"
    MART_CHECK_FAILED = "mart_check_failed"


# what each reason means and how to fix it (reasons not listed fall back to their detail text)
EXPLANATIONS: dict[str, str] = {
    Reason.EMPTY_FILE: "the file has no bytes; re-export it from its source",
    Reason.BINARY_CONTENT: "the file is not text (an image, PDF or archive); remove it from the source folder",
    Reason.TOO_LARGE: "the file exceeds ingest.max_file_bytes; split it or raise the limit in the config",
    Reason.DECOMPRESSION_LIMIT: "the gzip file expands beyond ingest.max_decompressed_bytes (possible gzip bomb)",
    Reason.INVALID_JSON: "the JSON is malformed or truncated; fix the file and run `newsetl quarantine retry`",
    Reason.NO_RECORDS: "the file parsed but holds no article-like records; map its fields with ingest.field_map",
    Reason.NO_TEXT: "the record has no body text field; map it with ingest.field_map",
    Reason.NO_ARTICLE: "the HTML page holds no article (an index, a redirect or script); nothing to load",
    Reason.EMPTY_BODY: "nothing was left after removing boilerplate",
    Reason.TOO_SHORT: "fewer words than extract.min_body_words were left after cleaning (a stub, caption or "
                      "placeholder, not an article); lower extract.min_body_words in the config to load such records",
    Reason.WRONG_FIELD_TYPE: "a title or body field holds a number, an object or a list of non-strings; fix the "
                             "export or map the right fields with ingest.field_map, then `newsetl quarantine retry`",
    Reason.SYMLINK_OUTSIDE_ROOT: "a symlink points outside the source folder; set ingest.follow_symlinks_outside_root",
    Reason.UNREADABLE: "the file could not be read (it vanished or permissions); retry when it is back",
    Reason.INTERNAL_ERROR: "newsetl failed on this record: please report it with the detail",
    Reason.UNSUPPORTED_FORMAT: "a format newsetl does not read (e.g. a sitemap); remove it or convert it",
    Reason.XML_ENTITIES: "the XML declares entities (entity-expansion attack guard); remove the DOCTYPE if trusted",
    Reason.INVALID_CSV: "the CSV cannot be parsed past the given line; fix quoting or the delimiter",
    Reason.NOT_HTML: "the .html file holds no markup; check what was saved",
    Reason.HTML_PARSE_ERROR: "the HTML could not be parsed; re-save the page",
    Reason.UNDECODABLE: "no text encoding fits the bytes; re-export the file as UTF-8",
    Reason.BAD_FILE_NAME: "the file name is not valid UTF-8, so it cannot name an article; rename the file",
    Reason.SUPERSEDING_VERSION_UNREADABLE: "a loaded file was rewritten and its new version gives no record (the "
                                           "detail says why); the rows of its last readable version are kept until "
                                           "a readable version arrives: fix or re-export the file",
    Reason.MART_CHECK_FAILED: "a data test or mart check (named in the detail) failed on the rows of this article; "
                              "the article was held back so the rest of the run could load: check the article "
                              "with `newsetl explain --article`, or the test in warehouse/sql/tests",
}

# reasons that record a policy decision about the source's location, not a defect of its content: retrying
# the file by name would bypass the policy (a SOURCE named explicitly is read wherever its link points)
POLICY_REASONS = frozenset({Reason.SYMLINK_OUTSIDE_ROOT})
