"""List the files of the SOURCE arguments: local folders/files/globs and fsspec URLs.

Output is sorted by URI and deduplicated (a file reached through two sources is listed once, under
the first). Local files are reported as absolute POSIX paths (``os.path.abspath``, symlinks not
resolved), because that string becomes part of every ``article_id``; a name that is not valid UTF-8
cannot be one, so such a file is rejected (``bad_file_name``) under its name with the bytes escaped.
Folders passed as ``exclude`` (the warehouse) are never listed, whatever symlinks lead there.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from newsetl.errors import ConfigError, TransientError
from newsetl.model import Rejection
from newsetl.reasons import Reason
from newsetl.settings import IngestConfig

STAGE = "ingest"
_GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True)
class SourceFile:
    """One file to read."""

    uri: str  # absolute local path (str) or fsspec URL ("s3://bucket/key", "memory:///...")
    size: int
    mtime: float | None
    root: str  # the SOURCE argument it was found under


def is_url(s: str) -> bool:
    """True for ``scheme://...`` (fsspec) addresses, False for local paths."""
    i = s.find("://")
    return i > 1 and s[:i].replace("+", "").replace("-", "").replace(".", "").isalnum()


def _has_glob(s: str) -> bool:
    return not _GLOB_CHARS.isdisjoint(s)


def printable_name(uri: str) -> str:
    """``uri`` as valid UTF-8: bytes of a non-UTF-8 file name (surrogate escapes) shown as ``\\xNN``."""
    try:
        uri.encode("utf-8")
        return uri
    except UnicodeEncodeError:
        return uri.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


class _Collector:
    def __init__(self, cfg: IngestConfig, exclude: tuple[str, ...] = ()) -> None:
        self.cfg = cfg
        self.files: dict[str, SourceFile] = {}
        self.rejections: list[Rejection] = []
        self.exclude = exclude  # real paths of folders never listed

    def excluded(self, real: str) -> bool:
        return any(_inside(real, x) for x in self.exclude)

    def add(self, uri: str, size: int, mtime: float | None, root: str) -> None:
        shown = printable_name(uri)
        if shown != uri:
            self.reject(uri, Reason.BAD_FILE_NAME, "the file name is not valid UTF-8 (its bytes are shown as \\xNN): "
                        "rename the file (e.g. `convmv -f cp1252 -t utf-8 --notest FILE`)")
        elif uri not in self.files:
            self.files[uri] = SourceFile(uri, size, mtime, root)

    def reject(self, uri: str, reason: Reason, detail: str) -> None:
        self.rejections.append(Rejection(source_uri=printable_name(uri), stage=STAGE, reason=reason,
                                         detail=detail))


def discover(sources: list[str], cfg: IngestConfig,
             exclude: tuple[str, ...] | list[str] = ()) -> tuple[list[SourceFile], list[Rejection]]:
    """Files under ``sources`` (sorted by URI) and the entries that cannot be read.

    Local folders in ``exclude`` (the warehouse, when it lies inside a source) are skipped, compared by
    their resolved paths, so a symlink on either side cannot lead a run to ingest its own warehouse.
    Raises ``ConfigError`` for a SOURCE that does not exist (or a glob that matches nothing);
    ``TransientError`` when a remote store cannot be listed for a reason that may heal.
    """
    col = _Collector(cfg, tuple(os.path.realpath(x) for x in exclude if not is_url(x)))
    for source in sources:
        if not source:
            raise ConfigError(
                "empty SOURCE argument: pass a folder, file, glob or URL such as s3://bucket/prefix"
            )
        if is_url(source) and not source.lower().startswith("file://"):
            _discover_remote(source, col)
        else:
            _discover_local(source, col)
    files = sorted(col.files.values(), key=lambda f: f.uri)
    rejections = sorted(col.rejections, key=lambda r: (r.source_uri, r.reason))
    return files, rejections


# --------------------------------------------------------------------------------------------------
# local


def _local_path(source: str) -> str:
    if source.lower().startswith("file://"):
        parts = urlsplit(source)
        return (
            unquote(parts.path)
            if not parts.netloc or parts.netloc == "localhost"
            else f"//{parts.netloc}{parts.path}"
        )
    return os.path.expanduser(source)


def _missing(source: str, path: str) -> ConfigError:
    return ConfigError(
        f"source {source!r} does not exist (looked for {os.path.abspath(path)}): "
        "pass an existing folder, file or glob, or a URL such as s3://bucket/prefix"
    )


def _discover_local(source: str, col: _Collector) -> None:
    path = _local_path(source)
    if os.path.lexists(path):
        _add_local_entry(os.path.abspath(path), source, col)
    elif _has_glob(path):
        _discover_local_glob(source, os.path.abspath(path), col)
    else:
        raise _missing(source, path)


def _segment_regex(seg: str) -> str:
    """One path segment of a glob as a regex (``*``/``?`` never cross ``/``; ``[!x]`` negates)."""
    out: list[str] = []
    i, n = 0, len(seg)
    while i < n:  # loops over a short user pattern, not over data
        c = seg[i]
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[" and (j := seg.find("]", i + 2 if seg[i + 1 : i + 2] in ("!", "]") else i + 1)) > 0:
            body = seg[i + 1 : j]
            body = "^" + body[1:] if body.startswith("!") else body
            out.append("[" + body.replace("\\", "\\\\") + "]")
            i = j
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


def glob_regex(pattern: str) -> re.Pattern[str]:
    """Compile a relative glob (``*``, ``?``, ``[...]``, ``**`` for any depth) to a full-match regex."""
    segs = pattern.strip("/").split("/")
    if segs[-1] == "**":
        segs.append("*")
    parts = ["(?:[^/]+/)*" if seg == "**" else _segment_regex(seg) + "/" for seg in segs]
    return re.compile("".join(parts)[:-1])


class _GlobCollector(_Collector):
    """Keeps only paths that match the glob (or lie under a folder that matches it)."""

    def __init__(self, parent: _Collector, base: str, rx: re.Pattern[str]) -> None:
        super().__init__(parent.cfg, parent.exclude)
        self.files, self.rejections = parent.files, parent.rejections
        self.base, self.rx = base.rstrip("/") + "/", rx
        self.matched = 0

    def _keep(self, path: str) -> bool:
        if not path.startswith(self.base):
            return False
        parts = path[len(self.base) :].split("/")
        return any(self.rx.fullmatch("/".join(parts[:k])) for k in range(len(parts), 0, -1))

    def add(self, uri: str, size: int, mtime: float | None, root: str) -> None:
        if self._keep(uri):
            self.matched += 1
            super().add(uri, size, mtime, root)

    def reject(self, uri: str, reason: Reason, detail: str) -> None:
        if self._keep(uri) or detail.startswith("cannot list"):
            self.matched += 1
            super().reject(uri, reason, detail)


def _discover_local_glob(source: str, pattern: str, col: _Collector) -> None:
    """Walk the pattern's fixed prefix with the same symlink/hidden rules as a folder, then match:
    unlike ``glob.glob``, this never follows a symlink loop or a link out of the tree."""
    segs = pattern.split("/")
    k = next(i for i, seg in enumerate(segs) if _has_glob(seg))
    base = "/".join(segs[:k]) or "/"
    if not os.path.isdir(base):
        raise _missing(source, base)
    gcol = _GlobCollector(col, base, glob_regex("/".join(segs[k:])))
    _walk(base, source, gcol)
    if not gcol.matched:
        raise ConfigError(
            f"source glob {source!r} matches no files: check the pattern (quote it in the shell)"
        )


def _add_local_entry(path: str, source: str, col: _Collector) -> None:
    """A path the user named (or a glob matched): a file is taken as is, a folder is walked."""
    if col.excluded(os.path.realpath(path)):
        return
    try:
        st = os.stat(path)
    except FileNotFoundError:
        col.reject(path, Reason.UNREADABLE, f"broken symlink to {os.path.realpath(path)}")
        return
    except OSError as exc:
        col.reject(path, Reason.UNREADABLE, f"cannot stat: {exc.strerror or exc}")
        return
    if stat.S_ISDIR(st.st_mode):
        _walk(path, source, col)
    elif stat.S_ISREG(st.st_mode):
        col.add(path, st.st_size, st.st_mtime, source)
    else:
        col.reject(path, Reason.UNSUPPORTED_FORMAT, f"{_kind(st.st_mode)}, not a regular file")


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "named pipe"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "special file"


def _inside(real: str, root_real: str) -> bool:
    return real == root_real or real.startswith(root_real.rstrip("/") + "/")


def _walk(root: str, source: str, col: _Collector) -> None:
    """Iterative walk of ``root`` (absolute). Directory symlinks that stay inside the root are not
    descended (their content is listed under its real path); outside ones are rejected unless
    ``follow_symlinks_outside_root``, then walked once each (cycle-safe)."""
    cfg = col.cfg
    root_real = os.path.realpath(root)
    if col.excluded(root_real):
        return
    visited = {root_real}
    stack = [root]
    while stack:
        d = stack.pop()
        try:
            with os.scandir(d) as it:
                entries = list(it)
        except OSError as exc:
            col.reject(d, Reason.UNREADABLE, f"cannot list directory: {exc.strerror or exc}")
            continue
        for e in entries:
            if not cfg.include_hidden and e.name.startswith("."):
                continue
            path = e.path if os.sep == "/" else e.path.replace(os.sep, "/")
            try:
                if e.is_symlink():
                    _symlink(path, root_real, source, col, stack, visited)
                elif e.is_dir(follow_symlinks=False):
                    if not (col.exclude and col.excluded(os.path.realpath(path))):
                        stack.append(path)
                elif e.is_file(follow_symlinks=False):
                    st = e.stat(follow_symlinks=False)
                    col.add(path, st.st_size, st.st_mtime, source)
                else:
                    st = e.stat(follow_symlinks=False)
                    col.reject(path, Reason.UNSUPPORTED_FORMAT, f"{_kind(st.st_mode)}, not a regular file")
            except OSError as exc:
                col.reject(path, Reason.UNREADABLE, f"cannot stat: {exc.strerror or exc}")


def _symlink(
    path: str, root_real: str, source: str, col: _Collector, stack: list[str], visited: set[str]
) -> None:
    real = os.path.realpath(path)
    if col.excluded(real):
        return
    inside = _inside(real, root_real)
    if not inside and not col.cfg.follow_symlinks_outside_root:
        col.reject(
            path,
            Reason.SYMLINK_OUTSIDE_ROOT,
            f"symlink to {real}, outside the source root {root_real}: not read "
            "(set ingest.follow_symlinks_outside_root: true to read it)",
        )
        return
    try:
        st = os.stat(path)
    except FileNotFoundError:
        col.reject(path, Reason.UNREADABLE, f"broken symlink to {real}")
        return
    if stat.S_ISDIR(st.st_mode):
        if not inside and real not in visited:
            visited.add(real)
            stack.append(path)
    elif stat.S_ISREG(st.st_mode):
        col.add(path, st.st_size, st.st_mtime, source)
    else:
        col.reject(path, Reason.UNSUPPORTED_FORMAT, f"symlink to a {_kind(st.st_mode)}, not a regular file")


# --------------------------------------------------------------------------------------------------
# fsspec (s3://, memory://, gcs://, ...)


def _mtime(info: dict[str, Any]) -> float | None:
    for key in ("mtime", "LastModified", "last_modified", "updated", "created"):
        v = info.get(key)
        if v is None:
            continue
        if isinstance(v, int | float):
            return float(v)
        ts = getattr(v, "timestamp", None)
        if callable(ts):
            return float(ts())
    return None


def _hidden(rel: str) -> bool:
    return any(part.startswith(".") for part in rel.split("/") if part)


def _discover_remote(source: str, col: _Collector) -> None:
    try:
        import fsspec

        fs, path = fsspec.core.url_to_fs(source)
    except (ImportError, ValueError) as exc:
        raise ConfigError(
            f"source {source!r}: unsupported URL ({exc}); install the fsspec backend or fix the URL"
        ) from exc
    try:
        if _has_glob(path):
            found: dict[str, dict[str, Any]] = fs.glob(path, detail=True)
            if not found:
                raise ConfigError(f"source glob {source!r} matches no files: check the pattern")
            base = path[: min(path.find(c) for c in _GLOB_CHARS if c in path)].rsplit("/", 1)[0]
            listing: dict[str, dict[str, Any]] = {}
            for p, info in found.items():
                if info.get("type") == "directory":
                    listing.update(fs.find(p, detail=True))
                else:
                    listing[p] = info
        elif fs.isdir(path):
            base = path.rstrip("/")
            listing = fs.find(path, detail=True)
        elif fs.exists(path):
            base = path  # a file named explicitly is read even when hidden
            listing = {path: fs.info(path)}
        else:
            raise ConfigError(
                f"source {source!r} does not exist: pass an existing bucket/prefix/object or a local folder"
            )
    except FileNotFoundError as exc:
        raise ConfigError(
            f"source {source!r} does not exist ({exc}): pass an existing bucket/prefix/object"
        ) from exc
    except PermissionError as exc:
        col.reject(source, Reason.UNREADABLE, f"cannot list: permission denied ({exc})")
        return
    except OSError as exc:
        raise TransientError(
            f"source {source!r}: listing failed ({exc}); retry when the store is reachable"
        ) from exc
    for p, info in listing.items():
        if info.get("type", "file") != "file":
            continue
        rel = p[len(base) :] if p.startswith(base) else p
        if not col.cfg.include_hidden and _hidden(rel):
            continue
        size = info.get("size")
        col.add(fs.unstrip_protocol(p), int(size) if size is not None else 0, _mtime(info), source)
