"""``clean_text``: from scraped plain text to an article body plus what was taken out of it.

Pipeline (each step records ``rule -> (hits, chars_removed)`` in the ledger):

1. ``normalize_text`` (characters and whitespace).
2. ``lost_chars``: runs of 2+ ``?`` left where a non-encodable character (emoji, flags, other scripts)
   was replaced before ingest. A run glued to a word ("really??") keeps one ``?``; the rest is counted
   in ``encoding_loss``. A single ``?`` is never touched.
3. Line rules: tweet/Instagram embeds -> ``embeds``; forum author panels (``forum_user_block``), other
   forum chrome (``forum_chrome``: "Click to expand...", "Reactions: ...", "X said:", "#1" ...), share
   bars, page chrome ("Advertisement", "Read more: ..."), wire credits, URL-only and hashtag-only lines.
4. Paragraphs: blank lines separate paragraphs; a block of single-newline lines is one paragraph per
   line, unless it is hard-wrapped (lines of near-equal width), in which case its lines are joined.
5. Paragraph rules: link cards (headline + description + bare domain; the headline and domain go to
   ``hints``), the readers' comment section (after a "Comments"/"Leave a reply" header in the second
   half of the text), replies (the posts after a thread's first post: see ``_reply_starts``; a reply's
   quote of the first post is dropped, ``quoted_in_reply``), short lines trailing a link card,
   repeated paragraph blocks (kept once), and short lines sitting between a block and its repeat (a
   comment pasted with each copy).

Guards: a rule that would take most of a body needs the structure it found. The comment section
needs a header in the second half; replies need a later post (an author panel or a post number) and
a first post of at least ``MIN_FIRST_POST_WORDS`` words of prose, else nothing is split off and the
ledger records ``guard_replies_kept`` (hits 1, chars 0).

The body is built only from input characters (after normalisation); ``clean_text`` is idempotent.

Positions: every line or paragraph a rule removes is also recorded as a ``[start, end)`` span of the
input text (``CleanText.spans``, rule -> spans; see ``newsetl.clean.spans``), and so is every body
paragraph (``CleanText.par_spans``), so an edit can be shown in its raw context and the body rebuilt from
the input by removing the spans. ``spans`` is None when positions could not be traced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import accumulate

import numpy as np

from newsetl.clean import chrome
from newsetl.clean import spans as sp
from newsetl.clean.embeds import find_embeds
from newsetl.clean.normalize import Ledger, _count, normalize_text
from newsetl.model import CleanText, EmbeddedPost

_QRUN = re.compile(r"\?{2,}")
_QQ = re.compile(r"\?\?")  # matches where _QRUN does (a literal: the engine searches for it fast)
_URL_LINE = re.compile(
    r"(?:(?:source|via|link|courtesy|read more|more|url|full story|details)\s*[:\-–]?\s*)?"
    r"<?(?P<url>(?:https?://|www\.)\S+?)>?[.)]?",
    re.I,
)
_TLDS = (
    "com|net|org|info|news|gov|edu|int|mil|biz|tv|io|co|me|asia|today|online|site|live|press|media|world|"
    "global|blog|agency|website|space|xyz|app|post|times|report|network|tech|ai"
)
_DOMAIN_LINE = re.compile(
    r"(?:https?://)?(?P<host>(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:" + _TLDS + r"|[a-z]{2}))/?",
    re.I,
)
_HASHTAG_LINE = re.compile(r"(?:[#@][\w]+[\s,.;:|/·•]*)+")
_SENTENCE_END = ".!?:;"
_WORD = re.compile(r"\w+")

BODY, COMMENT, DROP = "body", "comment", "drop"
POST, HEADER, DOMAIN = "post", "header", "domain"  # sentinels


@dataclass(slots=True)
class _Par:
    text: str
    kind: str = BODY
    group: int = -1  # replies: paragraphs of one reply share a group
    words: int = 0
    norm: str = ""  # text with its whitespace collapsed to single spaces
    start: int = 0  # [start, end) in the pass's working text
    end: int = 0


@dataclass(slots=True)
class _Trace:
    """Where one pass's edits and body paragraphs sit in its working text (after normalisation)."""

    work: str
    pieces: list[tuple[str, int, int]]  # (rule, start, end) of each removed line or paragraph
    body: list[tuple[int, int]]  # span of each body paragraph, in body order


def _lost_chars(text: str, ledger: Ledger) -> tuple[str, int]:
    lost = 0

    def repl(m: re.Match[str]) -> str:
        nonlocal lost
        start = m.start()
        glued = start > 0 and text[start - 1].isalnum()
        n = len(m.group())
        if glued:
            lost += n - 1
            return "?"
        lost += n
        return ""

    new, hits = _QRUN.subn(repl, text)
    if hits:
        # removal may leave double spaces or blank-padded lines: re-normalise those
        new = re.sub(r"[ \t]{2,}", " ", new)
        new = re.sub(r"[ \t]*\n[ \t]*", "\n", new).strip()
        _count(ledger, "lost_chars", hits, len(text) - len(new))
    return new, lost


def _is_wrapped(block: list[str]) -> bool:
    """Hard-wrapped prose: 3+ lines, all but the last of near-equal width (40-100 chars), mostly ending
    mid-sentence. Scraped paragraphs one per line have ragged widths and end with punctuation."""
    if len(block) < 3:
        return False
    body = [len(x) for x in block[:-1]]
    width = max(body)
    if width < 40 or width > 100 or len(block[-1]) > width + 5:
        return False
    ends = sum(1 for x in block[:-1] if x[-1] in ".!?\"”’")
    return (
        min(body) >= 0.6 * width
        and sum(1 for w in body if w >= 0.75 * width) >= 0.7 * len(body)
        and ends * 2 < len(body)
    )


def _headline_like(p: _Par, max_words: int = 25) -> bool:
    t = p.text
    return p.kind == BODY and 2 <= p.words <= max_words and t[-1] not in ".,;:" and not t.endswith("...")


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def _pkey(p: _Par) -> str:
    """``_key(p.text)`` from the paragraph's collapsed text (casefold neither makes nor removes whitespace)."""
    return p.norm.casefold()


_CHAR_RULES = frozenset(
    {"html_entities", "zero_width", "mojibake", "unicode_nfc", "nbsp", "line_breaks", "control_chars", "whitespace"}
)
MAX_PASSES = 4


def clean_text(text: str) -> CleanText:
    """Clean scraped plain text: see the module docstring for the rules.

    Removing a line can expose another (two panel lines become adjacent, a card loses its last
    paragraph...), so when a structural rule fired the cleaner runs again on its own output until
    nothing changes; this makes ``clean_text`` idempotent. Clean documents take one pass.
    """
    result, trace = _clean_once(text)
    origin = sp.align(text, trace.work)
    pieces = _to_source(origin, trace.pieces)
    if "lost_chars" in result.ledger and pieces is not None:
        pieces.extend(("lost_chars", s, e) for s, e in _lost_char_spans(text))
    for _ in range(MAX_PASSES - 1):
        if _CHAR_RULES.issuperset(result.ledger):
            break
        again, trace2 = _clean_once(result.body)
        if again.body == result.body:
            break
        if origin is not None and pieces is not None:  # this pass's input is the last body
            inner = sp.align(result.body, trace2.work)
            origin = None if inner is None else _body_origin(origin, trace, result.body).then(inner)
            more = _to_source(origin, trace2.pieces)
            pieces = None if more is None else pieces + more
        trace = trace2
        for rule, (h, r) in again.ledger.items():
            h0, r0 = result.ledger.get(rule, (0, 0))
            result.ledger[rule] = (h0 + h, r0 + r)
        seen = {_key(c) for c in result.comments}
        result.comments.extend(c for c in again.comments if _key(c) not in seen)
        result.embeds.extend(again.embeds)
        result.encoding_loss += again.encoding_loss
        for k, v in again.hints.items():
            result.hints.setdefault(k, v)
        result.body = again.body
    if origin is not None and pieces is not None:
        par_spans = origin.spans(trace.body)
        if par_spans is not None:
            result.par_spans = par_spans
            result.spans = {}
            for rule, s, e in sorted(pieces, key=lambda p: (p[1], p[2])):
                result.spans.setdefault(rule, []).append((s, e))
    return result


def _to_source(origin: sp.Alignment | sp.Identity | None, pieces: list[tuple[str, int, int]]) -> list[tuple[str, int, int]] | None:
    """Spans of the working text as spans of the input (None when any cannot be placed)."""
    if origin is None:
        return None
    got = origin.spans([(s, e) for _, s, e in pieces])
    return None if got is None else [(rule, s, e) for (rule, _, _), (s, e) in zip(pieces, got, strict=True)]


def _body_origin(origin: sp.Alignment | sp.Identity, trace: _Trace, body: str) -> sp.Alignment:
    """Map the pass's body to the pass's input: body paragraphs are their working-text spans re-spaced."""
    start = np.full(len(body), -1, dtype=np.int64)
    end = np.full(len(body), -1, dtype=np.int64)
    at = 0
    for s, e in trace.body:
        par = " ".join(trace.work[s:e].split())
        inner = sp.align(trace.work[s:e], par)
        if inner is not None:
            ok = inner.start >= 0
            seg_s = np.full(len(par), -1, dtype=np.int64)
            seg_e = np.full(len(par), -1, dtype=np.int64)
            seg_s[ok] = origin.start[inner.start[ok] + s]
            seg_e[ok] = origin.end[inner.end[ok] - 1 + s]
            start[at:at + len(par)] = seg_s
            end[at:at + len(par)] = seg_e
        at += len(par) + 2
    return sp.Alignment(start, end)


def _lost_char_spans(text: str) -> list[tuple[int, int]]:
    """The ``??`` runs ``_lost_chars`` cuts, located in the input (a run glued to a word keeps one ``?``)."""
    out = []
    for m in _QRUN.finditer(text):
        glued = m.start() > 0 and text[m.start() - 1].isalnum()
        out.append((m.start() + 1 if glued else m.start(), m.end()))
    return out


def _clean_once(text: str) -> tuple[CleanText, _Trace]:
    text, ledger = normalize_text(text)
    loss = 0
    # "??" in text, faster: one "?" scan (most texts have none), then a literal regex's scan (it skips to
    # each "?": ~2x faster than the two-character substring test on a non-ASCII text, measured)
    if "?" in text and _QQ.search(text) is not None:
        text, loss = _lost_chars(text, ledger)
    lines = text.split("\n")
    n = len(lines)
    starts = [0, *accumulate(len(x) + 1 for x in lines)]  # offset of each line in the working text
    rule: list[str | None] = [None] * n
    hints: dict[str, str] = {}
    pieces: list[tuple[str, int, int]] = []

    def drop(i: int, name: str) -> None:
        rule[i] = name
        _count(ledger, name, 1, len(lines[i]) + 1)
        pieces.append((name, starts[i], starts[i] + len(lines[i])))

    # --- embeds -----------------------------------------------------------------------------------
    embeds: list[EmbeddedPost] = []
    if "@" in text and "(@" in text:  # a one-character scan first: ~6x faster on a text without "@" (most)
        embeds, spans = find_embeds(lines)
        for s, e in spans:
            for i in range(s, e):
                if lines[i]:
                    drop(i, "tweet_embed" if "(@" in lines[e - 1] and "post shared by" not in lines[e - 1]
                         else "social_embed")  # fmt: skip

    # --- other line rules ------------------------------------------------------------------------------
    headers: set[int] = set()
    domains: set[int] = set()
    chrome_chars = chrome.CHROME_CHARS.search(text) is not None
    for i, line in enumerate(lines):
        if not line or rule[i] is not None or len(line) > 500:
            continue
        c = line[0]
        if len(line) <= 220:
            # none of these five rules can match a line without a CHROME_CHARS character (most lines of
            # Urdu or Russian text): one scan of the text, then of such lines, instead of five tests
            if chrome_chars and chrome.CHROME_CHARS.search(line):
                if chrome.comment_header(line):
                    headers.add(i)
                    continue
                if chrome.forum_chrome(line):
                    drop(i, "forum_chrome")
                    if "date" not in hints and (td := chrome.thread_date(line)):
                        hints["date"] = td  # the thread's date: extraction uses it when nothing else states one
                    continue
                if chrome.share_bar(line):
                    drop(i, "share_bar")
                    continue
                if chrome.page_chrome(line):
                    drop(i, "page_chrome")
                    continue
                if chrome.wire_credit(line):
                    drop(i, "wire_credit")
                    continue
            if c in "#@" and _HASHTAG_LINE.fullmatch(line):
                drop(i, "hashtag_only")
                continue
        if " " not in line and "." in line and len(line) <= 100 and _DOMAIN_LINE.fullmatch(line):
            domains.add(i)
            continue
        if ("http" in line or "www." in line) and _URL_LINE.fullmatch(line):
            drop(i, "url_only")

    # --- forum author panels and posts ----------------------------------------------------------------
    panels = chrome.find_user_blocks([x if rule[k] is None else "" for k, x in enumerate(lines)])
    for s, e in panels:
        for i in range(s, e):
            if lines[i] and rule[i] is None:
                drop(i, "forum_user_block")
                headers.discard(i)
                domains.discard(i)
    post_starts = _reply_starts(lines, rule, panels, ledger) if panels or "#" in text else set()

    # --- paragraphs -------------------------------------------------------------------------------------
    # each paragraph as (text, kind, start, end): the working text's lines are stripped and single-spaced,
    # with no whitespace but " " (normalize_text), so a paragraph's text is its collapsed text
    segs: list[tuple[str, str, int, int]] = []
    block: list[int] = []

    def flush() -> None:
        if len(block) >= 3 and _is_wrapped(texts := [lines[i] for i in block]):
            last = block[-1]
            segs.append((" ".join(texts), BODY, starts[block[0]], starts[last] + len(lines[last])))
        else:
            segs.extend((lines[i], BODY, starts[i], starts[i] + len(lines[i])) for i in block)
        block.clear()

    checks = bool(post_starts or headers or domains)
    for i, line in enumerate(lines):
        if checks and i in post_starts:
            if block:
                flush()
            segs.append(("", POST, starts[i], starts[i]))
        if rule[i] is not None or not line:
            if block:
                flush()
        elif checks and i in headers:
            if block:
                flush()
            segs.append((line, HEADER, starts[i], starts[i] + len(line)))
        elif checks and i in domains:
            if block:
                flush()
            segs.append((line, DOMAIN, starts[i], starts[i] + len(line)))
        elif block or (i + 1 < n and lines[i + 1]):  # a block of single-newline lines
            block.append(i)
        else:  # a paragraph of one line (the common case): no block
            segs.append((line, BODY, starts[i], starts[i] + len(line)))
    if block:
        flush()

    comments: list[str] = []
    if not checks and _distinct_keys(segs):
        # only body paragraphs (no post, header or domain line), no two alike: no paragraph rule can
        # fire (each needs one of those or a repeat), so the paragraphs are the body (most documents)
        body = "\n\n".join(t for t, _, _, _ in segs)
        body_spans = [(st, e) for _, _, st, e in segs]
    else:
        pars = [_Par(t, kind, -1, t.count(" ") + 1 if t else 0, t, st, e) for t, kind, st, e in segs]
        _paragraph_rules(pars, ledger, hints, pieces)
        body = "\n\n".join(p.norm for p in pars if p.kind == BODY and p.norm)
        body_spans = [(p.start, p.end) for p in pars if p.kind == BODY and p.norm]
        comments = _comments(pars)
    clean = CleanText(
        body=body,
        comments=comments,
        embeds=embeds,
        ledger=ledger,
        encoding_loss=loss,
        hints=hints,
    )
    return clean, _Trace(text, pieces, body_spans)


def _distinct_keys(segs: list[tuple[str, str, int, int]]) -> bool:
    """No two paragraphs share a ``_key`` (their text casefolded: it is collapsed already)."""
    keys = {t.casefold() for t, _, _, _ in segs}
    return len(keys) == len(segs)


def _comments(pars: list[_Par]) -> list[str]:
    """The comment paragraphs, each reply's paragraphs joined into one comment, each comment once."""
    comments: list[str] = []
    seen: set[str] = set()
    replies: dict[int, list[str]] = {}
    entries: list[tuple[str, int]] = []
    for p in pars:
        if p.kind != COMMENT:
            continue
        if p.group >= 0:
            if p.group not in replies:
                replies[p.group] = []
                entries.append(("", p.group))
            replies[p.group].append(p.text)
        else:
            entries.append((p.text, -1))
    for txt, g in entries:
        if g >= 0:
            txt = "\n".join(replies[g])
        k = _key(txt)
        if k and k not in seen:
            seen.add(k)
            comments.append(txt)
    return comments


MIN_POST_PROSE_WORDS = 30  # prose above the first author panel: the panel sits below each post
MIN_FIRST_POST_WORDS = 20  # a first post shorter than this is no article: replies are not split off


def _prose_words(lines: list[str], rule: list[str | None], lo: int, hi: int) -> int:
    """Words in the kept sentence-like lines of ``lines[lo:hi]`` (12+ words with a full stop or similar;
    a title, a date line or a "Thread starter" line is no prose)."""
    n = 0
    for i in range(lo, hi):
        if rule[i] is None and lines[i]:
            w = len(lines[i].split())
            if w >= 12 and any(c in lines[i] for c in ".!?؟۔"):
                n += w
    return n


def _reply_starts(lines: list[str], rule: list[str | None], panels: list[tuple[int, int]], ledger: Ledger) -> set[int]:
    """Lines where a reply (a post after the thread's first post) starts.

    Posts are delimited by author panels ("Joined / Messages / Reaction score") and post numbers ("#2",
    "Apr 7, 2021 #3"); a panel and a number with no prose between them open one post. The first post is
    the article wherever the title, dates and its panel sit: with prose above the first panel the panels
    sit below their posts (so every panel opens a reply); otherwise the first panel opens the first post.
    A post numbered #1 is never a reply. Guard: when the first post would keep fewer than
    ``MIN_FIRST_POST_WORDS`` words of prose, nothing is split off (the structure was not understood)
    and the ledger says so (``guard_replies_kept``)."""
    starts: dict[int, int | None] = {s: None for s, _ in panels}
    for i, line in enumerate(lines):
        if rule[i] == "forum_chrome" and (n := chrome.post_number(line)) is not None:
            starts[i] = n
    if not starts:
        return set()
    merged: list[tuple[int, int | None]] = []  # (first line, post number if stated)
    for i in sorted(starts):
        if merged and _prose_words(lines, rule, merged[-1][0], i) == 0 and not _kept_between(lines, rule, merged[-1][0], i):
            merged[-1] = (merged[-1][0], merged[-1][1] if merged[-1][1] is not None else starts[i])
        else:
            merged.append((i, starts[i]))
    panel_below = _prose_words(lines, rule, 0, merged[0][0]) >= MIN_POST_PROSE_WORDS
    replies: list[int] = []
    for k, (i, n) in enumerate(merged):
        if n is not None:
            if n >= 2:
                replies.append(i)
        elif panel_below or k > 0:
            replies.append(i)
    if not replies:
        return set()
    first_end = replies[0]
    first_start = 0 if panel_below else merged[0][0]
    if _prose_words(lines, rule, first_start, first_end) < MIN_FIRST_POST_WORDS and _prose_words(
        lines, rule, first_end, len(lines)
    ):
        _count(ledger, "guard_replies_kept", 1, 0)
        return set()
    return set(replies)


def _kept_between(lines: list[str], rule: list[str | None], lo: int, hi: int) -> bool:
    """Any kept line of two or more words between two post marks (a title, a short post; a post's date
    line such as "Mar 3, 2023" does not count)."""
    return any(rule[i] is None and len(w := lines[i].split()) >= 2 and not (len(w) <= 4 and any(c.isdigit() for c in lines[i]))
               for i in range(lo + 1, hi))  # fmt: skip


def _chars(pars: list[_Par], idxs: range | list[int]) -> int:
    return sum(len(pars[i].text) for i in idxs if pars[i].kind == BODY)


def _paragraph_rules(pars: list[_Par], ledger: Ledger, hints: dict[str, str],
                     pieces: list[tuple[str, int, int]]) -> None:
    def mark(i: int, kind: str, name: str) -> None:
        pars[i].kind = kind
        _count(ledger, name, 1, len(pars[i].text))
        pieces.append((name, pars[i].start, pars[i].end))

    # link cards ------------------------------------------------------------------------------------
    last_card = -1
    for d, p in enumerate(pars):
        if p.kind != DOMAIN:
            continue
        host = p.text.split("//")[-1].rstrip("/").lower()
        for prefix in ("www.", "www1.", "www2.", "m.", "amp."):
            if host.startswith(prefix):
                host = host[len(prefix):]
                break
        title_i = -1
        if d >= 2 and _headline_like(pars[d - 2]) and pars[d - 1].kind == BODY and pars[d - 1].words <= 60:
            title_i, card = d - 2, [d - 2, d - 1]
        elif d >= 1 and _headline_like(pars[d - 1]):
            title_i, card = d - 1, [d - 1]
        else:
            card = []
        mark(d, DROP, "link_card" if card else "url_only")
        if card:
            for i in card:
                mark(i, DROP, "link_card")
            if "title" not in hints:
                hints["title"] = " ".join(pars[title_i].text.split())
                hints["source_domain"] = host
            last_card = d

    # readers' comment section ----------------------------------------------------------------------
    for h, p in enumerate(pars):
        if p.kind != HEADER:
            continue
        before = _chars(pars, range(h))
        after = _chars(pars, range(h + 1, len(pars)))
        if before >= after and before > 0:
            mark(h, DROP, "comment_section")
            for i in range(h + 1, len(pars)):
                if pars[i].kind == BODY:
                    mark(i, COMMENT, "comments")
                elif pars[i].kind == HEADER:  # a later header line of the section: removed, and said so
                    mark(i, DROP, "comment_section")
            break
        p.kind = BODY  # an early "Comments" line is a heading or navigation: keep as text

    # replies: text after a later author panel ---------------------------------------------------------
    group = -1
    opened = False
    for i, p in enumerate(pars):
        if p.kind == POST:
            group += 1
            opened = True
        elif group >= 0 and p.kind == BODY:
            if opened and p.words <= 4 and any(c.isdigit() for c in p.text) and p.text[-1:] not in ".!?":
                mark(i, DROP, "forum_chrome")  # the reply's date line ("Mar 4, 2023") opens the post
                continue
            opened = False
            mark(i, COMMENT, "comments")
            p.group = group
    if group >= 0:  # a reply quoting the first post ("X said: ... Click to expand..."): the quote goes
        body_keys = {_pkey(p) for p in pars if p.kind == BODY}
        for i, p in enumerate(pars):
            if p.kind == COMMENT and p.group >= 0 and _pkey(p) in body_keys:
                mark(i, DROP, "quoted_in_reply")

    # short lines trailing the last link card -----------------------------------------------------------
    if last_card >= 0:
        tail = [i for i in range(last_card + 1, len(pars)) if pars[i].kind == BODY]
        if tail and all(pars[i].words <= 80 for i in tail) and (
            _chars(pars, tail) * 2 < _chars(pars, range(last_card))
        ):
            for i in tail:
                mark(i, COMMENT, "comments")

    # repeated paragraphs --------------------------------------------------------------------------------
    first: dict[str, int] = {}
    comment_keys = {_pkey(p) for p in pars if p.kind == COMMENT}
    body_idx = [i for i, p in enumerate(pars) if p.kind == BODY]
    rep: list[bool] = []
    for i in body_idx:
        k = _pkey(pars[i])
        if k in comment_keys:
            mark(i, DROP, "comments")  # a comment pasted again (its first copy is already in comments)
            rep.append(False)
            continue
        if k in first:
            rep.append(True)
        else:
            first[k] = i
            rep.append(False)
    # runs of repeats over the body sequence
    j = 0
    while j < len(body_idx):
        if not rep[j]:
            j += 1
            continue
        end = j
        while end < len(body_idx) and (rep[end] or pars[body_idx[end]].kind == DROP):
            end += 1
        run = [body_idx[x] for x in range(j, end) if rep[x]]
        if len(run) >= 3:
            run_chars = _chars(pars, run)
            for i in run:
                mark(i, DROP, "repeated_block")
            # short lines between the first copy and this repeat: a comment pasted with each copy
            firsts = [first[_pkey(pars[i])] for i in run]
            b = max(f for f in firsts if f < run[0])
            gap = [i for i in range(b + 1, run[0]) if pars[i].kind == BODY]
            if 1 <= len(gap) <= 4 and all(pars[i].words <= 60 for i in gap) and (
                _chars(pars, gap) * 5 < run_chars
            ):
                for i in gap:
                    mark(i, COMMENT, "comments")
        else:
            for i in run:
                if pars[i].words >= 8:
                    mark(i, DROP, "repeated_block")
        j = end
