"""The year a fact is said of ("2023年被重大处罚", "去年被罚过") and the year the applicant applies in ("2025年申报",
"今年申报"), as the message says them: an absolute year or one relative to the day asked (the tracker, which knows
that day, compares them — :mod:`assistant.dialogue.slots`). For a fact the rules tie to a year relative to the
application (``FactSpec.year_offset``: 第14条's 申报当年的上一年度 is -1).
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.nlu.genre import load_genre
from assistant.nlu.spans import gapped_occurrences, occurrences, segment_end, segment_start

#: ("abs", 2023) for "2023年", ("rel", -1) for "去年": a year as said.
Year = tuple[str, int]

#: "2023年", and as said aloud or typed by voice, "二〇二三年" / "二零二三年".
_DIGIT = "〇零○一二三四五六七八九"
_NUMBER = rf"20\d{{2}}|二[〇零○]二[{_DIGIT}]"
_ABSOLUTE = re.compile(rf"({_NUMBER})\s*年")
#: A clause that says only when ("我们是前年，就是二〇二三年，有一次…"): what is left of it once its year is taken out.
_ONLY_WHEN = re.compile(r"^[\s我们是就那个嗯呃啊哦对在的时候]*$")
#: A year said right before applying ("2025年申报", "明年再申请", "等到2025年再报").
_APPLYING_AFTER = r"[^，,。；;？?！!]{0,4}(申报|申请|报)"


@lru_cache(maxsize=1)
def _relative() -> re.Pattern[str]:
    words = sorted(load_genre().relative_years, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words)))


@lru_cache(maxsize=1)
def year_said() -> re.Pattern[str]:
    """Any year said, absolute or relative ("2024年", "去年")."""
    return re.compile(_ABSOLUTE.pattern + "|" + _relative().pattern)


@lru_cache(maxsize=1)
def _applying() -> re.Pattern[str]:
    return re.compile(rf"((?:{_NUMBER})\s*年|{_relative().pattern})" + _APPLYING_AFTER)


def year_in(said: str) -> Year | None:
    """The first year said in ``said``, if any."""
    if m := _ABSOLUTE.search(said):
        digits = m.group(1).translate(str.maketrans(_DIGIT, "000123456789"))
        return "abs", int(digits)
    if m := _relative().search(said):
        return "rel", load_genre().relative_years[m.group(0)]
    return None


def fact_year(text: str, cues: tuple[str, ...]) -> Year | None:
    """The year said in the clause of the first cue of a fact found in ``text`` — or, when that clause says none,
    in the clauses right before it that say nothing but when ("我们是前年，就是二〇二三年，有一次重大违法") — if any."""
    # (a cue with words inside, as the yes/no reading takes it: "重大环保违法" for 重大违法)
    found = [se for cue in cues for se in occurrences(text, cue)] \
        or [se for cue in cues for se in gapped_occurrences(text, cue)]
    for start, end in found:
        clause_start = segment_start(text, start)
        clause = text[clause_start : segment_end(text, end)]
        applying = _applying().search(clause)
        said = year_in(clause[: applying.start()] + clause[applying.end() :] if applying else clause)
        if said is None:
            said = _year_just_before(text, clause_start)
        if said is not None:
            return said
    return None


def _year_just_before(text: str, end: int) -> Year | None:
    """The last year said in the clauses ending at ``end`` that say only when, nearest first."""
    while end > 0 and text[end - 1] in "，,":
        start = segment_start(text, end - 1)
        clause = text[start : end - 1]
        if not year_said().search(clause) or not _ONLY_WHEN.match(year_said().sub("", clause)):
            return None
        said = [year_in(m.group(0)) for m in year_said().finditer(clause)]
        if said[-1] is not None:
            return said[-1]
        end = start
    return None


def applying_year(text: str) -> Year | None:
    """The year the message says the applicant applies in, if it says one."""
    m = _applying().search(text)
    return year_in(m.group(1)) if m else None


def resolve(year: Year, today: int) -> int:
    kind, n = year
    return n if kind == "abs" else today + n
