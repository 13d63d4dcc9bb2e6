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
