"""Recognisers for page chrome in text scraped from forums (XenForo, vBulletin, phpBB), comment widgets
(Disqus, WordPress) and news pages pasted as text.

All recognisers work on one stripped line. Chrome lines are short, so every regex sits behind a length
test (and most behind a first-character or substring test); prose lines cost one ``len``.
"""

from __future__ import annotations

import re


def _first_char_gated(first: str, pattern: str) -> re.Pattern[str]:
    """``pattern`` (case-insensitive) behind a lookahead on the characters its matches can open with: a line
    opening with another character fails in one test, not one per alternative (the engine skips an
    alternative on its first character only for a case-sensitive literal). ``first`` must hold every
    possible first character (tests/clean/test_share_bar.py derives them from the parsed pattern)."""
    return re.compile(f"(?={first})(?:{pattern})", re.I)


# --- forum user block (the author panel printed above or beside each post) -------------------------
_RANK = re.compile(
    r"(?:(?:full|senior|elite|new|junior|regular|well[- ]known|active|registered|premium|valued|retired|"
    r"veteran|staff|super|global|senior|think\s+tank|military|top|trusted|verified|honou?red|platinum|gold|"
    r"silver|bronze|probationary|restricted)\s+)+"
    r"(?:member|analyst|moderator|mod|administrator|admin|user|professional|contributor|poster|writer)"
    r"|member|moderator|administrator|banned|staff member|guest|new member|suspended",
    re.I,
)
_LABELS = (
    r"joined|join date|member since|messages|posts|threads|reaction score|likes received|likes|"
    r"trophy points|points|country|location|gender|age|reputation|rep power|credits|solutions|ratings|"
    r"best answers|thanks|thanked|lives in|from|occupation|website|nationality|flag|"
    r"thanks given|thanks received|thanks \(given\)|thanks \(received\)"
)
_LABEL = re.compile(r"(?:[-•*·]\s*)?(?:" + _LABELS + r")\s*(?::\s*(?P<value>.{0,40}))?", re.I)
_RANK_FIRST, _LABEL_FIRST = r"[abefghjmnprstvw]", r"[-•*·abcfgjlmnoprstw]"
_RANK_RE, _LABEL_RE = _first_char_gated(_RANK_FIRST, _RANK.pattern), _first_char_gated(_LABEL_FIRST, _LABEL.pattern)
_DASH_VALUE = re.compile(r"[-•*·]\s*\S(?:\S*\s?){0,4}")

# --- other forum chrome (post headers, quote markers, reaction and share bars) ------------------------
# Alternatives that open with a wildcard (the engine tries every split of the line's first 30-40
# characters before failing) sit in their own regexes behind the substring or last-character test that
# each of them needs; _FORUM_LINE is their union (what forum_chrome tests).
_FORUM_MAIN = (
    r"click to expand\.{0,3}|…?click to expand…?|"
    r"reactions?\s*:.*|"  # XenForo "Reactions: A, B and 3 others"
    r"add bookmark|thread starter\b.*|start date\b.*|last edited(?: by .{1,40})?:?.*|"
    r"discussion in '.{1,60}' started by .{1,80}|"
    r"originally posted by .{1,60}|quote:?|reply with quote|multi-quote this message|"
    r"post by .{1,60}».*|re:\s.{1,150}|top|back to top|"
    r"(?:you must )?log in or register to reply here\.?|not open for further replies\.?|"
    r"(?:\d+\s+)?(?:users?|members?|guests?) (?:are )?viewing this thread.*|"
    r"similar threads|share this page|share:|tags(?::.*)?|status:?\s*not open.*|"
    r"\d+ (?:users?|people) (?:liked|like|thanked) this.*|"
    r"the following \d+ users? (?:say thank you|thanked).*"
)
_FORUM_NUMBER = r"(?:.{0,40}\s)?#\d{1,6}"  # "Apr 7, 2021 #1", "#12": needs "#"
_FORUM_SAID = (  # "Vanguard One said:": ends with ":"
    r"(?!(?:he|she|they|it|we|i|you|the|a|an|his|her|this|that|spokes\w+|officials?|ministers?)\b)"
    r"[^\s:][^:]{0,30} said:"
)
_FORUM_LIKES = r".{1,40} likes? this\.?"  # ends with "s" (or "ſ", case-insensitively) or "."
_FORUM_LINE = re.compile("|".join((_FORUM_MAIN, _FORUM_NUMBER, _FORUM_SAID, _FORUM_LIKES)), re.I)


_FORUM_MAIN_FIRST = r"[\dabcdglmnopqrstuy…]"
_FORUM_MAIN_RE = _first_char_gated(_FORUM_MAIN_FIRST, _FORUM_MAIN)
_FORUM_NUMBER_RE, _FORUM_SAID_RE, _FORUM_LIKES_RE = (re.compile(x, re.I) for x in (_FORUM_NUMBER, _FORUM_SAID, _FORUM_LIKES))
_BAR_TOKENS = frozenset(
    ["like", "likes", "unlike", "reply", "replies", "quote", "quotes", "report", "share", "shared", "tweet", "retweet", "facebook", "twitter", "x", "whatsapp", "email", "e-mail", "print", "linkedin", "reddit", "pinterest", "tumblr", "telegram", "vk", "link", "copy", "save", "bookmark", "upvote", "downvote", "vote", "follow", "permalink", "thanks", "thank", "agree", "disagree", "love", "haha", "wow", "sad", "angry", "funny", "winner", "informative", "useful", "react", "more", "options", "menu", "comment", "comments", "flag", "block", "mute", "embed", "subscribe", "messenger", "sms", "mail", "on", "this", "·", "•", "|", "/", "-", "–", "—", ">", "»", "›", "+"]
)
_BAR_SPLIT = re.compile(r"[\s,:;()]+")
_BAR_FIRST = re.compile(r"[\s,:;()]*([^\s,:;()]+)(?:[\s,:;()]+([^\s,:;()]+))?")  # the first two tokens

# --- news page chrome ----------------------------------------------------------------------------------
_PAGE_MAIN = (
    r"advertisement|advertisements|sponsored(?: content)?|story continues below(?: advertisement)?|"
    r"continue reading(?: below)?|scroll (?:down|to continue).*|"
    r"(?:share|share this|share this (?:article|story|post)|share on \w+|follow us on .{1,60})[:.]?|"
    r"(?:read more|also read|related|see also|recommended|more on this|related news|related stories)\s*:.{0,200}|"
    r"(?:read more|also read|related articles?|related stories|related news|you may also like|"
    r"recommended for you|more from .{1,40}|most read|trending now|latest news)\.?|"
    r"(?:subscribe|sign up)(?: to| for)? (?:our|the) (?:newsletter|channel).*|"
    r"(?:copyright\s*)?©.{0,120}|copyright \d{4}.{0,120}|all rights reserved\.?|"
    r"(?:click|tap) here to .{1,100}|"
    r"powered by disqus|sort by (?:best|newest|oldest)|log in with|or sign up with disqus.*|"
    r"be the first to comment\.?|join the discussion…?\.{0,3}|do not sell my data|"
    r"load more comments|show more replies|view \d+ more repl(?:y|ies)|hide replies|"
    r"(?:\d+ )?(?:minutes?|hours?|days?|weeks?|months?|years?) ago"
)
_PAGE_AGO = r"(?:[\w .'-]{1,40} )?•\s*\d+\s*(?:minutes?|hours?|days?|weeks?|months?|years?) ago.*"  # needs "•"
_PAGE_LINE = re.compile(_PAGE_MAIN + "|" + _PAGE_AGO, re.I)
_PAGE_MAIN_FIRST = r"[\dabcdfhjlmoprstvwy©]"
_PAGE_MAIN_RE, _PAGE_AGO_RE = _first_char_gated(_PAGE_MAIN_FIRST, _PAGE_MAIN), re.compile(_PAGE_AGO, re.I)

# a line that opens the readers' comment section: what follows is comments, not body
COMMENT_HEADER = re.compile(
    r"(?:\d+\s+)?(?:comments?|responses?|replies|reader comments|readers'? comments|"
    r"leave a (?:reply|comment)|post a comment|add (?:a|your) comment|join the discussion…?|"
    r"comments?\s*\(\d+\)|show comments|view comments|what do you think\??|have your say|"
    r"\d+ thoughts? on .{1,200}|\d+ responses? to .{1,200}|discussion)\s*:?",
    re.I,
)
_COMMENT_HEADER_FIRST = r"[\dacdhjlprsvw]"
_COMMENT_HEADER_RE = _first_char_gated(_COMMENT_HEADER_FIRST, COMMENT_HEADER.pattern)  # what comment_header tests

# wire credits at the end of agency copy: "(Reporting by X; Editing by Y)"
_WIRE_CREDIT = re.compile(
    r"\(?(?:reporting|additional reporting|writing|editing|compiled|translated) by\b[^()]{1,200}\)?\.?|"
    r"\((?:with )?(?:inputs? from )?(?:reuters|afp|ap|app|pti|ians|ani|agencies|dpa|efe|xinhua|tass)"
    r"(?: ?[/,&] ?\w+)*\)\.?",
    re.I,
)


# A line that comment_header, forum_chrome, share_bar, page_chrome or wire_credit accepts holds one of
# these characters: every alternative of their regexes needs an ASCII letter (matched case-insensitively:
# also "İ", "ı", "ſ" and the Kelvin sign), "#" or "©", and a share bar a button word, i.e. a character
# whose casefold has an ASCII letter ("ß", ligatures ...). tests/clean/test_share_bar.py checks all three.
CHROME_CHARS = re.compile(
    "[A-Za-z#©\u0130\u0131\u017f\u212a\u00df\u0149\u01f0\u1e96-\u1e9a\u1e9e\ufb00-\ufb06]"
)


def rank_line(line: str) -> bool:
    return len(line) <= 40 and _RANK_RE.fullmatch(line) is not None


def label_line(line: str) -> bool:
    return len(line) <= 60 and _LABEL_RE.fullmatch(line) is not None


_BARE_VALUE = re.compile(r"[-+]?[\d.,]+[kKmM]?|[\w.'’-]+(?:\s[\w.'’,-]+){0,3}")


_DATE_LABELS = ("joined", "join date", "member since")
_DATE_VALUE = re.compile(r".*\d.*(?:[A-Za-z]{3}|\d[/.-]\d).*|.*[A-Za-z]{3}.*\d.*")


def bare_value_line(line: str, label: str) -> bool:
    """The value under a bare panel label: a number, a date (only under "Joined"), a place ("8,412",
    "Jun 11, 2018", "Lahore"): a post's date line under a bare "Location" is not the location."""
    if len(line) > 30 or line[-1:] in ".!?:;" or _BARE_VALUE.fullmatch(line) is None:
        return False
    return label.startswith(_DATE_LABELS) or not _DATE_VALUE.fullmatch(line)


def dash_value_line(line: str) -> bool:
    return len(line) <= 40 and line[:1] in "-•*·" and _DASH_VALUE.fullmatch(line) is not None


def forum_chrome(line: str) -> bool:
    n = len(line)
    if n > 200 or n == 0:
        return False
    if n > 60 and line[:1] not in "RrTtSsDd":  # only Reactions:/Thread starter/Start date/Re:/Discussion in are long
        return False
    return (  # _FORUM_LINE.fullmatch(line), each wildcard-led alternative behind what it needs
        _FORUM_MAIN_RE.fullmatch(line) is not None
        or ("#" in line and _FORUM_NUMBER_RE.fullmatch(line) is not None)
        or (line[-1] == ":" and _FORUM_SAID_RE.fullmatch(line) is not None)
        or (line[-1] in "sSſ." and _FORUM_LIKES_RE.fullmatch(line) is not None)
    )


_THREAD_DATE = re.compile(
    r"(?:thread starter .{1,60}?\s)?start date\s+(?P<a>.{6,40})|post by .{1,60}?»\s*(?P<b>.{6,40})|"
    r"discussion in '.{1,60}' started by .{1,60}?,\s*(?P<c>.{6,40}?)\.?",
    re.I,
)


def thread_date(line: str) -> str | None:
    """The date a thread header line states ("Thread starter X Start date Mar 3, 2023", "Post by X » Tue
    Feb 13, 2024 9:02 am", "Discussion in 'Y' started by X, Jan 9, 2024.")."""
    m = _THREAD_DATE.fullmatch(line)
    if m is None:
        return None
    return (m.group("a") or m.group("b") or m.group("c") or "").strip() or None


_POST_NUMBER = re.compile(r"(?:.{0,40}\s)?#(\d{1,6})")


def post_number(line: str) -> int | None:
    """The post number of a forum post header ("#2", "Apr 7, 2021 #3"), else None."""
    if "#" not in line or len(line) > 60:
        return None
    m = _POST_NUMBER.fullmatch(line)
    return int(m.group(1)) if m else None


def share_bar(line: str) -> bool:
    """A line made only of social/reaction buttons ("Like Reply Share", "Facebook Twitter WhatsApp")."""
    if len(line) > 120:
        return False
    # casefold turns no separator into a non-separator or back (tests/clean/test_share_bar.py checks every
    # character), so the casefolded line's first tokens are the line's first tokens casefolded: the first
    # two tokens are folded alone, and the whole line only when both are buttons
    first = _BAR_FIRST.match(line)
    if first is None:
        return False
    tok = first[1].casefold()
    if not (tok in _BAR_TOKENS or tok.isdigit()):
        return False  # the first token already is no button (most lines): no need to split the rest
    if first[2] is not None:  # a bullet ("- ", "| ") opens many prose lines: their second token is a word
        tok = first[2].casefold()
        if not (tok in _BAR_TOKENS or tok.isdigit()):
            return False
    low = line.casefold()
    toks = [t for t in _BAR_SPLIT.split(low) if t]
    return bool(toks) and all(t in _BAR_TOKENS or t.isdigit() for t in toks) and any(t.isalpha() for t in toks)


def page_chrome(line: str) -> bool:
    n = len(line)
    if n == 0 or n > 220:
        return False
    return _PAGE_MAIN_RE.fullmatch(line) is not None or (  # _PAGE_LINE.fullmatch(line)
        "•" in line and _PAGE_AGO_RE.fullmatch(line) is not None
    )


def comment_header(line: str) -> bool:
    return 0 < len(line) <= 220 and _COMMENT_HEADER_RE.fullmatch(line) is not None


def wire_credit(line: str) -> bool:
    return 0 < len(line) <= 260 and line[:1] in "(RrAaWwEeCcTt" and _WIRE_CREDIT.fullmatch(line) is not None


def username_like(line: str) -> bool:
    """A short line that can be a forum user name (no sentence punctuation, at most 4 tokens)."""
    return (
        0 < len(line) <= 40
        and len(line.split()) <= 4
        and line[-1] not in ".!?:;,\"”’)"
        and line[:1] not in "-•*·"
    )


def find_user_blocks(lines: list[str]) -> list[tuple[int, int]]:
    """Spans [start, end) of forum author panels: rank lines, "Joined"/"Messages"/... labels and their
    "- value" lines (or bare value lines right under a bare label), plus the user-name line just above. Blank lines inside a panel are included.
    A span needs a rank line or two labels, so a lone "Location: Lahore" in prose is not chrome."""
    spans: list[tuple[int, int]] = []
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        if not line or len(line) > 60 or not (rank_line(line) or label_line(line)):
            i += 1
            continue
        start = j = i
        ranks = labels = 0
        last = i
        bare = ""  # the previous line was a label without its value ("Joined" / "Jun 11, 2018")
        while j < n:
            cur = lines[j]
            if not cur:
                j += 1
                continue
            if rank_line(cur):
                ranks += 1
                bare = ""
            elif label_line(cur):
                labels += 1
                bare = "" if ":" in cur else cur.lstrip("-•*· ").lower()
            elif labels and (dash_value_line(cur) or (bare and bare_value_line(cur, bare))):
                bare = ""
            else:
                break
            last = j
            j += 1
        if ranks or labels >= 2:
            # user name line above the panel
            k = start - 1
            while k >= 0 and not lines[k]:
                k -= 1
            if k >= 0 and username_like(lines[k]) and (not spans or spans[-1][1] <= k):
                start = k
            spans.append((start, last + 1))
        i = last + 1
    return spans
