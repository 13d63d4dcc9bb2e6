"""config/sectors.yaml is valid and a malformed taxonomy fails with a ConfigError naming file and sector."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from newsetl.enrich.taxonomy import Taxonomy, load_taxonomy, parse_taxonomy
from newsetl.errors import ConfigError

REQUIRED_SECTORS = {
    "trade", "economy_investment", "finance_banking", "energy", "defence_military", "security_counterterrorism",
    "diplomacy", "education", "culture_people", "health", "science_technology", "transport_infrastructure",
    "agriculture_food", "industry_mining",
}  # fmt: skip


def test_shipped_taxonomy_has_every_required_sector(taxonomy: Taxonomy) -> None:
    assert set(taxonomy.ids) >= REQUIRED_SECTORS
    for s in taxonomy.sectors:
        assert s.label and s.description and s.terms
        assert 0 < taxonomy.threshold(s) <= 1


def _write(tmp_path: Path, doc: object) -> Path:
    p = tmp_path / "sectors.yaml"
    p.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return p


GOOD = {"id": "water", "label": "Water", "terms": {"dam": 1.0}}


def test_minimal_taxonomy_loads(tmp_path: Path) -> None:
    tax = load_taxonomy(_write(tmp_path, {"sectors": [GOOD]}))
    assert tax.ids == ["water"] and tax.threshold(tax.sectors[0]) == tax.scoring.default_threshold


@pytest.mark.parametrize(
    ("bad", "needle"),
    [
        ({**GOOD, "terms": {}}, "sector #2 'water': terms"),
        ({**GOOD, "terms": {"dam": 0}}, "weight must be a number > 0"),
        ({**GOOD, "terms": {"dam": -1.5}}, "weight must be a number > 0"),
        ({**GOOD, "terms": {"--": 1.0}}, "is empty"),
        ({**GOOD, "terms": {"*dam": 1.0}}, "only allowed at the end"),
        ({**GOOD, "threshold": 0}, "sector #2 'water': threshold"),
        ({**GOOD, "threshold": 1.5}, "sector #2 'water': threshold"),
        ({**GOOD, "id": "Water Sector"}, "lower_snake_case"),
        ({**GOOD, "surprise": 1}, "sector #2 'water': surprise"),
        ({**GOOD, "exclusions": [""]}, "exclusion '' is empty"),
    ],
)
def test_bad_sector_is_named(tmp_path: Path, bad: dict[str, object], needle: str) -> None:
    ok = {"id": "trade", "label": "Trade", "terms": {"trade": 1.0}}
    path = _write(tmp_path, {"sectors": [ok, bad]})
    with pytest.raises(ConfigError) as err:
        load_taxonomy(path)
    assert str(path) in str(err.value)
    assert needle in str(err.value)


def test_duplicate_ids_rejected(tmp_path: Path) -> None:
    path = _write(tmp_path, {"sectors": [GOOD, GOOD]})
    with pytest.raises(ConfigError, match="'water' appears more than once"):
        load_taxonomy(path)


def test_not_yaml_missing_file_and_wrong_shape(tmp_path: Path) -> None:
    p = tmp_path / "broken.yaml"
    p.write_text("sectors: [\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_taxonomy(p)
    with pytest.raises(ConfigError, match="cannot be read"):
        load_taxonomy(tmp_path / "nope.yaml")
    with pytest.raises(ConfigError, match="must be a mapping"):
        parse_taxonomy(["a list"], "x.yaml")
    with pytest.raises(ConfigError, match="sectors"):
        parse_taxonomy({"sectors": []}, "x.yaml")


def test_bad_scoring_rejected() -> None:
    with pytest.raises(ConfigError, match="scoring -> default_threshold"):
        parse_taxonomy({"scoring": {"default_threshold": 0}, "sectors": [GOOD]}, "x.yaml")


def test_every_shipped_sector_has_a_wellformed_iptc_crosswalk(taxonomy: Taxonomy) -> None:
    codes: dict[str, str] = {}
    for s in taxonomy.sectors:
        assert s.iptc, f"{s.id} names no IPTC Media Topic"
        assert len({t.code for t in s.iptc}) == len(s.iptc), f"{s.id} repeats a code"
        assert s.iptc[0].match in ("exact", "close", "broad"), f"{s.id}: the first topic is its main one"
        for t in s.iptc:
            assert t.code.startswith("medtop:") and len(t.code) == 15 and t.code[7:].isdigit()
            assert t.label == t.label.strip() and t.label == t.label.lower()
            assert codes.setdefault(t.code, t.label) == t.label, f"{t.code} has two labels"
    main = [s.iptc[0].code for s in taxonomy.sectors]
    assert len(set(main)) == len(main)  # no two sectors claim the same main topic


@pytest.mark.parametrize(
    ("iptc", "needle"),
    [
        ([{"code": "04000000", "label": "economy"}], "code"),
        ([{"code": "medtop:0400", "label": "economy"}], "code"),
        ([{"code": "medtop:04000000", "label": ""}], "label"),
        ([{"code": "medtop:04000000", "label": "economy", "match": "same"}], "match"),
    ],
)
def test_bad_iptc_entry_is_named(tmp_path: Path, iptc: list[dict[str, str]], needle: str) -> None:
    path = _write(tmp_path, {"sectors": [{**GOOD, "iptc": iptc}]})
    with pytest.raises(ConfigError, match=rf"sector #1 'water': iptc -> 0 -> {needle}"):
        load_taxonomy(path)
