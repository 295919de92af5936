# ruff: noqa: RUF001, RUF002
# (Chinese text uses full-width punctuation and wide characters.)
"""House style for figures, dates and money in English and Traditional Chinese press releases.

Pure functions of plain values: the generator and the tests call them; no database, no gettext (a release's
language is the template's, never the reader's).

English: numbers one to nine in words, 10 and above in figures (ages and money always in figures),
"$500,000", "today (January 15)", "Ends/Thursday, January 15, 2026". Chinese: counts in Chinese numerals
(兩 for two people), ages in Arabic numerals, money in 萬, 「今日（一月十五日）」,
「2026年1月15日（星期四）」.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

__all__ = [
    "CHINESE",
    "ENGLISH",
    "age_range",
    "count_words",
    "day_relative",
    "day_span",
    "end_block",
    "is_chinese",
    "list_join",
    "money",
    "term",
    "years",
]

ENGLISH = "en"
CHINESE = "zh-hant"

_EN_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_ZH_DIGITS = "〇一二三四五六七八九"
_EN_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_EN_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_ZH_WEEKDAYS = "一二三四五六日"


def is_chinese(language: str) -> bool:
    return language.lower().startswith("zh")


def _zh_numeral(number: int) -> str:
    """Chinese numerals up to 9,999: 十, 十二, 二十二, 一百零五."""
    if number < 0 or number > 9999:
        return str(number)
    if number < 10:
        return _ZH_DIGITS[number]
    text = ""
    zero_pending = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十")):
        digit, number = divmod(number, value)
        if digit:
            if zero_pending:
                text += "零"
                zero_pending = False
            # 十二, not 一十二, when ten leads the number
            text += ("" if (unit == "十" and digit == 1 and not text) else _ZH_DIGITS[digit]) + unit
        elif text:
            zero_pending = True
    if number:
        text += ("零" if zero_pending else "") + _ZH_DIGITS[number]
    return text


def count_words(number: int, language: str, *, people: bool = True) -> str:
    """A count as house style writes it: 'six', '12'; 「六」, 「兩」 (people and things), 「十二」."""
    if is_chinese(language):
        if number == 2 and people:
            return "兩"
        return _zh_numeral(number)
    if 0 <= number <= 9:
        return _EN_WORDS[number]
    return f"{number:,}"


def list_join(items: Sequence[str], language: str) -> str:
    """'a, b and c'; 「甲、乙及丙」."""
    items = [item for item in items if item]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    if is_chinese(language):
        return "、".join(items[:-1]) + "及" + items[-1]
    return ", ".join(items[:-1]) + " and " + items[-1]


def age_range(ages: Sequence[int], language: str) -> str:
    """'aged 22 to 41' / 'aged 45'; 「年齡介乎22至41歲」 / 「45歲」; empty when no age is recorded."""
    if not ages:
        return ""
    low, high = min(ages), max(ages)
    if is_chinese(language):
        return f"{low}歲" if low == high else f"年齡介乎{low}至{high}歲"
    return f"aged {low}" if low == high else f"aged {low} to {high}"


def money(amount: int, language: str) -> str:
    """'$500,000'; 「五十萬元」 (whole 萬) or 「8,000元」."""
    if is_chinese(language):
        if amount >= 10_000 and amount % 10_000 == 0:
            return f"{_zh_numeral(amount // 10_000)}萬元"
        return f"{amount:,}元"
    return f"${amount:,}"


def years(months: int, language: str) -> str:
    """A term of imprisonment: 'two years', '10 years', 'six months'; 「兩年」, 「十年」, 「六個月」."""
    if months % 12 == 0:
        n = months // 12
        if is_chinese(language):
            return f"{count_words(n, language)}年"
        return f"{count_words(n, language)} year" + ("" if n == 1 else "s")
    if is_chinese(language):
        return f"{count_words(months, language)}個月"
    return f"{count_words(months, language)} month" + ("" if months == 1 else "s")


def term(months: int, language: str) -> str:
    """A term as it qualifies "imprisonment": "two years'", "one year's", "10 years'"; 「兩年」 in Chinese."""
    text = years(months, language)
    if is_chinese(language):
        return text
    return text + ("'" if text.endswith("s") else "'s")


def _month_day(day: date, language: str) -> str:
    if is_chinese(language):
        return f"{_zh_numeral(day.month)}月{_zh_numeral(day.day)}日"
    return f"{_EN_MONTHS[day.month - 1]} {day.day}"


def day_relative(day: date, release_day: date, language: str) -> str:
    """When something happened, told from the release date: 'today (January 15)', 'yesterday
    (January 14)', 'on January 10' (with the year when it is not the release's); 「今日（一月十五日）」."""
    chinese = is_chinese(language)
    offset = (release_day - day).days
    if offset == 0:
        return f"今日（{_month_day(day, language)}）" if chinese else f"today ({_month_day(day, language)})"
    if offset == 1:
        return (
            f"昨日（{_month_day(day, language)}）" if chinese else f"yesterday ({_month_day(day, language)})"
        )
    if day.year == release_day.year:
        return _month_day(day, language) if chinese else f"on {_month_day(day, language)}"
    if chinese:
        return f"{day.year}年{day.month}月{day.day}日"
    return f"on {_month_day(day, language)}, {day.year}"


def day_span(first: date, last: date, release_day: date, language: str) -> str:
    """A span of days told from the release date: one day as day_relative does; several as 'from
    November 9 to 21' ('from November 9 to 21, 2025' in another year, both years when it spans two);
    「十一月九日至二十一日」."""
    if first == last:
        return day_relative(first, release_day, language)
    chinese = is_chinese(language)
    if first.year != last.year:
        if chinese:
            return f"{first.year}年{_month_day(first, language)}至{last.year}年{_month_day(last, language)}"
        return (
            f"from {_month_day(first, language)}, {first.year} to {_month_day(last, language)}, {last.year}"
        )
    same_month = first.month == last.month
    if chinese:
        end = f"{_zh_numeral(last.day)}日" if same_month else _month_day(last, language)
        span = f"{_month_day(first, language)}至{end}"
        return f"{first.year}年{span}" if last.year != release_day.year else span
    end = str(last.day) if same_month else _month_day(last, language)
    span = f"from {_month_day(first, language)} to {end}"
    return f"{span}, {last.year}" if last.year != release_day.year else span


def date_long(day: date, language: str) -> str:
    """'Thursday, January 15, 2026'; 「2026年1月15日（星期四）」."""
    if is_chinese(language):
        return f"{day.year}年{day.month}月{day.day}日（星期{_ZH_WEEKDAYS[day.weekday()]}）"
    return f"{_EN_WEEKDAYS[day.weekday()]}, {_EN_MONTHS[day.month - 1]} {day.day}, {day.year}"


def end_block(issued_at: datetime, language: str) -> str:
    """The closing lines in Hong Kong time: 'Ends/Thursday, January 15, 2026' + 'Issued at HKT 20:30'."""
    day = issued_at.date()
    if is_chinese(language):
        return f"完\n\n{date_long(day, language)}\n香港時間{issued_at:%H}時{issued_at:%M}分"
    return f"Ends/{date_long(day, language)}\nIssued at HKT {issued_at:%H:%M}"
