"""The user's cache directory for what newsetl derives once from installed data and keeps between runs
(Russian forms of the taxonomy's terms, the language model unpacked): ``$NEWSETL_CACHE_DIR``, else
``$XDG_CACHE_HOME/newsetl``, else ``~/.cache/newsetl``. Every cache file is keyed by what it is derived
from; a missing, unreadable or malformed file is ignored and an unwritable directory is not an error."""

from __future__ import annotations

import os
from pathlib import Path

CACHE_DIR_VARIABLE = "NEWSETL_CACHE_DIR"


def cache_dir() -> Path:
    """Where newsetl's caches live (see above)."""
    explicit = os.environ.get(CACHE_DIR_VARIABLE)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "newsetl"
