"""The one title normaliser: site/section affixes, learned affixes, glued dates (en/ru/ur)."""

from __future__ import annotations

import html

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsetl.extract.sources import parse_sources
from newsetl.extract.textdate import TextDate
from newsetl.extract.title import clean_title, learn_affixes, split_title_date, strip_learned, title_key


@pytest.mark.parametrize(
    ("raw", "kw", "want"),
    [
        # the record's own domain / site name, with the section next to it
        ("Senators rally - World - DAWN.COM", {"domain": "dawn.com"}, "Senators rally"),
        ("Minor girl tortured in Lahore | Pakistan - Geo.tv", {}, "Minor girl tortured in Lahore"),
        ("JUI-F chief meets Zardari | Pakistan | thenews.com.pk |", {}, "JUI-F chief meets Zardari"),
        ("Forewarning events - Daily Times", {}, "Forewarning events"),  # a publisher of sources.yaml
        ("Gold hits record | Reuters", {}, "Gold hits record"),  # an agency
        ("Ad sales boost profit – BBC News", {}, "Ad sales boost profit"),  # agency + section word
        ("Dawn: Senators rally behind the bill", {"site_names": ["Dawn"]}, "Senators rally behind the bill"),
        ("10 Books to Read – SoloWorkStudio", {"site_names": ["SoloWorkStudio"]}, "10 Books to Read"),
        ("Production Process: A Guide - QuickFrame", {"url": "https://quickframe.mountain.com/blog/x"},
         "Production Process: A Guide"),
        ("Restaurants to Visit | Houstonia Magazine", {"url": "https://www.houstoniamag.com/eat"},
         "Restaurants to Visit"),
        ("The Fold-and-Cut Problem (Erik Demaine)", {"url": "https://erikdemaine.org/foldcut"},
         "The Fold-and-Cut Problem"),
        ("Knowledge Management, Part IV - by Jessica Talisman", {}, "Knowledge Management, Part IV"),
        ("Plumbers train as teachers : NPR", {"domain": "npr.org"}, "Plumbers train as teachers"),
        # a breadcrumb to the site: every step of it goes, a section no word list knows included
        ("Open source forum software? / GNU/Linux Discussion / Arch Linux Forums",
         {"url": "https://bbs.archlinux.org/viewtopic.php?id=1"}, "Open source forum software?"),
        ("Arch Linux Forums » Kernel & Hardware » Laptop fan stays on after resume",
         {"url": "https://bbs.archlinux.org/viewtopic.php?id=1"}, "Laptop fan stays on after resume"),
        # one pipe, a short capitalised tail: a site even when nothing names it
        ("Tua Tagovailoa's draft status uncertain | Honolulu Star-Advertiser", {}, "Tua Tagovailoa's draft status uncertain"),
        # Russian and Urdu sites
        ("Путин провёл совещание - РИА Новости", {}, "Путин провёл совещание"),
        ("Путин провёл совещание | Новости | Интерфакс", {}, "Путин провёл совещание"),
        ("عمران خان کی ضمانت منظور - بی بی سی اردو", {}, "عمران خان کی ضمانت منظور"),
        ("اسٹاک مارکیٹ میں تیزی | کاروبار | express.pk", {}, "اسٹاک مارکیٹ میں تیزی"),
        # characters: entities decoded, whitespace collapsed, quotes/case/code points kept
        ("13 &#039;desi foods&#039; you  must try", {}, "13 'desi foods' you must try"),
        ("“Quoted” Headline’s Case", {}, "“Quoted” Headline’s Case"),
        ("پرانی ویڈیوز دیکھ کر آج بھی", {}, "پرانی ویڈیوز دیکھ کر آج بھی"),  # ا + madda, not NFC آ
    ],
)  # fmt: skip
def test_site_and_section_affixes(raw: str, kw: dict[str, object], want: str) -> None:
    assert clean_title(raw, **kw) == want  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "title",
    [
        "India - Pakistan talks resume",  # a section word alone is never stripped
        "PSL final should be held in Lahore: Amir Khan",  # a colon is not a site separator
        "Вильнёв: Хюлкенберг знает, что карьера завершена",
        "کینیڈا: مندر کے باہر ہنگامہ آرائی، تحقیقات شروع",
        "Job cuts 'false economy' - TUC",  # TUC is not a site
        "«Газпром-медиа» запустил собственный бренд",  # » inside Russian quotes is no separator
        "DAWN.COM",  # a title that is the site's name stays
        "Pakistan - World",
        "Daily Times",
        "Budget 2024 | what it means for you and your family",  # a long or lower-case tail stays
        "Imran Khan | Profile",  # too little left
    ],
)
def test_headlines_are_kept(title: str) -> None:
    assert clean_title(title, domain="dawn.com" if title == "DAWN.COM" else None) == title


def test_a_breadcrumb_needs_one_separator_on_both_sides() -> None:
    url = "https://bbs.archlinux.org/viewtopic.php?id=1"
    # "Desktop Support" sits between " - " and " / ": no breadcrumb, and no section word list names it
    assert clean_title("Fan stays on after resume - Desktop Support / Arch Linux Forums", url=url) == (
        "Fan stays on after resume - Desktop Support"
    )
    assert clean_title("Rock / Paper / Scissors league opens its season", url=url) == (
        "Rock / Paper / Scissors league opens its season"
    )


def test_the_pipe_tail_guess_can_be_turned_off() -> None:
    # a headline the page shows keeps its own "| tail"; the site named by the domain still goes
    raw = "12 Must-Have Data Analysis Tools for 2026 | Python, SQL & AI | Splunk"
    assert clean_title(raw, domain="splunk.com") == "12 Must-Have Data Analysis Tools for 2026"
    assert clean_title(raw, domain="splunk.com", guess_tail=False) == (
        "12 Must-Have Data Analysis Tools for 2026 | Python, SQL & AI"
    )


def test_empty_and_wordless() -> None:
    assert clean_title(None) is None
    assert clean_title("   ") is None
    assert clean_title(" - | - ") is None
    assert clean_title("Reuters") == "Reuters"  # nothing left to keep: the strip is not made


def test_knowledge_file_drives_the_sites() -> None:
    kn = parse_sources({"agencies": ["Morning Wire"], "section_words": ["gadgets"]})
    assert clean_title("New phone out | Gadgets | Morning Wire", knowledge=kn) == "New phone out"
    assert clean_title("New phone out - Reuters", knowledge=kn) == "New phone out - Reuters"


def test_learned_affixes_per_source() -> None:
    titles = [f"Story number {i} about things - Film & TV - Images" for i in range(5)] + [
        "Another story - Food - Images", "Headline with - Blair", "Other headline - Blair"]  # fmt: skip
    pairs = [("dir:/data/dawn", t) for t in titles] + [("dir:/data/other", "Lone title - Images")]
    learned = learn_affixes(pairs)
    # "Film & TV" / "Food" go as sections next to the learned site name; "Blair" ends only 2 titles
    assert learned == {"dir:/data/dawn": frozenset({"images"})}
    assert strip_learned(titles[0], learned["dir:/data/dawn"]) == "Story number 0 about things"
    assert strip_learned("Another story - Food - Images", learned["dir:/data/dawn"]) == "Another story"
    assert strip_learned("Headline with - Blair", learned["dir:/data/dawn"]) == "Headline with - Blair"


def test_learning_needs_a_share_of_the_source() -> None:
    pairs = [("s", f"Headline {i} - report") for i in range(3)] + [("s", f"Plain headline {i}") for i in range(300)]
    assert learn_affixes(pairs) == {}  # 3 of 303 titles: a phrase, not the site
    assert learn_affixes(pairs, min_share=0.0) == {"s": frozenset({"report"})}


def test_learning_counts_distinct_titles() -> None:
    assert learn_affixes([("s", "Same headline - Site X")] * 10) == {}


@pytest.mark.parametrize(
    ("title", "head", "date"),
    [
        ("سابق ٹیسٹ کرکٹر انتقال کر گئے08 نومبر ، 2024", "سابق ٹیسٹ کرکٹر انتقال کر گئے", (8, 11, 2024)),
        ("پاکستان ٹیم کا اعلان ہفتہ 9 نومبر 2024", "پاکستان ٹیم کا اعلان", (9, 11, 2024)),
        ("پاکستان ٹیم کا اعلان ۰۸ نومبر ۲۰۲۴", "پاکستان ٹیم کا اعلان", (8, 11, 2024)),
        ("پاکستان ٹیم کا اعلان7 اکتوبر 2024ء", "پاکستان ٹیم کا اعلان", (7, 10, 2024)),
        ("پاکستان ٹیم کا اعلان08 نومبر", "پاکستان ٹیم کا اعلان", (8, 11, None)),
        ("Budget passed by assembly | 4 December 2023", "Budget passed by assembly", (4, 12, 2023)),
        ("Budget passed by assembly - Dec 4, 2023", "Budget passed by assembly", (4, 12, 2023)),
        ("Gym lawsuits explained | 12/20/2024", "Gym lawsuits explained", (20, 12, 2024)),
        ("Бюджет принят | 4 декабря 2023 года", "Бюджет принят", (4, 12, 2023)),
    ],
)
def test_glued_date_is_cut(title: str, head: str, date: tuple[int, int, int | None]) -> None:
    got_head, td = split_title_date(title)
    assert got_head == head
    assert td is not None and (td.day, td.month, td.year) == date


@pytest.mark.parametrize(
    "title",
    [
        "Polls on 8 February 2024",  # the headline's own date
        "Elections to be held in Pakistan on Feb 8",
        "Гороскоп на сегодня: 16 мая 2020 года",
        "Баку примет Алюминий 20-25 ноября",
        "Обновление станет доступно 16 мая в 20:00",
        "آئیڈیاز کا 12واں ایڈیشن 19 سے 22 نومبر 2024",
        "اسٹیٹ بینک 19 نومبر 2024ء کو ویمن ڈے منائے گا",
        "India v England, 4 December",
        "4 December",
    ],
)
def test_date_of_the_headline_stays(title: str) -> None:
    assert split_title_date(title) == (title, None)


def test_title_key() -> None:
    assert title_key("Russia, Pakistan: ties!") == title_key("russia pakistan ties")
    assert title_key("پرانی ویڈیوز دیکھ کر آج") == title_key("پرانی ویڈیوز دیکھ کر آج")  # NFC-insensitive


_TITLE_CHARS = st.sampled_from([*"abc XYZ -|–:·.'’\"&;#0123", "DAWN.COM", " - ", " | ", "Reuters", "World",
                                "نومبر", "ноября", "&amp;", "08"])  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(_TITLE_CHARS, max_size=25).map("".join))
def test_clean_title_is_idempotent_and_never_empty(raw: str) -> None:
    once = clean_title(raw)
    text = html.unescape(html.unescape(html.unescape(raw)))  # what the entities say
    if any(c.isalnum() for c in text):
        assert once  # never empty when the input has a letter or digit
    assert clean_title(once) == once
    assert clean_title(once, domain="dawn.com") == clean_title(clean_title(once, domain="dawn.com"), domain="dawn.com")


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=0, max_size=60))
def test_clean_title_any_text(raw: str) -> None:
    once = clean_title(raw)
    assert clean_title(once) == once
    text = html.unescape(html.unescape(html.unescape(raw)))
    assert (once is None) == (not any(c.isalnum() for c in text))
    head, td = split_title_date(raw)
    assert isinstance(td, TextDate | None) and (td is None or head)
