"""The user's cache directory for what newsetl derives once from installed data and keeps between runs
(Russian forms of the taxonomy's terms, the language model unpacked): ``$NEWSETL_CACHE_DIR``, else
``$XDG_CACHE_HOME/newsetl``, else ``~/.cache/newsetl``. Every cache file is keyed by what it is derived
from; a missing, unreadable or malformed file is ignored and an unwritable directory is not an error."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

CACHE_DIR_VARIABLE = "NEWSETL_CACHE_DIR"


def cache_dir() -> Path:
    """Where newsetl's caches live (see above)."""
    explicit = os.environ.get(CACHE_DIR_VARIABLE)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "newsetl"


def write_atomically(path: Path, write: Callable[[BinaryIO], None]) -> bool:
    """Write a cache file whole or not at all: ``write`` fills a temporary file beside ``path``, which then
    replaces it. Returns False (nothing written, no error) when the directory cannot be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                write(fh)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError:
        return False  # read-only or full cache directory: derived again next time
    return True
