from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pytest

from newsetl.dedup import compute_signatures, minhash_column, normalized_text_hash
from newsetl.settings import DedupConfig

STORY = (
    "The central bank left its policy rate unchanged on Tuesday, saying inflation was easing more slowly "
    "than expected and that it would keep borrowing costs high for longer. The governor told reporters that "
    "food and energy prices remained the main risk, and that the bank was watching the currency closely "
    "after a volatile month.\n\n"
    "Analysts had been divided before the meeting. Several economists argued that growth was weak enough to "
    "justify a cut, while others pointed to the budget deficit and the pressure on foreign reserves. The "
    "decision was unanimous, according to a statement released after the meeting.\n\n"
    "Business groups criticised the decision, saying small firms could not afford loans at current rates. "
    "The finance ministry said it respected the independence of the bank and would continue talks with the "
    "lenders on a new programme. Markets reacted calmly and the main share index closed slightly higher.\n\n"
    "The next policy meeting is due in six weeks, when new figures on prices and wages will be available "
    "to the committee, the statement said."
)

OTHER = (
    "Heavy rain flooded low-lying parts of the city overnight, cutting power to thousands of homes and "
    "forcing schools to close. Rescue teams used boats to move families from the worst affected streets "
    "while the weather service warned that more storms were expected over the weekend.\n\n"
    "Officials said the drainage system had been overwhelmed within hours. Residents complained that canals "
    "had not been cleaned before the monsoon despite repeated promises, and traders counted their losses in "
    "the old market where water reached the shop counters.\n\n"
    "The provincial government announced compensation for damaged houses and said an inquiry would look at "
    "why the pumping stations failed during the first night of the storm."
)


@pytest.fixture
def cfg() -> DedupConfig:
    return DedupConfig()


def make_batch(
    docs: list[dict],
    cfg: DedupConfig,
) -> pa.Table:
    """Batch table for deduplicate_batch from dicts with at least article_id and body."""
    bodies = [d["body"] for d in docs]
    titles = [d.get("title") for d in docs]
    sig, n_sh = compute_signatures(bodies, cfg)
    return pa.table(
        {
            "article_id": [d["article_id"] for d in docs],
            "source_uri": [d["article_id"].split("#")[0] for d in docs],
            "title": pa.array(titles, pa.string()),
            "body": bodies,
            "published_date": pa.array([d.get("published_date") for d in docs], pa.date32()),
            "encoding_loss": pa.array([d.get("encoding_loss", 0) for d in docs], pa.int32()),
            "word_count": pa.array([len(b.split()) for b in bodies], pa.int32()),
            "content_hash": [normalized_text_hash(t, b) for t, b in zip(titles, bodies, strict=True)],
            "minhash": minhash_column(sig),
            "n_shingles": pa.array(np.asarray(n_sh), pa.int32()),
        }
    )


DATE = dt.date(2021, 4, 7)
