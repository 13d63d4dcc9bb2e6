"""Bytes -> text: binary sniffing, bounded decompression and character decoding.

Every function here raises :class:`newsetl.errors.TerminalError` (``reason`` is the quarantine reason)
for input it refuses; :func:`newsetl.ingest.read.read_bytes` turns that into a ``Rejection``.
Only the first few KB are sniffed; the full buffer is touched by C-level calls only (``bytes.find``,
``bytes.decode``, ``zlib``), never by a Python loop over characters.
"""

from __future__ import annotations

import bz2
import codecs
import lzma
import re
import zlib
from collections.abc import Callable
from typing import Any

from newsetl.errors import TerminalError
from newsetl.reasons import Reason

# --------------------------------------------------------------------------------------------------
# binary / compressed content

# (magic prefix, description) of formats that are certainly not text
_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image data"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive (zip, docx, xlsx, epub ...)"),
    (b"PK\x05\x06", "ZIP archive (empty)"),
    (b"PK\x07\x08", "ZIP archive (spanned)"),
    (b"\xff\xd8\xff", "JPEG image data"),
    (b"GIF87a", "GIF image data"),
    (b"GIF89a", "GIF image data"),
    (b"II*\x00", "TIFF image data"),
    (b"MM\x00*", "TIFF image data"),
    (b"\x7fELF", "ELF executable"),
    (b"7z\xbc\xaf\x27\x1c", "7-zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE2 compound document (doc, xls, msg)"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"OggS", "Ogg media"),
    (b"fLaC", "FLAC audio"),
    (b"\x1a\x45\xdf\xa3", "Matroska/WebM video"),
    (b"wOFF", "WOFF font"),
    (b"wOF2", "WOFF2 font"),
    (b"ID3", "MP3 audio (ID3 tag)"),
    (b"\x28\xb5\x2f\xfd", "Zstandard compressed data"),
    (b"\x04\x22\x4d\x18", "LZ4 compressed data"),
    (b"PAR1", "Parquet file"),
    (b"ARROW1", "Arrow IPC file"),
)

_MAGIC_BY_BYTE: dict[bytes, list[tuple[bytes, str]]] = {}
for _magic, _what in _BINARY_MAGIC:
    _MAGIC_BY_BYTE.setdefault(_magic[:1], []).append((_magic, _what))

GZIP_MAGIC = b"\x1f\x8b"
_BZ2_RE = re.compile(rb"BZh[1-9]1AY&SY")
XZ_MAGIC = b"\xfd7zXZ\x00"


def binary_kind(data: bytes) -> str | None:
    """Describe ``data`` when it is a known binary format or holds NUL bytes; None for text.

    Text with a few stray NUL bytes (a UTF-8 file in which one record carries binary garbage) is text:
    the readers of line-oriented formats (JSON Lines, CSV) reject only the lines that hold them, and
    :func:`nul_offset` lets the other readers refuse the whole file as before.
    """
    head = data[:16]
    for magic, what in _MAGIC_BY_BYTE.get(head[:1], ()):
        if head.startswith(magic):
            if magic == b"ID3" and (len(head) < 5 or head[3] not in (2, 3, 4)):
                continue  # text that happens to start with "ID3"
            return f"{what}, not text"
    if head[:4] == b"RIFF" and head[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return f"RIFF {head[8:12].decode('ascii').strip()} media, not text"
    if data[4:8] == b"ftyp":
        return "MP4/QuickTime media, not text"
    nul = data.find(b"\x00")
    if nul >= 0 and not stray_nuls(data):
        return nul_detail(nul)
    return None


def nul_detail(offset: int) -> str:
    return f"NUL byte at offset {offset}, not text"


def _controls(text: str) -> int:
    """C0 control characters other than tab, newline, carriage return and form feed."""
    return len(text) - len(text.translate(_C0_DELETE))


def stray_nuls(data: bytes) -> bool:
    """True when ``data`` is UTF-8 text holding a few NUL bytes (at most 8, or 1 per 100 bytes, and hardly
    any other control character): a record damaged by binary garbage, not a binary file (dense NULs) nor
    UTF-16 text (which, when it decodes as UTF-8 at all, is full of control characters)."""
    nuls = data.count(b"\x00")
    if nuls > max(8, len(data) // 100):
        return False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return _controls(text) <= nuls + len(text) // 1000


def compression_kind(data: bytes) -> str | None:
    """``gzip``, ``bz2`` or ``xz`` when ``data`` starts with that container's magic, else None."""
    if data.startswith(GZIP_MAGIC):
        return "gzip"
    if _BZ2_RE.match(data[:10]):
        return "bz2"
    if data.startswith(XZ_MAGIC):
        return "xz"
    return None


def _decompress_stream(data: bytes, make: Callable[[], Any], cap: int, kind: str, magic: bytes) -> bytes:
    """Stream-decompress ``data`` (possibly several concatenated members), never holding more than
    ``cap + 1`` decompressed bytes; refuse past ``cap``."""
    out: list[bytes] = []
    total = 0
    buf = data
    while buf:
        d = make()
        is_zlib = hasattr(d, "unconsumed_tail")
        chunk = d.decompress(buf, cap - total + 1)
        while True:
            total += len(chunk)
            out.append(chunk)
            if total > cap:
                raise TerminalError(
                    Reason.DECOMPRESSION_LIMIT,
                    f"{kind} data expands past ingest.max_decompressed_bytes={cap} "
                    f"({len(data)} compressed bytes): refused as a possible decompression bomb",
                )
            if d.eof:
                break
            if is_zlib:
                if not d.unconsumed_tail:
                    break
                chunk = d.decompress(d.unconsumed_tail, cap - total + 1)
            else:
                if d.needs_input:
                    break
                chunk = d.decompress(b"", cap - total + 1)
        if not d.eof:
            raise TerminalError(
                Reason.UNDECODABLE, f"{kind} stream is truncated or corrupt after {total} decompressed bytes"
            )
        buf = d.unused_data
        if not buf.startswith(magic):
            break  # padding/garbage after the last member is ignored, like gzip(1)
    return b"".join(out)


def decompress(data: bytes, kind: str, cap: int) -> bytes:
    """Decompress a gzip/bz2/xz buffer with a hard cap on the output size."""
    try:
        if kind == "gzip":
            return _decompress_stream(
                data, lambda: zlib.decompressobj(16 + zlib.MAX_WBITS), cap, kind, GZIP_MAGIC
            )
        if kind == "bz2":
            return _decompress_stream(data, bz2.BZ2Decompressor, cap, kind, b"BZh")
        if kind == "xz":
            return _decompress_stream(data, lzma.LZMADecompressor, cap, kind, XZ_MAGIC)
    except (zlib.error, OSError, EOFError, lzma.LZMAError) as exc:
        raise TerminalError(Reason.UNDECODABLE, f"corrupt {kind} data: {exc}") from exc
    raise TerminalError(Reason.UNSUPPORTED_FORMAT, f"unknown compression {kind!r}")


# --------------------------------------------------------------------------------------------------
# character decoding

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9_.:-]{2,40})["']""")
# WHATWG: these labels mean windows-1252 in practice
_AS_CP1252 = {"latin_1", "ascii", "iso8859_1", "cp1252"}
_UTF8_NAMES = {"utf_8", "utf_8_sig"}
# non-ASCII characters that a cp1252-encoded Western (English/French/German/Spanish ...) text plausibly
# contains; superscripts, currency sign, broken bar etc. hint at another code page.
_WESTERN_CHARS = frozenset(
    "£€¥¢©®™°§¶·•…–—‘’‚“”„«»‹›†‡‰¡¿´¨¸\u00a0\u00ad½¼¾×"
    "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿŒœŠšŽžŸƒ"
)
_WESTERN_CODECS = frozenset({"cp1252", "latin_1", "iso8859_15", "iso8859_1", "mac_roman"})
_ASCII_DELETE = {i: None for i in range(128)}
_C0_DELETE = {i: None for i in range(32) if chr(i) not in "\t\n\r\f"}
_MIXED_HANDLER = "newsetl_utf8_cp1252"


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return exc.object[exc.start : exc.end].decode("cp1252", "replace"), exc.end


codecs.register_error(_MIXED_HANDLER, _cp1252_fallback)


def _codec(name: str) -> str | None:
    try:
        return codecs.lookup(name.decode("ascii") if isinstance(name, bytes) else name).name.replace("-", "_")
    except (LookupError, UnicodeDecodeError):
        return None


def declared_charset(head: bytes) -> str | None:
    """The charset an HTML ``<meta>`` or XML declaration states in ``head`` (a Python codec name)."""
    m = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    return _codec(m.group(1).decode("ascii")) if m else None


def _units(head: bytes, size: int) -> list[int]:
    """NUL bytes at each offset modulo ``size`` of ``head``."""
    return [head[i::size].count(0) for i in range(size)]


def _plausible(head: bytes, enc: str) -> bool:
    """Whether ``head`` decodes as ``enc`` to text: no decoding error (a cut-off last character aside),
    no NUL, at least 95% printable characters or whitespace, and some ASCII space or line break."""
    width = 4 if enc.startswith("utf-32") else 2
    h = head[: len(head) - len(head) % width]
    try:
        text = codecs.getincrementaldecoder(enc)().decode(h)  # final=False: a cut surrogate pair waits
    except UnicodeDecodeError:
        return False
    if not text or "\x00" in text:
        return False
    printable = sum(1 for c in text if c.isprintable() or c in "\t\n\r\f")
    return printable >= 0.95 * len(text) and (" " in text or "\n" in text)


def _utf16_without_bom(head: bytes) -> str | None:
    """Spot BOM-less UTF-16 or UTF-32 text in any script.

    The zero bytes give the width and the byte order (UTF-32: the top byte of every code unit is zero;
    UTF-16 LE: ASCII characters, spaces and line breaks leave a zero at odd offsets, other scripts rarely
    at even ones), then the head must decode to plausible text. UTF-8 text with a few stray NULs is not
    UTF-16 (see :func:`stray_nuls`).
    """
    if len(head) < 8 or b"\x00" not in head or stray_nuls(head[: _utf8_cut(head)]):
        return None
    h4 = head[: len(head) - len(head) % 4]
    z4, quads = _units(h4, 4), len(h4) // 4
    candidates: list[str] = []
    if z4[3] == quads and z4[0] < quads:
        candidates.append("utf-32-le")
    if z4[0] == quads and z4[3] < quads:
        candidates.append("utf-32-be")
    z2 = _units(head[: len(head) - len(head) % 2], 2)
    if z2[1] >= 2 and z2[1] >= 4 * z2[0]:
        candidates.append("utf-16-le")
    if z2[0] >= 2 and z2[0] >= 4 * z2[1]:
        candidates.append("utf-16-be")
    return next((c for c in candidates if _plausible(head, c)), None)


def _utf8_cut(head: bytes) -> int:
    """Length of ``head`` without a UTF-8 sequence cut off at its end."""
    for k in range(1, min(4, len(head)) + 1):
        b = head[-k]
        if b < 0x80:
            return len(head)
        if b >= 0xC0:  # a lead byte: complete only if the sequence fits
            need = 2 if b < 0xE0 else 3 if b < 0xF0 else 4
            return len(head) if k >= need else len(head) - k
    return len(head)


def bom_or_utf16(data: bytes) -> str | None:
    """The encoding a BOM (or a BOM-less UTF-16/UTF-32 byte pattern) announces, else None."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return enc
    return _utf16_without_bom(data[:4096])


def _decode_unicode(data: bytes, enc: str) -> tuple[str, str]:
    try:
        return data.decode(enc), enc
    except UnicodeDecodeError:
        # a damaged UTF-16/32 file: keep what decodes, mark the rest with U+FFFD
        return data.decode(enc, "replace"), enc


def decode(data: bytes) -> tuple[str, str]:
    """Decode ``data`` to ``str``; returns ``(text, encoding used)``.

    Order: BOM (UTF-8/16/32, and BOM-less UTF-16) -> strict UTF-8 (fast path) -> mostly-valid UTF-8 with
    stray cp1252 bytes -> charset declared by HTML/XML -> cp1252 for mostly-ASCII Western text ->
    charset-normalizer -> strict cp1252. Raises ``TerminalError(Reason.UNDECODABLE)`` when nothing fits.
    Line endings are *not* normalised here.
    """
    enc = bom_or_utf16(data)
    if enc is not None:
        return _decode_unicode(data, enc)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Mostly UTF-8 with a few invalid bytes (pasted cp1252 text, or an HTML page whose declared charset
    # is wrong): keep every valid UTF-8 sequence and read only the stray bytes as cp1252.
    lossy = data.decode("utf-8", "replace")
    bad = lossy.count("\ufffd")
    non_ascii = len(lossy) - len(lossy.encode("ascii", "ignore"))
    if non_ascii - bad >= max(bad, 1):
        return data.decode("utf-8", _MIXED_HANDLER), "utf-8+cp1252"
    head = data[:4096]
    declared = declared_charset(head) if b"<" in head else None
    if declared and declared not in _UTF8_NAMES:
        name = "cp1252" if declared in _AS_CP1252 else declared
        try:
            return data.decode(name), name
        except (UnicodeDecodeError, LookupError):
            pass
    try:
        western: str | None = data.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    if western is not None:
        high = western.translate(_ASCII_DELETE)
        if len(high) <= 0.15 * len(western) and set(high) <= _WESTERN_CHARS:
            return western, "cp1252"
    from charset_normalizer import from_bytes

    matches = [m for m in from_bytes(data) if m.encoding]
    if western is not None:
        # cp1252 read this as implausible characters (superscripts, ¤ ...): a Western guess is wrong too
        matches = [m for m in matches if m.encoding not in _WESTERN_CODECS] or matches
    if matches:
        return str(matches[0]), matches[0].encoding
    if western is not None:
        return western, "cp1252"
    raise TerminalError(
        Reason.UNDECODABLE, "bytes are neither UTF-8 nor any encoding charset-normalizer recognises"
    )
