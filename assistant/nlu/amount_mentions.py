"""The amounts one message says, as the rest of the reader uses them: a rough amount a precise one replaces is
dropped, amounts said as a sum become one, and each amount said of a place carries that place ("给昆山那边客户
做的140万", "另一场在青浦，审计确认70万").

Some clauses count only what happens in the policy's own region (a service to the district's enterprises, an
event held in the district); which facts an amount of another place cannot fill is the rules' business
(``FactSpec.in_region``). This module only reads which place each amount is said of.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.nlu.genre import Genre
from assistant.nlu.spans import SEGMENT_BREAK, occurrences
from assistant.rules.money import AmountMention

#: Where a sentence ends: a place said in one sentence is never said of an amount in the next.
_SENTENCE_END = re.compile(r"[。；;！？!?\n]")
#: Who is speaking, in the clause of a place: "我们在青浦有个厂" says where the applicant is, not where money went.
_SUBJECT = re.compile(r"我们|我司|咱们|本公司|公司|企业|厂")
#: Room between a place and an amount in its own clause for the place to be said of it.
_NEAR = 16


@dataclass(frozen=True)
class AmountPlace:
    """The place an amount is said of, and whether it lies outside every loaded policy's region."""

    place: str
    outside: bool


def summed(text: str, amounts: tuple[AmountMention, ...], genre: Genre) -> tuple[AmountMention, ...]:
    """Amounts said as a sum ("设备350万加软件180万", "400万+250万"): one amount, their total."""
    out: list[AmountMention] = []
    for m in amounts:
        last = out[-1] if out else None
        if last is not None and genre.adds_up.match(text[last.end : m.start]):
            out[-1] = AmountMention(last.start, m.end, text[last.start : m.end], last.yuan + m.yuan,
                                    (*last.pieces, *m.pieces))
        else:
            out.append(m)
    return tuple(out)


def without_superseded(text: str, amounts: tuple[AmountMention, ...], genre: Genre) -> tuple[AmountMention, ...]:
    """Drop a rough amount that a precise one after it replaces ("三百多万吧，具体是三百二十万" → 320万; said by voice
    with nothing between, "一百二十来万 一百二十万")."""
    def rough(j: int) -> bool:
        return bool(genre.approximate.search(text[max(0, amounts[j].start - 4) : amounts[j].end + 3]))

    for i, m in enumerate(amounts):
        if i and genre.refines.search(text[max(0, m.start - 8) : m.start]):
            return tuple(a for j, a in enumerate(amounts) if not (j < i and rough(j)))
        if i and not text[amounts[i - 1].end : m.start].strip(" ，,、") and rough(i - 1) \
                and not genre.approximate.search(text[m.start : m.end + 3]):
            return tuple(a for j, a in enumerate(amounts) if j != i - 1)
    return amounts


def amount_places(reading: str, amounts: Sequence[AmountMention], outside: Sequence[str],
                  home: Sequence[str]) -> dict[int, AmountPlace]:
    """Amount start → the place it is said of. ``outside``: places no loaded policy covers (and words such as
    "区外"); ``home``: the loaded policies' regions and words such as "区内".

    A place is said of the amount nearest it in its own clause ("这500万里有300万其实是给太仓客户做的": the 300万);
    a place in a clause of its own with no amount ("另一场在青浦，审计确认70万") is said of the next amount of the
    same sentence, unless the clause says where the applicant is ("我们在青浦有个厂，投资了500万")."""
    marks = sorted({(s, e, w, True) for w in outside for s, e in occurrences(reading, w)}
                   | {(s, e, w, False) for w in home for s, e in occurrences(reading, w)})
    # A shorter word inside a longer one at the same place ("区" words, "嘉定" in "嘉定区") is one mark.
    marks = [m for m in marks if not any(o != m and o[0] <= m[0] and m[1] <= o[1] for o in marks)]
    out: dict[int, AmountPlace] = {}
    for start, end, word, is_outside in marks:
        left = max((b.end() for b in SEGMENT_BREAK.finditer(reading, 0, start)), default=0)
        right_break = SEGMENT_BREAK.search(reading, end)
        right = right_break.start() if right_break else len(reading)
        own = [a for a in amounts if left <= a.start and a.end <= right
               and min(abs(a.start - end), abs(start - a.end)) <= _NEAR]
        if own:
            nearest = min(own, key=lambda a: (min(abs(a.start - end), abs(start - a.end)), -a.start))
            out.setdefault(nearest.start, AmountPlace(word, is_outside))
            continue
        if _SUBJECT.search(reading, left, right) or "在" not in reading[max(left, start - 2) : start]:
            continue  # only "(另一场)在«place»": where a thing happened, not who the applicant is
        stop = _SENTENCE_END.search(reading, end)
        limit = stop.start() if stop else len(reading)
        after = [a for a in amounts if right <= a.start < limit]
        between = [m for m in marks if end <= m[0] and after and m[0] < after[0].start]
        if after and not between:
            out.setdefault(after[0].start, AmountPlace(word, is_outside))
    return out
