"""Read one source file into ``RawDoc`` records (or ``Rejection`` rows); never raises for bad input.

Formats are detected by content first (the first few KB), with the file extension as a tie-breaker:
``txt``, ``html``, ``json``, ``jsonl``, ``csv`` and ``feed`` (RSS 2.0 / Atom / RDF). gzip, bzip2 and xz
containers are unwrapped whatever the name says, with a cap on the decompressed size.
"""

from __future__ import annotations

import csv
import itertools
import json
import os
import posixpath
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
import xxhash

from newsetl.errors import TerminalError, TransientError
from newsetl.ingest.decode import (
    binary_kind,
    bom_or_utf16,
    compression_kind,
    decode,
    decompress,
    nul_detail,
)
from newsetl.ingest.discover import SourceFile, is_url
from newsetl.ingest.feeds import check_entities, parse_feed
from newsetl.ingest.records import (
    CONTAINER_KEYS,
    TEXT_COLUMNS,
    TYPE_ERROR,
    FieldPlan,
    flatten,
    is_article_like,
    looks_like_html,
    map_record,
    norm_key,
)
from newsetl.model import RawDoc, Rejection, make_article_id
from newsetl.reasons import Reason
from newsetl.settings import IngestConfig, strict_errors

STAGE = "ingest"
SNIFF_CHARS = 4096

# article bodies in CSV cells can exceed the csv module's 128 KiB default field limit
csv.field_size_limit(max(csv.field_size_limit(), 1 << 30))

_COMPRESSED_SUFFIXES = (".gz", ".gzip", ".z", ".bz2", ".xz")
_EXT_FORMAT = {
    ".txt": "txt", ".text": "txt",
    ".html": "html", ".htm": "html", ".xhtml": "html", ".shtml": "html", ".php": "html",
    ".asp": "html", ".aspx": "html", ".jsp": "html",
    ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".jl": "jsonl",
    ".csv": "csv", ".tsv": "tsv", ".tab": "tsv",
    ".xml": "xml", ".rss": "xml", ".atom": "xml", ".rdf": "xml",
}  # fmt: skip

_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.S)
_FIRST_TAG = re.compile(r"<([A-Za-z][\w:.-]*)")
_HTML_MARKER = re.compile(r"<(?:!doctype\s+html|html|head|body|article)[\s>/]", re.I)
_FEED_ROOTS = frozenset({"rss", "feed", "rdf:rdf", "rdf"})
# text that opens a JSON structure: `{"`, `{}`, `[{`, `[[`, `["`, `[]`, `[1`, ...
_JSON_START = re.compile(r'^(?:\{\s*(?:"|\})|\[\s*(?:[\[{"\]\d-]|true|false|null))')
_XML_DECL_ENCODING = re.compile(r"""^(\s*<\?xml[^>]*?encoding\s*=\s*)(["'])[^"']*\2""")
_CSV_DELIMITERS = (",", "\t", ";", "|")
_IDENT = re.compile(r"^[\w .\-/()]{1,60}$")
# a link relative to a page it no longer has (a path, a query or a fragment; "//host/x" is not relative)
_RELATIVE_URL = re.compile(r"^(?:/(?!/)|\.\.?/|[?#])")
# largest integer literal the stdlib parses (sys.get_int_max_str_digits); longer ones stay text
_INT_MAX_DIGITS = 4300


@dataclass(slots=True, frozen=True)
class _File:
    uri: str
    content_hash: str
    size: int
    mtime: float | None
    encoding: str | None = None

    def doc(self, index: int, fmt: str, text: str, fields: dict[str, str] | None = None,
            body_is_html: bool = False) -> RawDoc:  # fmt: skip
        return RawDoc(
            source_uri=self.uri,
            record_index=index,
            format=fmt,
            text=text,
            content_hash=self.content_hash,
            size_bytes=self.size,
            encoding=self.encoding,
            fields=fields or {},
            body_is_html=body_is_html,
            mtime=self.mtime,
        )

    def reject(self, reason: Reason, detail: str, index: int | None = None) -> Rejection:
        aid = make_article_id(self.uri, index) if index is not None else None
        return Rejection(source_uri=self.uri, stage=STAGE, reason=reason, detail=detail, article_id=aid)


Result = tuple[list[RawDoc], list[Rejection]]


# --------------------------------------------------------------------------------------------------
# public API


def read_source(f: SourceFile, cfg: IngestConfig) -> Result:
    """Read one discovered file (local path or fsspec URL) and parse it into records.

    Bad input never raises: it comes back as ``Rejection`` rows (``too_large``, ``unreadable`` ...).
    A remote read that fails for a reason other than a missing/forbidden object raises
    ``TransientError`` so the flow can retry it.
    """
    limit = cfg.max_file_bytes
    if f.size > limit:
        return [], [_File(f.uri, "", f.size, f.mtime).reject(Reason.TOO_LARGE, _too_large(f.size, limit))]
    try:
        if is_url(f.uri):
            import fsspec

            with fsspec.open(f.uri, "rb") as fh:
                size = getattr(fh, "size", None)
                if isinstance(size, int) and size > limit:
                    return [], [_File(f.uri, "", size, f.mtime).reject(Reason.TOO_LARGE, _too_large(size, limit))]
                data = fh.read()
        else:
            with open(f.uri, "rb") as fh:
                # read() sizes its buffer from fstat; read(limit + 1) would allocate `limit` bytes per file
                size = os.fstat(fh.fileno()).st_size
                if size > limit:
                    return [], [_File(f.uri, "", size, f.mtime).reject(Reason.TOO_LARGE, _too_large(size, limit))]
                data = fh.read()
    except FileNotFoundError:
        return [], [_File(f.uri, "", f.size, f.mtime).reject(
            Reason.UNREADABLE, "file vanished since it was listed (FileNotFoundError)")]  # fmt: skip
    except (PermissionError, IsADirectoryError, NotADirectoryError) as exc:
        return [], [_File(f.uri, "", f.size, f.mtime).reject(Reason.UNREADABLE, f"{type(exc).__name__}: {exc}")]
    except OSError as exc:
        if is_url(f.uri):
            raise TransientError(
                f"{f.uri}: read failed ({exc}); retry the run when the store is reachable"
            ) from exc
        return [], [_File(f.uri, "", f.size, f.mtime).reject(Reason.UNREADABLE, f"{type(exc).__name__}: {exc}")]
    return read_bytes(f.uri, data, cfg, mtime=f.mtime)


def read_bytes(uri: str, data: bytes, cfg: IngestConfig, mtime: float | None = None) -> Result:
    """Parse the bytes of one file named ``uri`` into records; the pure core of :func:`read_source`."""
    meta = _File(uri, xxhash.xxh3_128_hexdigest(data), len(data), mtime)
    try:
        return _read(meta, data, cfg)
    except TerminalError as exc:
        return [], [meta.reject(exc.reason, exc.detail)]
    except Exception as exc:  # one file must never abort a run; the test suite re-raises (strict mode)
        if strict_errors():
            raise
        return [], [meta.reject(Reason.INTERNAL_ERROR, f"{_exc_text(exc)} (while reading the file)")]


def _exc_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


def _record_failed(meta: _File, i: int, exc: Exception) -> Rejection:
    """An unexpected exception on one record: its quarantine row (strict mode re-raises instead)."""
    if strict_errors():
        raise exc
    return meta.reject(Reason.INTERNAL_ERROR, f"{_exc_text(exc)} (while reading record {i})", i)


# --------------------------------------------------------------------------------------------------
# bytes -> text -> format


def _too_large(size: int, limit: int) -> str:
    return f"file is {size} bytes, more than ingest.max_file_bytes={limit}"


def _ext_hint(uri: str) -> str | None:
    name = posixpath.basename(uri.split("?", 1)[0]).lower()
    for suffix in _COMPRESSED_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
            break
    return _EXT_FORMAT.get(os.path.splitext(name)[1])


def _read(meta: _File, data: bytes, cfg: IngestConfig) -> Result:
    if not data:
        raise TerminalError(Reason.EMPTY_FILE, "file is empty (0 bytes)")
    if len(data) > cfg.max_file_bytes:
        raise TerminalError(Reason.TOO_LARGE, _too_large(len(data), cfg.max_file_bytes))
    for _ in range(3):  # nested containers (a .tar-less .gz.gz) at most three deep
        kind = compression_kind(data)
        if kind is None:
            break
        data = decompress(data, kind, cfg.max_decompressed_bytes)
        if not data:
            raise TerminalError(Reason.EMPTY_FILE, f"{kind} data decompresses to 0 bytes")
    if bom_or_utf16(data) in (None, "utf-8-sig"):  # UTF-16/32 text legitimately holds NUL bytes
        what = binary_kind(data)
        if what:
            raise TerminalError(Reason.BINARY_CONTENT, what)
    text, encoding = decode(data)
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\r" in text:
            text = text.replace("\r", "\n")
    if text[:1] == "\ufeff":  # a second BOM (or one a codec kept)
        text = text[1:]
    if not text or text.isspace():
        raise TerminalError(Reason.EMPTY_FILE, f"file holds only whitespace ({len(data)} bytes)")
    meta = _File(meta.uri, meta.content_hash, meta.size, meta.mtime, encoding)
    docs, rejects, fmt = _dispatch(meta, text, _ext_hint(meta.uri), cfg)
    if fmt not in ("jsonl", "csv") and "\x00" in text:  # a few stray NULs: only line formats keep the rest
        raise TerminalError(Reason.BINARY_CONTENT, nul_detail(data.find(b"\x00")))
    return docs, rejects


def _markup_kind(head: str) -> tuple[str, str | None]:
    """('feed'|'html'|'xml'|'', root element name) from the first KB of markup-looking text."""
    h = head[:2048]
    if "<!--" in h:
        h = _COMMENT.sub("", h)
    m = _FIRST_TAG.search(h)
    root = m.group(1).lower() if m else None
    if root in _FEED_ROOTS:
        return "feed", root
    if _HTML_MARKER.search(h):
        return "html", root
    if root is not None and h.lstrip().startswith("<?xml"):
        return "xml", root
    return "", root


def _dispatch(meta: _File, text: str, ext: str | None, cfg: IngestConfig) -> tuple[list[RawDoc], list[Rejection], str]:
    """Read ``text`` in the format its content (then its name) says: (records, rejections, format)."""
    head = text[:SNIFF_CHARS].lstrip()
    if head[:1] in ("{", "["):
        got = _read_json_like(meta, text, head, ext, FieldPlan.from_config(cfg))
        if got is not None:
            return got
    elif ext in ("json", "jsonl") and head[:1] != "<":
        try:
            obj = _loads(text)
        except json.JSONDecodeError as exc:
            raise TerminalError(
                Reason.INVALID_JSON, f"file name says {ext} but the content is not JSON: {_json_error(exc, text)}"
            ) from exc
        return (*_read_json(meta, obj, FieldPlan.from_config(cfg)), "json")
    if "<" in head[:2048]:
        kind, root = _markup_kind(head)
        if kind == "feed":
            return (*_read_feed(meta, text), "feed")
        if kind == "html":
            return [meta.doc(0, "html", text, body_is_html=True)], [], "html"
        if kind == "xml" and ext != "html":
            raise TerminalError(
                Reason.UNSUPPORTED_FORMAT, f"XML document with root element <{root}>, not an RSS/Atom/RDF feed"
            )
    if ext in ("csv", "tsv"):
        return (*_read_csv(meta, text, "\t" if ext == "tsv" else None, FieldPlan.from_config(cfg)), "csv")
    if ext in (None, "txt") and _header_delimiter(head) is not None:
        return (*_read_csv(meta, text, None, FieldPlan.from_config(cfg)), "csv")
    if ext == "html":
        return [meta.doc(0, "html", text, body_is_html=True)], [], "html"
    return [meta.doc(0, "txt", text)], [], "txt"


# --------------------------------------------------------------------------------------------------
# JSON / JSONL


def _int_or_digits(digits: str) -> int | str:
    """An integer literal as an int; one too long for ``int()`` (a DoS guard) stays its digits."""
    return int(digits) if len(digits.lstrip("-")) <= _INT_MAX_DIGITS else digits


def _loads(s: str) -> Any:
    """orjson, with the stdlib as a fallback (NaN, huge ints) and for precise error positions.

    Raises ``json.JSONDecodeError`` for malformed JSON and ``TerminalError(Reason.INVALID_JSON)`` for JSON
    nested deeper than the parsers allow (orjson stops at 1024 levels, the stdlib's recursion at ~1000).
    """
    try:
        return orjson.loads(s)
    except orjson.JSONDecodeError:
        try:
            return json.loads(s, parse_int=_int_or_digits)
        except RecursionError:
            raise TerminalError(
                Reason.INVALID_JSON, "JSON nested deeper than the parser allows (RecursionError): flatten the "
                "structure or drop the deep field"
            ) from None


def _json_error(e: json.JSONDecodeError, doc: str, line_offset: int = 0) -> str:
    where = f"line {e.lineno + line_offset} column {e.colno}: {e.msg}"
    if doc[e.pos : e.pos + 1] == "\x00":
        return where + " (a raw NUL byte: binary garbage in the record)"
    if e.pos >= len(doc.rstrip()):
        where += " (the data ends there: truncated JSON?)"
    elif e.msg.startswith("Unterminated string") and '"' not in doc[e.pos + 1 :]:
        where += " (the data ends inside this string: truncated JSON?)"
    else:
        where += f" near {doc[max(0, e.pos - 20) : e.pos + 20]!r}"
    return where


def _read_json_like(meta: _File, text: str, head: str, ext: str | None,
                    plan: FieldPlan) -> tuple[list[RawDoc], list[Rejection], str] | None:
    """Parse JSON or JSONL; None when the text only looks like JSON by accident (then it is prose)."""
    if ext == "jsonl":
        return _read_jsonl(meta, text, plan)
    try:
        obj = _loads(text)
    except json.JSONDecodeError as exc:
        if _looks_like_jsonl(text):
            return _read_jsonl(meta, text, plan)
        if ext == "json" or _JSON_START.match(head):
            raise TerminalError(Reason.INVALID_JSON, _json_error(exc, text)) from exc
        return None
    return (*_read_json(meta, obj, plan), "json")


def _looks_like_jsonl(text: str, probe: int = 5) -> bool:
    """Whether one of the first few lines (each opening an object) is a JSON object by itself."""
    lines = text.lstrip().split("\n", probe)[:probe]
    if not lines[0].startswith("{"):
        return False
    for line in lines:
        if line.startswith("{"):
            try:
                if isinstance(_loads(line), dict):
                    return True
            except (json.JSONDecodeError, TerminalError):
                continue
    return False


def _find_records(obj: Any, plan: FieldPlan) -> tuple[list[Any], str, dict[str, Any]]:
    """(records, where they were found, container-level fields inherited by each record)."""
    if isinstance(obj, list):
        return obj, "JSON array", {}
    if not isinstance(obj, dict):
        raise TerminalError(Reason.NO_RECORDS, f"JSON document is a {type(obj).__name__}, not an object or array")
    for k, v in obj.items():
        nk = norm_key(str(k))
        if nk in CONTAINER_KEYS:
            if isinstance(v, list):
                return v, f"JSON list under {k!r}", _inherited(obj)
            if isinstance(v, dict):
                for k2, v2 in v.items():
                    if norm_key(str(k2)) in CONTAINER_KEYS and isinstance(v2, list):
                        return v2, f"JSON list under {k!r}.{k2!r}", _inherited(obj)
    if is_article_like(flatten(obj), plan):
        return [obj], "JSON object", {}
    keys = ", ".join(list(map(str, obj))[:12])
    raise TerminalError(
        Reason.NO_RECORDS, f"JSON object has no article fields and no list of records (keys: {keys})"
    )


def _inherited(container: Mapping[str, Any]) -> dict[str, Any]:
    """Publisher-level fields of an envelope like ``{"source": "Dawn", "articles": [...]}``."""
    src = {
        norm_key(str(k)): v
        for k, v in container.items()
        if norm_key(str(k)) in ("source", "site", "publisher")
    }
    return src


def _read_json(meta: _File, obj: Any, plan: FieldPlan) -> Result:
    records, where, inherit = _find_records(obj, plan)
    if not records:
        raise TerminalError(Reason.NO_RECORDS, f"{where} is empty")
    docs: list[RawDoc] = []
    rejects: list[Rejection] = []
    any_article = False
    for i, rec in enumerate(records):
        if not isinstance(rec, dict):
            rejects.append(meta.reject(Reason.NO_TEXT, f"record {i} is a {type(rec).__name__}, not an object", i))
            continue
        try:
            flat = flatten(rec)
            for k, v in inherit.items():
                flat.setdefault(k, v)
            any_article = any_article or is_article_like(flat, plan)
            _emit(meta, "json", i, flat, plan, docs, rejects)
        except Exception as exc:
            rejects.append(_record_failed(meta, i, exc))
    if not docs and not any_article:
        raise TerminalError(
            Reason.NO_RECORDS, f"{where} holds {len(records)} item(s) but none is an article record"
        )
    return docs, rejects


def _emit(meta: _File, fmt: str, i: int, flat: Mapping[str, Any], plan: FieldPlan,
          docs: list[RawDoc], rejects: list[Rejection]) -> None:  # fmt: skip
    body, fields = map_record(flat, plan)
    _only_absolute_url(fields)
    if body or TYPE_ERROR in fields:  # a wrong-typed title/body is quarantined by extraction with its reason
        docs.append(meta.doc(i, fmt, body or "", fields, looks_like_html(body or "")))
    else:
        names = ", ".join(list(flat)[:12]) or "none"
        rejects.append(
            meta.reject(Reason.NO_TEXT, f"record {i} has no body text or description (fields: {names})", i)
        )


def _only_absolute_url(fields: dict[str, str]) -> None:
    """A relative ``url`` (``/news/1``, ``../a``, ``?id=3``) cannot be a canonical URL: a record has no
    page to resolve it against, so it is kept only as ``url_unresolved`` (a ledger note)."""
    url = fields.get("url")
    if url is not None and _RELATIVE_URL.match(url):
        fields["url_unresolved"] = fields.pop("url")


def _read_jsonl(meta: _File, text: str, plan: FieldPlan) -> tuple[list[RawDoc], list[Rejection], str]:
    docs: list[RawDoc] = []
    rejects: list[Rejection] = []
    seen = 0
    any_article = False
    for i, line in enumerate(text.split("\n")):
        if not line.strip():
            continue
        seen += 1
        try:
            rec = _loads(line)
        except json.JSONDecodeError as exc:
            rejects.append(meta.reject(Reason.INVALID_JSON, _json_error(exc, line, line_offset=i), i))
            continue
        except TerminalError as exc:
            rejects.append(meta.reject(exc.reason, f"line {i + 1}: {exc.detail}", i))
            continue
        if not isinstance(rec, dict):
            rejects.append(
                meta.reject(Reason.NO_TEXT, f"line {i + 1} holds a {type(rec).__name__}, not an object", i)
            )
            continue
        try:
            flat = flatten(rec)
            any_article = any_article or is_article_like(flat, plan)
            _emit(meta, "jsonl", i, flat, plan, docs, rejects)
        except Exception as exc:
            rejects.append(_record_failed(meta, i, exc))
    if not seen:
        raise TerminalError(Reason.NO_RECORDS, "JSON Lines file has no records")
    if not docs and not any_article and len(rejects) == seen and all(r.reason == Reason.NO_TEXT for r in rejects):
        raise TerminalError(Reason.NO_RECORDS, f"none of the {seen} JSON Lines records is an article record")
    return docs, rejects, "jsonl"


# --------------------------------------------------------------------------------------------------
# CSV / TSV


def _split_header(line: str, delim: str) -> list[str]:
    return next(csv.reader([line], delimiter=delim), [])


def _header_delimiter(head: str) -> str | None:
    """Delimiter of a CSV header that names a text column (prose never passes this)."""
    line = head.split("\n", 1)[0]
    if len(line) > 2000:
        return None
    counts = [(line.count(d), d) for d in _CSV_DELIMITERS]
    n, delim = max(counts)
    if n == 0:
        return None
    cells = [c.strip() for c in _split_header(line, delim)]
    if len(cells) < 2 or not all(_IDENT.match(c) for c in cells):
        return None
    return delim if any(norm_key(c) in TEXT_COLUMNS for c in cells) else None


def _sniff_delimiter(text: str) -> str:
    line = text.split("\n", 1)[0]
    n, delim = max((line.count(d), d) for d in _CSV_DELIMITERS)
    if n:
        return delim
    try:
        return csv.Sniffer().sniff(text[:SNIFF_CHARS], delimiters="".join(_CSV_DELIMITERS)).delimiter
    except csv.Error:
        return ","


def _read_csv(meta: _File, text: str, delim: str | None, plan: FieldPlan) -> Result:
    delim = delim or _sniff_delimiter(text)
    body = text.lstrip("\n")
    first_line = len(text) - len(body) + 1  # 1-based line number of the header in the file
    lines = [line + "\n" for line in body.split("\n")]
    if body.endswith("\n"):
        lines.pop()
    rows = _csv_rows(lines, delim)
    got = next(rows, None)
    if got is None or isinstance(got[1], str):
        why = got[1] if got else "the file is empty"
        raise TerminalError(Reason.NO_RECORDS, f"CSV has no header row ({why})")
    header = got[1]
    keys = [norm_key(h.strip()) for h in header]
    if not TEXT_COLUMNS.intersection(keys) and not set(plan.body_user).intersection(keys):
        shown = ", ".join(h.strip() for h in header[:12])
        raise TerminalError(Reason.NO_RECORDS, f"CSV header has no text column (columns: {shown})")
    docs: list[RawDoc] = []
    rejects: list[Rejection] = []
    i = -1
    for line_no, row in rows:
        if not isinstance(row, str) and not any(c.strip() for c in row):
            continue  # blank line
        i += 1
        where = f"row {i + 1} (line {line_no + first_line})"
        if isinstance(row, str):
            rejects.append(meta.reject(Reason.INVALID_CSV, f"{where}: {row}", i))
            continue
        if any("\x00" in c for c in row):
            rejects.append(meta.reject(Reason.INVALID_CSV, f"{where} holds a raw NUL byte: binary garbage in the row", i))
            continue
        try:
            flat: dict[str, Any] = {}
            for k, v in zip(keys, row, strict=False):
                flat.setdefault(k, v)
            _emit(meta, "csv", i, flat, plan, docs, rejects)
        except Exception as exc:
            rejects.append(_record_failed(meta, i, exc))
    if i < 0:
        raise TerminalError(Reason.NO_RECORDS, "CSV has a header but no rows")
    return docs, rejects


def _csv_rows(lines: list[str], delim: str) -> Iterator[tuple[int, list[str] | str]]:
    """(0-based line of the row's start, its cells or why it is broken) for the CSV ``lines``.

    Parsed strictly, so a quote that opens a field and never closes is seen (a lenient reader silently
    swallows every following line into that field): its row is reported broken and parsing resumes on
    the next line. Other strict errors (a stray quote inside a quoted field) keep the lenient reading of
    the row when it stays on one line, as before.
    """
    pos = 0
    while pos < len(lines):
        reader = csv.reader(itertools.islice(lines, pos, None), delimiter=delim, strict=True)
        done = 0  # lines consumed by complete rows
        try:
            for row in reader:
                yield pos + done, row
                done = reader.line_num
            return
        except csv.Error as exc:
            bad = pos + done
            if "unexpected end of data" in str(exc):
                after = sum(1 for line in itertools.islice(lines, bad + 1, None) if line.strip())
                yield bad, (f"a quote opens a field and never closes (it would swallow the {after} "
                            f"line{'s' if after != 1 else ''} after it); fix the quoting")
            else:
                lenient = csv.reader(itertools.islice(lines, bad, None), delimiter=delim)
                row = next(lenient, [])
                if lenient.line_num <= 1:
                    yield bad, row
                else:
                    yield bad, f"broken quoting ({exc}) merges the lines after it; fix the quoting"
            pos = bad + 1


# --------------------------------------------------------------------------------------------------
# feeds


def _read_feed(meta: _File, text: str) -> Result:
    check_entities(text)
    # hand feedparser our decoding (UTF-8, declaration rewritten) so one charset logic applies everywhere
    xml = _XML_DECL_ENCODING.sub(r"\1\2utf-8\2", text, count=1)
    items, _ = parse_feed(xml.encode("utf-8"))
    docs: list[RawDoc] = []
    rejects: list[Rejection] = []
    for it in items:
        if it.text and it.text.strip():
            docs.append(meta.doc(it.index, "feed", it.text, it.fields, it.body_is_html))
        else:
            title = it.fields.get("title", "")
            rejects.append(
                meta.reject(
                    Reason.NO_TEXT, f"feed item {it.index} has no content or summary (title: {title!r})", it.index
                )
            )
    return docs, rejects
