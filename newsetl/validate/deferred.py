"""Two imports Great Expectations makes for one expectation newsetl does not use, made on first use instead.

``great_expectations.expectations`` imports every core expectation, and one of them,
``expect_column_kl_divergence_to_be_less_than``, imports ``altair`` (charts for its renderer) and
``scipy.stats`` at module level: ~1.0 s of the ~2.6 s GX import (measured, ``python -X importtime``), paid by
every process that validates, before ``newsetl run`` can fork its workers. newsetl's suites
(``newsetl.validate.suites``) never use that expectation, and the Data Docs of its suites draw no chart.

:func:`defer` puts a placeholder module in ``sys.modules`` for each of them before GX is imported. The first
attribute anyone reads from a placeholder imports the real module and hands the attribute over, so code that
does use them (that expectation, a user's own) works as before, only later. ``importlib.util.LazyLoader``
cannot do this on Python 3.11: the import statement itself reads the module's ``__spec__`` through
``__getattribute__`` and so loads it at once.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import sys
import threading
import types
from typing import Any

#: modules GX imports at start-up only for ``expect_column_kl_divergence_to_be_less_than``
DEFERRED = ("altair", "scipy.stats")

_LOCK = threading.RLock()  # a real import may read another placeholder


class Deferred(types.ModuleType):
    """A placeholder for a module not imported yet: the first attribute read imports it."""

    def __getattr__(self, attr: str) -> Any:
        return getattr(load(self.__name__), attr)


def load(name: str) -> types.ModuleType:
    """The real module ``name``, imported now if only its placeholder was there."""
    with _LOCK:
        current = sys.modules.get(name)
        if isinstance(current, Deferred):
            del sys.modules[name]
        return importlib.import_module(name)


def defer(names: tuple[str, ...] = DEFERRED) -> list[str]:
    """Put a placeholder for each of ``names`` not imported yet (and installed) in ``sys.modules``; returns
    the names deferred. Idempotent; a module imported already is left alone. Imports nothing: it looks up
    only the top-level package (``scipy`` for ``scipy.stats``), so it costs a millisecond."""
    done: list[str] = []
    with _LOCK:
        for name in names:
            if name in sys.modules:
                continue
            try:
                installed = importlib.util.find_spec(name.partition(".")[0]) is not None
            except (ImportError, ValueError):
                installed = False
            if not installed:
                continue  # GX's own import error stays as it was
            proxy = Deferred(name)
            proxy.__spec__ = importlib.machinery.ModuleSpec(name, None)  # what the import statement reads
            sys.modules[name] = proxy
            done.append(name)
    return done
