"""One GX configuration per expectation per validation, instead of one per question GX asks about it.

GX 1.x's ``Expectation.configuration`` is a property that rebuilds an ``ExpectationConfiguration`` from
the expectation's pydantic fields (``.dict()``, camel-to-snake, a new object) on every access, and one
``batch.validate`` reads it ~90 times per expectation (domain, success and runtime kwargs, metric
dependencies): measured, 45% of a ``validate_table`` call's CPU on small batches, the largest part of
its fixed ~0.12 s per table.

Inside :func:`configurations_cached` the property returns the configuration it built the first time for
that expectation object, the same value it would rebuild: GX validates fresh expectation objects that it
builds from the suite for each validation (after filling the suite parameters), reads their configuration
without changing it (where it does change one it deep-copies it first) and does not change the
expectations' fields during the validation. The cache is emptied when the block ends, so every
validation builds each configuration once from the expectation's current fields. Outside the block the
property is GX's own.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

from great_expectations.expectations.expectation import Expectation

_ORIGINAL = Expectation.configuration
_STATE = threading.local()


def _configuration(self: Expectation) -> Any:
    cache: dict[int, tuple[Expectation, Any]] | None = getattr(_STATE, "cache", None)
    if cache is None:
        return _ORIGINAL.fget(self)  # type: ignore[attr-defined]
    hit = cache.get(id(self))
    if hit is None or hit[0] is not self:
        hit = cache[id(self)] = (self, _ORIGINAL.fget(self))  # type: ignore[attr-defined]
    return hit[1]


Expectation.configuration = property(_configuration, doc=_ORIGINAL.__doc__)  # type: ignore[method-assign,assignment]


@contextlib.contextmanager
def configurations_cached() -> Iterator[None]:
    """While inside (this thread): each expectation's configuration is built once."""
    outer = getattr(_STATE, "cache", None)
    if outer is not None:  # nested: the outer block's cache serves
        yield
        return
    _STATE.cache = {}
    try:
        yield
    finally:
        _STATE.cache = None
