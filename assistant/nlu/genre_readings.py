"""Readings of a whole sentence made with the genre's words: the share of an amount that counts ("只确认了其中60%"),
and the element a question asks of after a list is told ("…第一个投了300万，第二个投了900万。第一个能补多少？").
"""

from __future__ import annotations

import re
from fractions import Fraction

import cn2an

from assistant.nlu.genre_types import Genre
from assistant.nlu.numerals import small_int


def share_in(genre: Genre, text: str) -> Fraction | None:
    """The share of an amount that counts ("只确认了其中60%" → 3/5, "只认了六成" → 3/5), if one is said."""
    m = genre.share.search(text)
    if m is None:
        return None
    pct = re.sub(r"\s", "", m.group("pct"))
    if pct.endswith("成"):
        return Fraction(int(cn2an.cn2an(pct[0], "normal")), 10)
    number = pct.removeprefix("百分之").rstrip("%％")
    value = Fraction(number) if re.fullmatch(r"\d+(\.\d+)?", number) else Fraction(int(cn2an.cn2an(number, "normal")))
    return value / 100 if 0 < value <= 100 else None


def asked_element(genre: Genre, text: str) -> int | None:
    """"两个不同的项目，第一个投了300万，第二个投了900万。第一个能补多少？": the list is told, then the last sentence
    asks of one element by its place — its index (-1: the last), else None."""
    body = text.rstrip("？?！!。 ")
    cut = max(body.rfind(c) for c in "。！!；;\n")
    last = body[cut + 1 :]
    m = genre.element_ordinal.search(last)
    if cut <= 0 or m is None or genre.act("together", last) or re.search(r"\d|[万亿元]", last[m.end() :]):
        return None
    n = m.group("n")
    return -1 if n is None else (small_int(n) or 0) - 1
