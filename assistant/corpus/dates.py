"""Dates as Chinese policy texts write them, and the one way this product writes a date back.

Read: "2026年3月1日", "2026-03-01", "2026/3/1", "2026.3.1" and the all-numeral form "二〇二六年三月一日"
(also written with ○ or 零). Write: :func:`cn_date` gives "2025年12月31日" everywhere (notices, answers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import cn2an

_DIGIT = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_YEAR = "〇○零Ｏ一二三四五六七八九"
_CN_SMALL = "一二三四五六七八九十"

_ARABIC = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*(?:年\s*(?P<m1>\d{1,2})\s*月\s*(?P<d1>\d{1,2})\s*[日号]"
    r"|[-/.．]\s*(?P<m2>\d{1,2})\s*[-/.．]\s*(?P<d2>\d{1,2})(?!\d))"
)
_CHINESE = re.compile(rf"(?P<y>[{_CN_YEAR}]{{4}})年(?P<m>[{_CN_SMALL}]{{1,3}})月(?P<d>[{_CN_SMALL}]{{1,3}})[日号]")
_NUMBER_WORDS = {"两": 2}

#: A regex source matching one date in any form :func:`find_dates` reads (for use inside larger patterns).
DATE_PATTERN = (
    r"(?:(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*[日号]"
    r"|(?:19|20)\d{2}[-/.．]\d{1,2}[-/.．]\d{1,2}"
    rf"|[{_CN_YEAR}]{{4}}年[{_CN_SMALL}]{{1,3}}月[{_CN_SMALL}]{{1,3}}[日号])"
)


@dataclass(frozen=True)
class DateMention:
    """A date found in a text: ``text[start:end]`` means ``value``."""

    value: date
    start: int
    end: int


def cn_date(d: date) -> str:
    """'2025年12月31日' — the only way the product writes a date in Chinese."""
    return f"{d.year}年{d.month}月{d.day}日"


def _small(num: str) -> int:
    return int(cn2an.cn2an(num, "smart"))


def _safe(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def find_dates(text: str) -> list[DateMention]:
    """Every date in ``text``, in order of position."""
    found: list[DateMention] = []
    for m in _ARABIC.finditer(text):
        month, day = m.group("m1") or m.group("m2"), m.group("d1") or m.group("d2")
        value = _safe(int(m.group("y")), int(month), int(day))
        if value is not None:
            found.append(DateMention(value, m.start(), m.end()))
    for m in _CHINESE.finditer(text):
        year = int("".join(str(_DIGIT[c]) for c in m.group("y")))
        value = _safe(year, _small(m.group("m")), _small(m.group("d")))
        if value is not None:
            found.append(DateMention(value, m.start(), m.end()))
    return sorted(found, key=lambda x: x.start)


def parse_date(text: str) -> date | None:
    """The date ``text`` consists of (surrounding spaces and a trailing 印发/发布/起 allowed), else None."""
    stripped = text.strip()
    found = find_dates(stripped)
    if len(found) != 1 or found[0].start != 0:
        return None
    rest = stripped[found[0].end :].strip()
    return found[0].value if rest in ("", "印发", "发布", "起", "止") else None


def parse_iso_or_cn(text: str) -> date:
    """A date given on the command line or in data, in any form :func:`find_dates` reads."""
    value = parse_date(text)
    if value is None:
        raise ValueError(f"无法识别日期“{text}”，请写成 2026-03-01 或 2026年3月1日")
    return value


def years_word(word: str) -> int | None:
    """'两' → 2, '三' → 3, '5' → 5 (the N of '有效期N年')."""
    word = word.strip()
    if word.isdigit():
        return int(word)
    if word in _NUMBER_WORDS:
        return _NUMBER_WORDS[word]
    try:
        return _small(word)
    except (ValueError, KeyError):
        return None


def add_years_inclusive(start: date, years: int) -> date:
    """The last day of a period of ``years`` years starting on ``start`` ('有效期两年' from 2024-01-01 → 2025-12-31)."""
    try:
        anniversary = start.replace(year=start.year + years)
    except ValueError:  # 29 February
        anniversary = start.replace(year=start.year + years, day=28) + timedelta(days=1)
    return anniversary - timedelta(days=1)
