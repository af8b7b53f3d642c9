"""The parts of one message the intent reader weighs on their own: the question a long story ends with, and in a
group chat the words after the assistant is mentioned ("@政策小助手") — what comes before is the chat it answers
(another member's claim or item, a notice), not the user's question.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.nlu.entities import ItemMention
from assistant.nlu.genre import Genre
from assistant.nlu.spans import CLAUSE_END

#: The least a question part must say (characters) to be read on its own beside the whole message.
QUESTION_PART_MIN = 8
#: After "我是问", the question may be short ("能给多少").
REDIRECTED_MIN = 4

#: A lowercase run typed along the home row or without a vowel ("asdf", "jkl", "zxcv"): keyboard mashing, not a
#: word. Abbreviations of the field (PLC, CNC, MES) are typed in capitals and so are not taken for it.
_MASHED = re.compile(r"(?<![A-Za-z])(?:[asdfghjkl]{3,}|[b-df-hj-np-tv-xz]{3,})(?![A-Za-z])")


def content_size(text: str) -> int:
    """Chinese characters, letters and digits of ``text``, keyboard mashing left out."""
    text = _MASHED.sub("", text)
    return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff" or ch.isalnum())


def question_part(reading: str, genre: Genre) -> list[tuple[int, int]] | None:
    """Where the clauses that ask are, when the message tells its story first ("我们是…集成商，…一年服务四十多家，
    作为服务商能拿多少补贴？"); not when it opens with its question ("你确定？你刚才明明说的2000万"), nor a question
    too short to read alone ("…，对吧？")."""
    clauses = _clauses(reading)
    asking = [bool(genre.question.search(reading, s, e)) for s, e in clauses]
    if not any(asking) or asking[0]:
        return None
    part = [c for c, a in zip(clauses, asking, strict=True) if a]
    return part if content_size("".join(reading[s:e] for s, e in part)) >= QUESTION_PART_MIN else None


def addressed_start(text: str, reading: str, genre: Genre) -> int | None:
    """Where a group-chat message's words to us start: after its last mention of the assistant ("【群公告】…
    @政策小助手 我们贯标刚通过，能拿多少") or its last turn to what is really asked ("我不是问补多少，我是问…"), when
    they say enough to be read alone (in ``reading``, the message as read: same offsets as ``text``)."""
    # ("你理解错了，贯标是去年的事，我现在问的是«item»那个…": the words after the turn are the question, too)
    mentions = [m.end() for m in genre.addressed.finditer(text)]
    turns = [m.end() for m in genre.redirect.finditer(reading)]
    ends = mentions + turns
    # (after a turn to what is really asked, a short question is enough: "…，我是问能给多少")
    least = REDIRECTED_MIN if turns and max(turns) >= max(mentions, default=0) else QUESTION_PART_MIN
    if not ends or content_size(reading[max(ends):]) < least:
        return None
    return max(ends)


def addressed_items(items: Sequence[ItemMention], addressed: int | None) -> tuple[ItemMention, ...]:
    """The items a message names; in a group chat's message that names one in its words to us, only those ("王工：我们
    评上了区级标杆… @政策小助手 那我们这种上市挂牌的能拿多少": another member's item is not ours)."""
    ours = [m for m in items if addressed is not None and m.start >= addressed]
    return tuple(ours or items)


def _clauses(text: str) -> list[tuple[int, int]]:
    """Where each clause of ``text`` starts and ends (its closing mark included), blank ones left out."""
    out, start = [], 0
    for m in CLAUSE_END.finditer(text):
        out.append((start, m.end()))
        start = m.end()
    out.append((start, len(text)))
    return [(s, e) for s, e in out if text[s:e].strip()]
