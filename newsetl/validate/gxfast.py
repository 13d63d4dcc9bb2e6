"""Four GX 1.x hot spots, made cheap: the first three with the same values (each is GX's own computation,
done once), the fourth by not computing a value nothing reads.

1. ``Expectation.configuration`` is a property that rebuilds an ``ExpectationConfiguration`` from the
   expectation's pydantic fields (``.dict()``, camel-to-snake, a new object) on every access, and one
   ``batch.validate`` reads it ~90 times per expectation (domain, success and runtime kwargs, metric
   dependencies): measured, 45% of a ``validate_table`` call's CPU on small batches. Inside
   :func:`configurations_cached` the property returns the configuration it built the first time for that
   expectation object, the same value it would rebuild: GX reads an expectation's configuration without
   changing it (where it does change one it deep-copies it first) and does not change the expectations'
   fields during the validation.
2. ``ExpectationConfiguration.to_domain_obj`` builds (and pydantic-validates) a new expectation from a
   configuration; GX calls it for the same configuration once per metric it asks about (``registry.
   get_metric_kwargs``) and again to evaluate it. Inside the block it builds it once per configuration
   object and hands back that object while the configuration still has the same type, kwargs, meta,
   notes, description, severity, id and rendered content (compared with a snapshot taken when it was built;
   anything changed builds a new one). The callers only read it.
3. ``IDDict.to_id`` (every metric configuration's id: a metric is computed once per id) serialises its dict
   with ``convert_to_json_serializable`` before ``json.dumps``. For plain JSON data (``str``/``int``/
   ``float``/``bool``/``None``, lists, tuples and dicts with ``str`` keys; no NaN) that conversion returns the
   same structure, so ``json.dumps`` of the dict itself gives the same text and the same md5; anything else
   (numpy scalars, dates, sets, NaN, non-str keys ...) takes GX's own path. Applied everywhere (it returns
   exactly what GX's returns).

4. ``PandasExecutionEngine.get_batch_data_and_markers`` fingerprints every in-memory dataframe below
   ``HASH_THRESHOLD`` (1 GB): the md5 of ``pd.util.hash_pandas_object`` over every row and column, kept as
   the batch marker ``pandas_data_fingerprint``. Nothing in GX's validation or in newsetl reads it (newsetl
   names its batches by run and batch), and on a batch of 2,000 articles it was a quarter of the validation's
   CPU (measured: 0.26-0.29 -> 0.19 s per batch). :func:`without_batch_fingerprint` sets the threshold to 0
   for its block, the marker GX itself leaves out of frames over the threshold; the caller holds a lock
   around GX's batch creation (``newsetl.validate.runner``), and the threshold is GX's again after it.

The caches are emptied when the block ends, so every validation builds each configuration and each
expectation once from its current state. Outside the block 1 and 2 are GX's own.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import threading
from collections.abc import Iterator
from typing import Any

import great_expectations.execution_engine.pandas_execution_engine as _pandas_engine
from great_expectations.core.id_dict import IDDict
from great_expectations.expectations.expectation import Expectation
from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

_ORIGINAL = Expectation.configuration
_ORIGINAL_TO_DOMAIN_OBJ = ExpectationConfiguration.to_domain_obj
_ORIGINAL_TO_ID = IDDict.to_id
_STATE = threading.local()


def _configuration(self: Expectation) -> Any:
    cache: dict[int, tuple[Expectation, Any]] | None = getattr(_STATE, "cache", None)
    if cache is None:
        return _ORIGINAL.fget(self)  # type: ignore[attr-defined]
    hit = cache.get(id(self))
    if hit is None or hit[0] is not self:
        hit = cache[id(self)] = (self, _ORIGINAL.fget(self))  # type: ignore[attr-defined]
    return hit[1]


def _config_state(cfg: ExpectationConfiguration) -> tuple[Any, ...]:
    """What ``to_domain_obj`` reads from a configuration."""
    return (cfg.type, cfg.kwargs, cfg.meta, cfg.notes, cfg.description, cfg.severity, cfg.id, cfg.rendered_content)


def _to_domain_obj(self: ExpectationConfiguration) -> Expectation:
    cache: dict[int, tuple[ExpectationConfiguration, tuple[Any, ...], Expectation]] | None = getattr(
        _STATE, "domain", None)
    if cache is None:
        return _ORIGINAL_TO_DOMAIN_OBJ(self)
    hit = cache.get(id(self))
    if hit is not None and hit[0] is self and _same(hit[1], _config_state(self)):
        return hit[2]
    obj = _ORIGINAL_TO_DOMAIN_OBJ(self)
    try:
        cache[id(self)] = (self, copy.deepcopy(_config_state(self)), obj)
    except Exception:  # a state that cannot be copied is not cached: GX's own path every time
        cache.pop(id(self), None)
    return obj


def _same(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    try:
        return bool(a == b)
    except Exception:  # e.g. an array-valued kwarg: ambiguous truth value, so build a new one
        return False


_LEAVES = (str, int, bool, type(None))


def _plain(data: Any) -> bool:
    """True when ``data`` is JSON data that ``convert_to_json_serializable`` returns unchanged in value."""
    t = type(data)
    if t in _LEAVES:
        return True
    if t is float:
        return data == data  # NaN becomes None there
    if t is list or t is tuple:
        return all(_plain(v) for v in data)
    if t is dict:
        return all(type(k) is str and _plain(v) for k, v in data.items())
    return False


def _to_id(self: IDDict, id_keys: Any = None, id_ignore_keys: Any = None) -> Any:
    if id_keys is None:
        id_keys = self.keys()
    if id_ignore_keys is None:
        id_ignore_keys = self._id_ignore_keys
    keys = set(id_keys) - set(id_ignore_keys)
    if len(keys) > 1:
        data = {k: self[k] for k in keys}
        if _plain(data):
            return hashlib.md5(json.dumps(data, sort_keys=True).encode("utf-8"), usedforsecurity=False).hexdigest()
    return _ORIGINAL_TO_ID(self, id_keys, id_ignore_keys)


Expectation.configuration = property(_configuration, doc=_ORIGINAL.__doc__)  # type: ignore[method-assign,assignment]
ExpectationConfiguration.to_domain_obj = _to_domain_obj  # type: ignore[method-assign]
IDDict.to_id = _to_id  # type: ignore[method-assign]


@contextlib.contextmanager
def configurations_cached() -> Iterator[None]:
    """While inside (this thread): each expectation's configuration, and each configuration's expectation,
    is built once."""
    outer = getattr(_STATE, "cache", None)
    if outer is not None:  # nested: the outer block's cache serves
        yield
        return
    _STATE.cache = {}
    _STATE.domain = {}
    try:
        yield
    finally:
        _STATE.cache = None
        _STATE.domain = None


@contextlib.contextmanager
def without_batch_fingerprint() -> Iterator[None]:
    """While inside: GX's pandas engine adds no ``pandas_data_fingerprint`` batch marker (see 4 above).
    The threshold is a module global: hold a lock around the block if other threads create GX batches."""
    before = _pandas_engine.HASH_THRESHOLD
    _pandas_engine.HASH_THRESHOLD = 0
    try:
        yield
    finally:
        _pandas_engine.HASH_THRESHOLD = before
