from __future__ import annotations

import datetime as dt

import pytest

from newsetl.extract.text import byline_line, extract_text_meta, find_dateline, parse_dateline

TODAY = dt.date(2025, 1, 1)
P = "The two foreign ministers met in Islamabad for delegation-level talks lasting more than two hours."


def test_page_header_date_is_not_the_article_date() -> None:
    m = extract_text_meta(f"Monday December 05, 2022\n\nSome headline here\n\n{P}", today=TODAY)
    assert m.title == "Some headline here"
    assert m.page_date == dt.date(2022, 12, 5)
    assert m.published_date is None and m.date_source == "none"
    assert m.body == P


def test_date_line_under_title() -> None:
    m = extract_text_meta(f"Some headline here\n\nMarch 15, 2018\n\n{P}", today=TODAY)
    assert (m.published_date, m.date_source) == (dt.date(2018, 3, 15), "text:date_line")
    assert m.body == P


def test_date_line_after_page_date_is_implausible() -> None:
    m = extract_text_meta(f"March 1, 2018\n\nSome headline\n\nMarch 15, 2018\n\n{P}", today=TODAY)
    assert m.published_date is None  # published after the page was saved: impossible
    assert m.body == P


def test_date_prefix_form() -> None:
    m = extract_text_meta(f"date 2021-04-07 Russian FM in Pakistan\n\n{P}", today=TODAY)
    assert (m.title, m.published_date, m.date_source) == (
        "Russian FM in Pakistan", dt.date(2021, 4, 7), "text:date_prefix")  # fmt: skip
    m = extract_text_meta(f"Published: March 15, 2018 | Headline words\n\n{P}", today=TODAY)
    assert (m.title, m.published_date) == ("Headline words", dt.date(2018, 3, 15))


def test_future_date_never_taken() -> None:
    m = extract_text_meta(f"Headline\n\nMarch 15, 2031\n\n{P}", today=TODAY)
    assert m.published_date is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [("F.P. Report", "F.P. Report"), ("By Baqir Sajjad Syed", "By Baqir Sajjad Syed"),
     ("Staff Reporter", "Staff Reporter"), ("APP", "APP"), ("Our Correspondent", "Our Correspondent"),
     ("By Staff Reporter | March 15, 2018", "By Staff Reporter"), ("Reuters", "Reuters"),
     ("By the way, this is prose.", None), ("Pakistan and Russia", None), ("by the river", None)],
)  # fmt: skip
def test_byline(line: str, expected: str | None) -> None:
    assert byline_line(line) == expected


def test_byline_removed_from_body() -> None:
    m = extract_text_meta(f"Headline\n\nF.P. Report\n\nMOSCOW: {P}", today=TODAY)
    assert m.byline == "F.P. Report"
    assert m.dateline_city == "Moscow"
    assert m.body == f"MOSCOW: {P}"


@pytest.mark.parametrize(
    ("par", "city", "date", "agency"),
    [
        ("ISLAMABAD, Jun 16 (APP): The minister said.", "Islamabad", dt.date(2022, 6, 16), "APP"),
        ("MOSCOW: Foreign Minister said.", "Moscow", None, None),
        ("ISLAMABAD – Foreign Minister said.", "Islamabad", None, None),
        ("DERA ISMAIL KHAN: Police said.", "Dera Ismail Khan", None, None),
        ("Islamabad, June 16, 2021 (APP): Text.", "Islamabad", dt.date(2021, 6, 16), "APP"),
        ("BREAKING: Something happened.", None, None, None),
        ("The minister said: yes.", None, None, None),
    ],
)
def test_dateline(par: str, city: str | None, date: dt.date | None, agency: str | None) -> None:
    res = parse_dateline(par, dt.date(2022, 12, 5))
    if city is None:
        assert res is None
    else:
        assert res == (city, date, agency)


def test_dateline_date_needs_known_year() -> None:
    m = extract_text_meta(f"Headline\n\nISLAMABAD, Jun 16 (APP): {P}", today=TODAY)
    assert m.published_date is None and m.byline == "APP" and m.dateline_city == "Islamabad"
    m = extract_text_meta(f"Monday December 05, 2022\n\nHeadline\n\nISLAMABAD, Jun 16 (APP): {P}", today=TODAY)
    assert (m.published_date, m.date_source) == (dt.date(2022, 6, 16), "text:dateline")


def test_long_first_paragraph_is_not_a_title() -> None:
    long_par = " ".join([P] * 3)
    m = extract_text_meta(long_par, hint_title="Card title", today=TODAY)
    assert (m.title, m.title_source) == ("Card title", "link_card")
    assert m.body == long_par
    m = extract_text_meta(long_par, today=TODAY)
    assert m.title is None and m.body == long_par


def test_published_line_wins_over_an_earlier_updated_line() -> None:
    m = extract_text_meta(f"Some headline here\n\nUpdated: March 16, 2018\n\nPublished: March 15, 2018\n\n{P}", today=TODAY)
    assert (m.published_date, m.date_source) == (dt.date(2018, 3, 15), "text:date_line")
    assert m.body == P


def test_published_and_updated_on_one_line() -> None:
    m = extract_text_meta(f"Some headline here\n\nPublished: 15 Mar 2018 | Updated: 16 Mar 2018\n\n{P}", today=TODAY)
    assert (m.published_date, m.date_source) == (dt.date(2018, 3, 15), "text:date_line")
    assert m.body == P


def test_updated_line_alone_is_the_last_resort() -> None:
    m = extract_text_meta(f"Some headline here\n\nLast updated: March 16, 2018\n\n{P}", today=TODAY)
    assert (m.published_date, m.date_source) == (dt.date(2018, 3, 16), "text:updated_line")
    assert m.body == P


def test_dateline_after_the_update_is_not_the_publication_date() -> None:
    body = f"Some headline here\n\nUpdated: March 16, 2018\n\nISLAMABAD, March 20, 2018: {P}"
    m = extract_text_meta(body, today=TODAY)
    assert (m.published_date, m.date_source) == (dt.date(2018, 3, 16), "text:updated_line")
    assert m.dateline_city == "Islamabad"


def test_updated_date_prefix_is_not_the_publication_date() -> None:
    m = extract_text_meta(f"Updated 2021-04-08 Russian FM in Pakistan\n\nPublished: 7 April 2021\n\n{P}", today=TODAY)
    assert m.title == "Russian FM in Pakistan"
    assert (m.published_date, m.date_source) == (dt.date(2021, 4, 7), "text:date_line")


# --- datelines and date lines in Russian, Urdu and English (with a retrieval time) ---------------------
RU = "Учёные из университета испытали новый способ лечения, сообщили в пресс-службе в понедельник вечером."
UR = "وزیراعظم نے کابینہ کے اجلاس میں ملک کی معاشی صورتحال پر تفصیلی بریفنگ لی اور اہم فیصلے کیے۔"


@pytest.mark.parametrize(
    ("par", "city", "day_month_year", "agency"),
    [
        ("МОСКВА, 4 дек - РИА Новости. " + RU, "Москва", (4, 12, None), "РИА Новости"),
        ("МОСКВА, 17 ноя — РИА Новости. " + RU, "Москва", (17, 11, None), "РИА Новости"),
        ("Москва. 12 ноября. INTERFAX.RU - " + RU, "Москва", (12, 11, None), "INTERFAX"),
        ("КРАСНОДАР, 1 ноября, ФедералПресс. " + RU, "Краснодар", (1, 11, None), "ФедералПресс"),
        ("САНКТ-ПЕТЕРБУРГ, 4 декабря 2023 года /ТАСС/. " + RU, "Санкт-Петербург", (4, 12, 2023), "ТАСС"),
        ("Новосибирск, 7 февраля. " + RU, "Новосибирск", (7, 2, None), None),
        ("РИАМО - 15 ноя. " + RU, None, (15, 11, None), "РИАМО"),
        ("اسلام آباد۔4دسمبر (اے پی پی): " + UR, "اسلام آباد", (4, 12, None), "اے پی پی"),
        ("لاہور، 4 دسمبر (نمائندہ خصوصی): " + UR, "لاہور", (4, 12, None), "نمائندہ خصوصی"),
        ("کراچی (4 دسمبر 2024) " + UR, "کراچی", (4, 12, 2024), None),
        ("اسلام آباد (ویب ڈیسک) ۰۸ ستمبر ۲۰۲۰ء: " + UR, "اسلام آباد", (8, 9, 2020), "ویب ڈیسک"),
        ("ISLAMABAD, Dec 4 (Reuters) - The minister said.", "Islamabad", (4, 12, None), "Reuters"),
        ("LONDON, Dec. 4 (AP) — The minister said.", "London", (4, 12, None), "AP"),
        ("NEW DELHI, Dec 4, 2023 (PTI) The minister said.", "New Delhi", (4, 12, 2023), "PTI"),
        ("TOKYO, Nov 8 — The dollar held its gains.", "Tokyo", (8, 11, None), None),
    ],
)
def test_dated_datelines(par: str, city: str | None, day_month_year: tuple[int, int, int | None],
                         agency: str | None) -> None:  # fmt: skip
    dl = find_dateline(par)
    assert dl is not None and dl.date is not None
    assert (dl.city, (dl.date.day, dl.date.month, dl.date.year), dl.agency) == (city, day_month_year, agency)


@pytest.mark.parametrize(
    "par",
    [
        "В среду, 20 ноября, на Северной окружной перевернулся автомобиль.",
        "Сегодня, 2 ноября в легкоатлетическом манеже состоялся турнир.",
        "Во вторник, 12 ноября, известный артист выступил на сцене.",
        "Гороскоп на четверг, 14 мая 2020 года, предусматривает решение дел.",
        "وزیراعظم، 4 دسمبر کو اجلاس کی صدارت کریں گے۔",
        "Monday, Dec 4 (AFP) - the text.",
        "Prime Minister Imran Khan, Dec 4 said the talks went well.",
    ],
)
def test_prose_is_no_dateline(par: str) -> None:
    dl = find_dateline(par, anywhere=300)
    assert dl is None or dl.date is None


def test_dateline_of_a_known_city_after_a_lede() -> None:
    par = "По факту гибели пожилого гражданина проводится проверка Санкт-Петербург, 14 ноября. Трагедия произошла."
    assert find_dateline(par) is None  # not at the start ...
    dl = find_dateline(par, anywhere=300)  # ... but a known city glued after the lede
    assert dl is not None and dl.city == "Санкт-Петербург" and dl.date is not None
    assert (dl.date.day, dl.date.month) == (14, 11)


def test_dateline_year_from_the_retrieval_time() -> None:
    body = f"Заголовок новости\n\nМОСКВА, 4 дек - РИА Новости. {RU}"
    m = extract_text_meta(body, today=TODAY, retrieved=(dt.date(2024, 1, 10), "fetch"))
    assert (m.published_date, m.date_source) == (dt.date(2023, 12, 4), "text:dateline+fetch_year")
    assert m.dateline_city == "Москва" and m.byline == "РИА Новости"
    m = extract_text_meta(body, today=TODAY, retrieved=(dt.date(2023, 12, 4), "mtime"))
    assert (m.published_date, m.date_source) == (dt.date(2023, 12, 4), "text:dateline+mtime_year")
    m = extract_text_meta(body, today=TODAY)
    assert m.published_date is None and m.dateline_city == "Москва"  # no year, no retrieval time: no date
    m = extract_text_meta(f"Monday December 05, 2022\n\n{body}", today=TODAY, retrieved=(dt.date(2024, 1, 10), "fetch"))
    assert (m.published_date, m.date_source) == (dt.date(2022, 12, 4), "text:dateline")  # the page header's year


def test_stated_year_needs_no_retrieval_time() -> None:
    m = extract_text_meta(f"Заголовок\n\nСАНКТ-ПЕТЕРБУРГ, 4 декабря 2023 года /ТАСС/. {RU}", today=TODAY)
    assert (m.published_date, m.date_source) == (dt.date(2023, 12, 4), "text:dateline")
    m = extract_text_meta(f"عنوان کی خبر\n\nکراچی (4 دسمبر 2024) {UR}", today=dt.date(2025, 1, 1))
    assert (m.published_date, m.date_source, m.dateline_city) == (dt.date(2024, 12, 4), "text:dateline", "کراچی")


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("4 декабря 2023 года", dt.date(2023, 12, 4)),
        ("Опубликовано: 4 декабря 2023", dt.date(2023, 12, 4)),
        ("Дата публикации: 04.12.2023", dt.date(2023, 12, 4)),
        ("ہفتہ 9 نومبر 2024", dt.date(2024, 11, 9)),
        ("تاریخ اشاعت: ۰۸ نومبر ۲۰۲۴", dt.date(2024, 11, 8)),
        ("08 نومبر ، 2024", dt.date(2024, 11, 8)),
        ("Published: Dec 4, 2023", dt.date(2023, 12, 4)),
    ],
)
def test_date_lines_in_three_languages(line: str, date: dt.date) -> None:
    m = extract_text_meta(f"Headline words here\n\n{line}\n\n{P}", today=TODAY)
    assert (m.published_date, m.date_source) == (date, "text:date_line")
    assert m.body == P


def test_updated_line_in_russian_is_not_the_publication_date() -> None:
    m = extract_text_meta(f"Заголовок\n\nОбновлено: 5 декабря 2023\n\nОпубликовано: 4 декабря 2023\n\n{RU}", today=TODAY)
    assert (m.published_date, m.date_source) == (dt.date(2023, 12, 4), "text:date_line")


@pytest.mark.parametrize(
    ("par", "date"),
    [
        ("17:13  17.11.2019 Фото: pixabay.com Резонансное убийство произошло в июле.", dt.date(2019, 11, 17)),
        ("08.11.2019 34-летний бывший футболист сборной поделился ожиданиями.", dt.date(2019, 11, 8)),
        ("November 17, 2019 Damir Mujezinovic In an interview broadcast on Saturday.", dt.date(2019, 11, 17)),
    ],
)
def test_date_line_glued_to_the_text(par: str, date: dt.date) -> None:
    m = extract_text_meta(f"Headline words here\n\n{par}", today=TODAY)
    assert (m.published_date, m.date_source) == (date, "text:date_line")


def test_prose_opening_with_a_date_is_not_a_date_line() -> None:
    m = extract_text_meta(f"Headline words here\n\n15 March 2018 marked the start of the talks. {P}", today=TODAY)
    assert m.published_date is None
