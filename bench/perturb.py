"""Deterministic perturbation benchmark for dedup: copies with known edits plus hard negatives.

Source articles: /work/shared/corpora/bbc (title = line 1, body = rest) when present, else data/sample.
Every generated document carries ``story`` (ground-truth story id), ``kind`` and ``strength``.

Edits (each at strengths 1..3): headline, boilerplate, drop_paragraph, reorder, typos, forum_chrome,
abridged. Hard negatives: different stories of the same category (the originals themselves, chosen so no
two originals overlap), ``numbers`` (an original with every number changed: a templated report of another
day; for every 5th original with >= 3 numbers, which then gets no edited copies -- an abridged copy whose
lead holds no number would fit both twins; ``adversarial_numbers=True`` gives every original with numbers
a twin AND copies, to measure that ambiguity) and ``template`` (synthetic daily market reports that differ
only in their numbers).

    python bench/perturb.py --originals 700 --out /tmp/perturb.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from newsetl.dedup.text import tokens  # noqa: E402

BBC = Path("/work/shared/corpora/bbc")
SAMPLE = REPO / "data" / "sample"
KINDS = ["headline", "boilerplate", "drop_paragraph", "reorder", "typos", "forum_chrome", "abridged"]
NEGATIVE_KINDS = ["numbers", "template"]

BOILERPLATE = [
    "Follow us on Twitter and Facebook for the latest news and updates from our newsroom.",
    "Copyright 2021 The Daily Chronicle. All rights reserved. This material may not be published, broadcast, rewritten or redistributed.",
    "Subscribe to our newsletter to get the top stories delivered to your inbox every morning.",
    "Related stories: Markets in Asia rise as investors weigh central bank signals | Opinion: why the budget matters | Weather: rain expected in the north",
    "Have your say: send us your views using the form below. Comments are moderated and may be edited before publication.",
    "We use cookies to improve your experience on our site. By continuing to browse you agree to our use of cookies. Read our privacy policy.",
    "Download our app for breaking news alerts, live coverage and exclusive video reports from around the country.",
]
FORUM_REPLIES = [
    "Looks like this was coming for a long time, nobody should be surprised.",
    "Good news if it actually happens, but I will believe it when I see it.",
    "Source please? I could not find this on any official website.",
    "This is a big deal for the region and the markets will react tomorrow.",
    "Same old story, every year they promise and nothing changes on the ground.",
    "Thanks for sharing, very informative thread.",
    "Can a mod merge this with the other thread on the same topic?",
]
NAMES = ["Vanguard One", "Falcon_77", "DesertStorm", "Khan Sahib", "NorthernLight", "Mustang", "Zarb-e-Azb"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_NUM = re.compile(r"\d+(?:[.,]\d+)*")


def load_sources() -> list[dict]:
    """Source articles: BBC when present, else the five samples (title = first line)."""
    docs = []
    if BBC.is_dir():
        for f in sorted(BBC.glob("*/*.txt")):
            text = f.read_bytes().decode("latin-1")
            title, _, body = text.partition("\n")
            docs.append({"id": f"{f.parent.name}/{f.name}", "category": f.parent.name, "title": title.strip(), "body": body.strip()})
    else:
        for f in sorted(SAMPLE.glob("*.txt")):
            text = f.read_text(encoding="utf-8")
            title, _, body = text.strip().partition("\n")
            docs.append({"id": f.name, "category": "sample", "title": title.strip(), "body": body.strip()})
    return docs


def _shingles(text: str, k: int = 5) -> set[int]:
    t = tokens(text)
    return {hash(" ".join(t[i : i + k])) for i in range(max(1, len(t) - k + 1))}


def pick_originals(docs: list[dict], n: int, rng: random.Random) -> list[dict]:
    """Up to n source articles, no two of which share 10% of their shingles (the corpus has its own copies)."""
    order = list(range(len(docs)))
    rng.shuffle(order)
    chosen: list[dict] = []
    inv: dict[int, list[int]] = defaultdict(list)
    sets: list[set[int]] = []
    for i in order:
        d = docs[i]
        if len(d["body"].split()) < 60:
            continue
        s = _shingles(d["body"])
        overlap: dict[int, int] = defaultdict(int)
        for h in s:
            for j in inv.get(h, ()):
                overlap[j] += 1
        if any(c >= 0.1 * min(len(s), len(sets[j])) for j, c in overlap.items()):
            continue
        for h in s:
            inv[h].append(len(sets))
        sets.append(s)
        chosen.append(d)
        if len(chosen) >= n:
            break
    return chosen


def paragraphs(body: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]


def typo_word(w: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(w) - 1)
    op = rng.randrange(4)
    if op == 0:
        return w[: i - 1] + w[i] + w[i - 1] + w[i + 1 :]
    if op == 1:
        return w[:i] + w[i + 1 :]
    if op == 2:
        return w[:i] + w[i] + w[i:]
    return w[:i] + rng.choice("etaoinshrdlu") + w[i + 1 :]


def edit(d: dict, kind: str, strength: int, rng: random.Random, titles: list[str]) -> tuple[str, str]:
    title, body = d["title"], d["body"]
    paras = paragraphs(body)
    if kind == "headline":
        if strength == 1:
            return title.upper() + " - updated", body
        if strength == 2:
            return rng.choice(titles), body
        return rng.choice(titles), f"{rng.choice(titles)}\n\n{body}"  # new headline repeated as a kicker
    if kind == "boilerplate":
        n = {1: 1, 2: 3, 3: 6}[strength]
        bp = rng.sample(BOILERPLATE, n)
        head, tail = bp[: n // 2], bp[n // 2 :]
        return title, "\n\n".join([*head, *paras, *tail])
    if kind == "drop_paragraph":
        # drop whole non-lead paragraphs up to 10/20/30% of the words; short articles lose sentences
        frac = {1: 0.1, 2: 0.2, 3: 0.3}[strength]
        total = len(body.split())
        budget = frac * total
        order = list(range(1, len(paras)))
        rng.shuffle(order)
        drop: set[int] = set()
        for i in order:
            w = len(paras[i].split())
            if w <= budget:
                drop.add(i)
                budget -= w
        if drop:
            return title, "\n\n".join(p for i, p in enumerate(paras) if i not in drop)
        sents = re.split(r"(?<=[.!?])\s+", body)
        keep = len(sents)
        while keep > 1 and len(" ".join(sents[: keep - 1]).split()) >= (1 - frac) * total:
            keep -= 1
        if keep == len(sents):
            keep -= 1
        return title, " ".join(sents[: max(1, keep)])
    if kind == "reorder":
        p = paras[:]
        if strength == 1 and len(p) >= 3:
            i = rng.randrange(1, len(p) - 1)
            p[i], p[i + 1] = p[i + 1], p[i]
        elif strength == 2:
            p = p[:1] + list(reversed(p[1:]))
        else:
            rng.shuffle(p)
        return title, "\n\n".join(p)
    if kind == "typos":
        rate = {1: 0.01, 2: 0.03, 3: 0.06}[strength]
        out = []
        for w in re.split(r"(\s+)", body):
            if w.isalpha() and len(w) >= 4 and rng.random() < rate:
                w = typo_word(w, rng)
            out.append(w)
        return title, "".join(out)
    if kind == "forum_chrome":
        head = (
            f"{rng.choice(NAMES)}\nFULL MEMBER\n- Joined\n- {rng.choice(MONTHS)} {rng.randint(1, 28)}, {rng.randint(2008, 2020)}\n"
            f"- Messages\n- {rng.randint(10, 9999):,}\n- Reaction score\n- {rng.randint(-20, 900)}\n- Country\n- Location"
        )
        replies = rng.sample(FORUM_REPLIES, {1: 0, 2: 2, 3: 5}[strength])
        extra = [paras[0]] if strength == 3 else []  # a reply quoting the lead again
        return title, "\n".join([head, *paras, *replies, *extra])
    if kind == "abridged":
        frac = {1: 0.5, 2: 0.4, 3: 1 / 3}[strength]
        words = body.split()
        cut = max(30, round(len(words) * frac))
        return title, " ".join(words[:cut]) + " ... Read more"
    raise ValueError(kind)


def renumber(text: str, rng: random.Random) -> str:
    def sub(m: re.Match[str]) -> str:
        s = m.group(0)
        out = "".join(rng.choice("0123456789") if c.isdigit() else c for c in s)
        return out if out != s else s[:-1] + str((int(s[-1]) + 1) % 10)

    return _NUM.sub(sub, text)


TEMPLATE = (
    "Stocks at the exchange closed {0} points {dir} at {1} on {day} as investors {act} banking and energy shares. "
    "Trading volume rose to {2} million shares from {3} million in the previous session, and the value of shares "
    "traded was {4} billion rupees. Of the {5} companies traded, {6} advanced, {7} declined and {8} remained unchanged.\n\n"
    "The rupee closed at {9} against the dollar in the interbank market, dealers said, while gold was quoted at "
    "{10} per tola in the local bullion market. Analysts said the market would watch the monetary policy "
    "announcement and the inflation figures due later in the month."
)


def generate(
    n_originals: int = 700, copies_per_original: int = 3, seed: int = 20240501, adversarial_numbers: bool = False
) -> list[dict]:
    rng = random.Random(seed)
    sources = load_sources()
    originals = pick_originals(sources, n_originals, rng)
    titles = [d["title"] for d in sources]
    combos = [(k, s) for k in KINDS for s in (1, 2, 3)]
    out: list[dict] = []
    c = 0
    for oi, d in enumerate(originals):
        story = f"s{oi}"
        out.append({"doc_id": f"o{oi}", "story": story, "kind": "original", "strength": 0, "category": d["category"],
                    "title": d["title"], "body": d["body"], "source": d["id"]})
        twin = len(_NUM.findall(d["body"])) >= 3 and (adversarial_numbers or oi % 5 == 4)
        if twin:  # a templated report of another day: same text, every number changed
            out.append({"doc_id": f"o{oi}-numbers", "story": f"{story}-numbers", "kind": "numbers", "strength": 0,
                        "category": d["category"], "title": d["title"], "body": renumber(d["body"], rng), "source": d["id"]})
            if not adversarial_numbers:
                continue  # its copies would be ambiguous (an abridged lead without numbers fits both)
        for j in range(min(copies_per_original, len(combos))):
            kind, strength = combos[(c + j) % len(combos)]
            t, b = edit(d, kind, strength, rng, titles)
            out.append({"doc_id": f"o{oi}-{kind}{strength}", "story": story, "kind": kind, "strength": strength,
                        "category": d["category"], "title": t, "body": b, "source": d["id"]})
        c += copies_per_original
    for day in range(100):
        vals = [rng.randint(10, 900), f"{rng.randint(40000, 48000):,}", rng.randint(100, 400), rng.randint(100, 400),
                round(rng.uniform(5, 15), 1), rng.randint(360, 400), rng.randint(100, 250), rng.randint(100, 250),
                rng.randint(10, 30), f"{rng.uniform(160, 180):.2f}", f"{rng.randint(100000, 130000):,}"]
        body = TEMPLATE.format(*vals, dir=rng.choice(["higher", "lower"]), day=rng.choice(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]),
                               act=rng.choice(["bought", "sold"]))
        out.append({"doc_id": f"t{day}", "story": f"t{day}", "kind": "template", "strength": 0, "category": "template",
                    "title": "Market report", "body": body, "source": "template"})
    rng.shuffle(out)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--originals", type=int, default=700)
    ap.add_argument("--copies", type=int, default=3)
    ap.add_argument("--seed", type=int, default=20240501)
    ap.add_argument("--out", default="/tmp/newsetl-perturb.jsonl")
    ap.add_argument("--adversarial-numbers", action="store_true")
    a = ap.parse_args()
    docs = generate(a.originals, a.copies, a.seed, a.adversarial_numbers)
    with open(a.out, "w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps(d) + "\n")
    kinds: dict[str, int] = defaultdict(int)
    for d in docs:
        kinds[d["kind"]] += 1
    print(f"{len(docs)} documents -> {a.out}: " + ", ".join(f"{k}={v}" for k, v in sorted(kinds.items())))


if __name__ == "__main__":
    main()
