"""GX's imports of altair and scipy.stats wait for their first use (``newsetl.validate.deferred``)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from newsetl.validate import deferred


def _fresh(code: str) -> str:
    """Run ``code`` in a new interpreter (this one may have imported the modules already); its stdout."""
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_validating_imports_neither_module() -> None:
    out = _fresh("""
        import sys
        from newsetl.settings import load_settings
        from newsetl.run.common import suites
        from newsetl.validate import validate_table
        import newsetl.validate.docs  # the Data Docs machinery too
        from schemas import TABLES
        o = validate_table("article_sectors", TABLES["article_sectors"].schema.empty_table(), suites(load_settings(None)))
        print(o.ok)
        print(type(sys.modules["altair"]).__name__, type(sys.modules["scipy.stats"]).__name__)
    """)
    assert out.split() == ["True", "Deferred", "Deferred"]


def test_first_use_imports_the_real_module() -> None:
    out = _fresh("""
        import sys
        import newsetl.validate.runner
        import altair as alt
        from scipy import stats
        from great_expectations.expectations.core import expect_column_kl_divergence_to_be_less_than as kl
        print(round(float(kl.stats.entropy([0.5, 0.5], [0.9, 0.1])), 4))   # the expectation's own module
        print(round(float(stats.norm.cdf(0.0)), 2), alt.Chart.__name__)
        print(type(sys.modules["altair"]).__name__, type(sys.modules["scipy.stats"]).__name__)
        import scipy.stats
        print(scipy.stats.norm.cdf(0.0) == 0.5)
    """)
    assert out.split("\n")[:4] == ["0.5108", "0.5 Chart", "module module", "True"]


def test_defer_leaves_imported_and_missing_modules_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    monkeypatch.setattr(sys, "modules", dict(sys.modules))
    assert deferred.defer(("json", "no_such_package_newsetl.sub")) == []
    assert sys.modules["json"] is json and "no_such_package_newsetl.sub" not in sys.modules


def test_a_placeholder_loads_on_first_attribute(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "modules", {k: v for k, v in sys.modules.items() if not k.startswith("colorsys")})
    assert deferred.defer(("colorsys",)) == ["colorsys"]
    placeholder = sys.modules["colorsys"]
    assert isinstance(placeholder, deferred.Deferred)
    assert placeholder.rgb_to_hsv(1.0, 0.0, 0.0) == (0.0, 1.0, 1.0)
    assert not isinstance(sys.modules["colorsys"], deferred.Deferred)
