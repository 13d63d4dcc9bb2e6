"""EntityMatcher on the samples (exact sets), alias rules, country pairs, the table, gazetteer errors."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest
import yaml

from newsetl.enrich.entities import (
    COUNTRY_PAIRS_SCHEMA,
    ENTITIES_SCHEMA,
    EntityMatcher,
    country_pairs,
    extract_entities,
    load_entities,
    salient_pairs,
)
from newsetl.errors import ConfigError
from schemas.tables import ARTICLE_ENTITIES


def ids(m: EntityMatcher, text: str) -> dict[str, int]:
    return {eid: n for (_, eid, _), n in m.find(text).items()}


def test_sample_000_exact_entities(entity_matcher: EntityMatcher, samples: dict[str, str]) -> None:
    assert entity_matcher.find(samples["000"]) == {
        ("country", "RU", "Russia"): 17,
        ("country", "PK", "Pakistan"): 10,
        ("country", "AF", "Afghanistan"): 4,
        ("country", "UA", "Ukraine"): 1,  # "the Ukrainian conflict"
        ("person", "sergey_lavrov", "Sergey Lavrov"): 4,  # 3x Sergey Lavrov + Sergei Lavrov
        ("person", "bilawal_bhutto_zardari", "Bilawal Bhutto Zardari"): 3,  # FM Bilawal + 2x full name
        ("organisation", "sco", "Shanghai Cooperation Organisation"): 1,
    }


def test_sample_001_exact_entities(entity_matcher: EntityMatcher, samples: dict[str, str]) -> None:
    assert ids(entity_matcher, samples["001"]) == {
        "RU": 12, "PK": 11, "AF": 2, "fatf": 2, "mikhail_popov": 3, "tasnim_aslam": 2, "tehmina_janjua": 1,
        "igor_morgulov": 1, "zamir_kabulov": 1, "oleg_syromolotov": 1, "khawaja_asif": 1, "sergey_lavrov": 1,
    }  # fmt: skip


def test_sample_003_spellings_and_handles(entity_matcher: EntityMatcher, samples: dict[str, str]) -> None:
    got = ids(entity_matcher, samples["003"])
    # Sergey Lavrov, Lavrov, #SergeyLavrov, Lavrov's, Surgey Lavrov's, Sergey #Lavrov
    assert got["sergey_lavrov"] == 6
    assert got["shah_mahmood_qureshi"] == 5 and got["imran_khan"] == 1 and got["un"] == 1
    assert set(got) == {"PK", "RU", "AF", "sergey_lavrov", "shah_mahmood_qureshi", "imran_khan", "un"}


def test_sample_004_people_and_organisations(entity_matcher: EntityMatcher, samples: dict[str, str]) -> None:
    found = entity_matcher.find(samples["004"])
    people = {eid for (etype, eid, _) in found if etype == "person"}
    orgs = {eid for (etype, eid, _) in found if etype == "organisation"}
    assert people == {
        "sergey_lavrov",
        "shah_mahmood_qureshi",
        "imran_khan",
        "qamar_javed_bajwa",
        "vladimir_putin",
    }
    assert orgs == {"gazprom", "novatek", "rosatom", "ispr", "sco", "un", "taliban", "bri"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Moscow said on Monday.", {"RU": 1}),
        ("ISLAMABAD: officials met.", {"PK": 1}),
        ("Pak-Russia relations", {"PK": 1, "RU": 1}),
        ("the Russian Federation and the Pakistanis", {"RU": 1, "PK": 1}),
        ("Sergei Lavrov and Surgey Lavrov; Lavrov said", {"sergey_lavrov": 3}),
        ("Lavrov's visit", {"sergey_lavrov": 1}),
        ("lavrov in lowercase is not a surname mention", {}),
        ("US-based analysts said us", {"US": 1}),
        ("Latin America", {}),
        ("Imran Khan met Khan", {"imran_khan": 1}),
        ("Министр Лавров прибыл в Пакистан", {"sergey_lavrov": 1, "PK": 1}),
        ("the UN and the un-named", {"un": 1}),
    ],
)
def test_alias_rules(entity_matcher: EntityMatcher, text: str, expected: dict[str, int]) -> None:
    assert ids(entity_matcher, text) == expected


def test_country_pairs(entity_matcher: EntityMatcher, samples: dict[str, str]) -> None:
    for key in ("000", "001", "003", "004"):
        assert salient_pairs(entity_matcher.countries(samples[key])) == ["PK-RU"], key
    # 002 is also about Afghanistan (8 mentions vs 13 each for PK and RU)
    assert salient_pairs(entity_matcher.countries(samples["002"])) == ["AF-PK", "AF-RU", "PK-RU"]
    assert salient_pairs({"PK": 5}) == [] and salient_pairs({}) == []
    assert salient_pairs({"PK": 1, "RU": 1}) == []  # min_mentions 2
    assert salient_pairs({"PK": 1, "RU": 1}, min_mentions=1) == ["PK-RU"]


def test_extract_entities_and_pairs_tables(entity_matcher: EntityMatcher, samples: dict[str, str]) -> None:
    articles = pa.table(
        {"article_id": ["a", "b", "c"], "title": ["Lavrov in Islamabad", None, None],
         "body": [samples["003"], "nothing here", None]}
    )  # fmt: skip
    ents = extract_entities(articles, entity_matcher)
    assert ents.schema == ENTITIES_SCHEMA
    assert ents.schema.names == [f.name for f in ARTICLE_ENTITIES if f.name != "run_id"]
    rows = ents.to_pylist()
    assert {r["article_id"] for r in rows} == {"a"}
    assert [r["entity_type"] for r in rows] == sorted(
        (r["entity_type"] for r in rows), key=["country", "person", "organisation"].index
    )
    lav = next(r for r in rows if r["entity_id"] == "sergey_lavrov")
    assert lav["mentions"] == 7 and lav["name"] == "Sergey Lavrov"  # 6 in the body + 1 in the title
    pairs = country_pairs(ents)
    assert pairs.schema == COUNTRY_PAIRS_SCHEMA
    assert pairs.to_pylist() == [
        {
            "article_id": "a",
            "pair": "PK-RU",
            "country_a": "PK",
            "country_b": "RU",
            "mentions_a": 14,
            "mentions_b": 12,
        }
    ]


def _write(tmp_path: Path, doc: object, raw: str | None = None) -> Path:
    p = tmp_path / "entities.yaml"
    p.write_text(raw if raw is not None else yaml.safe_dump(doc), encoding="utf-8")
    return p


def test_gazetteer_errors_name_the_entry(tmp_path: Path) -> None:
    # the YAML "Norway problem": an unquoted NO is a boolean
    p = _write(tmp_path, None, "countries:\n  - {id: PK, name: Pakistan}\n  - {id: NO, name: Norway}\n")
    with pytest.raises(ConfigError) as err:
        load_entities(p)
    assert str(p) in str(err.value) and "countries #2 'Norway': id" in str(err.value)
    p = _write(tmp_path, {"people": [{"id": "Sergey Lavrov", "name": "Sergey Lavrov"}]})
    with pytest.raises(ConfigError, match="lower_snake_case"):
        load_entities(p)
    p = _write(tmp_path, {"countries": [{"id": "PAK", "name": "Pakistan"}]})
    with pytest.raises(ConfigError, match="ISO 3166"):
        load_entities(p)
    p = _write(
        tmp_path, {"organisations": [{"id": "un", "name": "UN"}, {"id": "un", "name": "United Nations"}]}
    )
    with pytest.raises(ConfigError, match="appear more than once"):
        load_entities(p)
    with pytest.raises(ConfigError, match="cannot be read"):
        load_entities(tmp_path / "missing.yaml")
