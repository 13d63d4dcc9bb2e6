"""The per-validation cache of GX expectation configurations (newsetl.validate.gxfast)."""

from __future__ import annotations

import great_expectations as gx

from newsetl.validate.gxfast import configurations_cached


def test_cached_configuration_equals_gx_own_and_ends_with_the_block() -> None:
    exp = gx.expectations.ExpectColumnValuesToBeBetween(column="word_count", min_value=1, max_value=10)
    own = exp.configuration
    with configurations_cached():
        first = exp.configuration
        assert first == own
        assert exp.configuration is first  # built once inside the block
        with configurations_cached():  # nested: the same cache
            assert exp.configuration is first
    assert exp.configuration is not first  # outside: GX's property again, a fresh object each time
    exp.max_value = 20
    assert exp.configuration.kwargs["max_value"] == 20
    with configurations_cached():
        assert exp.configuration.kwargs["max_value"] == 20  # a new block sees the current fields


def test_two_expectations_get_their_own_configuration() -> None:
    a = gx.expectations.ExpectColumnValuesToNotBeNull(column="title")
    b = gx.expectations.ExpectColumnValuesToNotBeNull(column="body")
    with configurations_cached():
        assert a.configuration.kwargs["column"] == "title"
        assert b.configuration.kwargs["column"] == "body"


def test_domain_object_built_once_per_configuration_while_it_is_unchanged() -> None:
    cfg = gx.expectations.ExpectColumnValuesToBeBetween(column="word_count", min_value=1).configuration
    outside = cfg.to_domain_obj()
    assert cfg.to_domain_obj() is not outside  # GX's own: a new object each time
    with configurations_cached():
        first = cfg.to_domain_obj()
        assert first.configuration == outside.configuration
        assert cfg.to_domain_obj() is first
        cfg.kwargs["min_value"] = 5  # changed configuration: a new expectation from its current state
        changed = cfg.to_domain_obj()
        assert changed is not first
        assert changed.min_value == 5
    assert cfg.to_domain_obj() is not changed


def test_to_id_equals_gx_own_for_plain_and_other_values() -> None:
    import datetime as dt

    import numpy as np
    from great_expectations.core.id_dict import IDDict

    from newsetl.validate.gxfast import _ORIGINAL_TO_ID

    cases = [
        {"column": "body", "batch_id": "b-1", "row_condition": None, "condition_parser": None},
        {"regex": r"^\?{4,}$", "value_set": ["en", "ru", "ur"], "mostly": 0.5, "strict": True, "n": 3},
        {"a": {"b": [1, 2.5, None, ("x", "y")]}, "c": "d"},
        {"min_value": dt.date(2026, 1, 1), "max_value": None},  # a date: GX's conversion
        {"v": np.int64(3), "w": np.float32(0.1)},  # numpy scalars
        {"x": float("nan"), "y": 1},  # NaN -> null in GX's conversion
        {"s": {"b", "a"}, "t": 1},  # a set
        {"k": {1: "one", None: "yes"}, "m": 2},  # non-str keys
        {"only": "one key"},
        {},
    ]
    for data in cases:
        d = IDDict(data)
        assert d.to_id() == _ORIGINAL_TO_ID(d), data
        if len(data) > 1:
            key = next(iter(data))
            assert d.to_id(id_ignore_keys={key}) == _ORIGINAL_TO_ID(d, None, {key}), data


def test_array_valued_configuration_is_rebuilt_not_compared_ambiguously() -> None:
    import numpy as np

    from newsetl.validate.gxfast import _ORIGINAL_TO_DOMAIN_OBJ

    cfg = gx.expectations.ExpectColumnValuesToBeInSet(column="language", value_set=["en", "ru"]).configuration
    with configurations_cached():
        first = cfg.to_domain_obj()
        cfg.kwargs["value_set"] = np.array(["en", "ru", "ur"])  # == on it is an array: no truth value
        second = cfg.to_domain_obj()
        assert second is not first
        assert list(second.value_set) == list(_ORIGINAL_TO_DOMAIN_OBJ(cfg).value_set)  # what GX builds


def test_no_batch_fingerprint_inside_the_block_and_gx_threshold_after() -> None:
    import great_expectations.execution_engine.pandas_execution_engine as engine

    from newsetl.validate.gxfast import without_batch_fingerprint

    before = engine.HASH_THRESHOLD
    with without_batch_fingerprint():
        assert engine.HASH_THRESHOLD == 0
    assert before == engine.HASH_THRESHOLD
    try:
        with without_batch_fingerprint():
            raise ValueError("boom")
    except ValueError:
        pass
    assert before == engine.HASH_THRESHOLD  # restored when the block raises too


def test_validation_without_fingerprint_gives_gx_own_outcome(monkeypatch) -> None:
    import contextlib

    from newsetl.validate import runner, validate_table
    from tests.validate.helpers import TODAY, article, articles

    t = articles([article(0), article(1, body=None), article(2, body="Text ???? lost"), article(3, word_count=-1)])
    fast = validate_table("articles", t, today=TODAY)
    monkeypatch.setattr(runner, "without_batch_fingerprint", contextlib.nullcontext)
    own = validate_table("articles", t, today=TODAY)
    assert "pandas_data_fingerprint" in own.result["meta"]["batch_markers"]  # GX's own path computes it
    assert "pandas_data_fingerprint" not in fast.result["meta"]["batch_markers"]

    def comparable(result: dict) -> dict:
        meta = {k: v for k, v in result["meta"].items() if k != "batch_markers"}
        return {**result, "meta": meta}

    assert comparable(fast.result) == comparable(own.result)
    assert fast.rejected == own.rejected
    assert [r.article_id for r in fast.rejected] == ["data/in/a1.txt#0", "data/in/a2.txt#0", "data/in/a3.txt#0"]
    assert fast.passed.equals(own.passed)
