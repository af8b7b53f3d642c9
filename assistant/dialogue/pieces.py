"""One part of an amount given in parts, corrected ("设备是400不是300", "不对，设备是400万" after "设备300万、软件200万"):
the total moves by the difference and the other parts stay. Part of slot filling (:mod:`assistant.dialogue.slots`), which records the
parts (:attr:`assistant.dialogue.state.Slot.parts`) as they are given.
"""

from __future__ import annotations

import re
from typing import Any

from assistant.dialogue.bare_replies import _NUMBER_SAID, _in_wan
from assistant.dialogue.state import DialogueState, Slot
from assistant.nlu import Parse
from assistant.nlu.genre import load_genre
from assistant.nlu.money_parts import part_words

_UNIT = r"\s*(?:万元|万|w|W)?"
#: "是400不是300", "是1100万，不是900万" (new, then old) and "不是300，是400" (old, then new).
_NEW_OLD = re.compile(rf"是\s*{_NUMBER_SAID}{_UNIT}[，,\s]*(?:而)?不是\s*{_NUMBER_SAID}{_UNIT}")
_OLD_NEW = re.compile(rf"不是\s*{_NUMBER_SAID}{_UNIT}[，,\s]*(?:而)?(?:是|应该是)\s*{_NUMBER_SAID}{_UNIT}")


#: After a part's word: what it really is ("其实是", "那块实际上是").
_REALLY = r"[^，,。；;？?\d]{0,4}(其实|实际上|实际|应该)(是|只有|有)"


def _said(parse: Parse) -> tuple[int, int] | None:
    """(old, new) in 元 of a part corrected in this message, if it says one (a bare number is in 万元)."""
    for pattern, new_first in ((_NEW_OLD, True), (_OLD_NEW, False)):
        m = pattern.search(parse.reading)
        if m is None:
            continue
        new, old = (m.group(1), m.group(2)) if new_first else (m.group(2), m.group(1))
        new_yuan, old_yuan = _in_wan(new), _in_wan(old)
        if new_yuan is not None and old_yuan is not None:
            return old_yuan, new_yuan
    return None


def _named(state: DialogueState, parse: Parse, policy_id: str) -> tuple[str, int, int] | None:
    """(fact, index of the part, new 元) when a correction names one part by its word ("硬件其实是780万，刚才少算了"
    after "硬件480万，软件平台260万，实施服务160万"): one amount, after a word that names exactly one part given."""
    money = [m for m in parse.facts_of(policy_id).money if not m.denied]
    if len(money) != 1 or len(parse.amounts) != 1:
        return None
    word = part_words(parse.reading, money[0].mention, load_genre(), whole_sentence=True)[0]
    # "软件其实是200万", "设备那块其实是1200万": the part's word, then what it really is — a correction too
    if not word or ("correction" not in parse.acts and not re.search(re.escape(word) + _REALLY, parse.reading)):
        return None
    found = [(name, i) for name in state.slots.get(policy_id, {})
             for i, w in enumerate(state.part_word_list(policy_id, name)) if w == word]
    return (found[0][0], found[0][1], money[0].yuan) if len(found) == 1 else None


def corrected_part(state: DialogueState, parse: Parse, policy_id: str) -> dict[str, tuple[Any, tuple[int, ...]]]:
    """Fact → (its new value, its parts) when the message corrects one part of an amount given in parts, or one
    element of a list: by its old value ("设备是400不是300", "峰会的审计费用是120万不是80万") or by its word ("硬件其实是
    780万")."""
    slots = state.slots.get(policy_id, {})
    said = _said(parse)
    if said is not None:
        old, new = said
        for name, slot in slots.items():
            if old in slot.parts and _in_parts(slot):
                return {name: _with_part(slot, slot.parts.index(old), new)}
            if isinstance(slot.value, list) and slot.value.count(old) == 1:
                return {name: ([new if v == old else v for v in slot.value], ())}
        return {}
    if (named := _named(state, parse, policy_id)) is not None:
        name, i, new = named
        if _in_parts(slots[name]):
            return {name: _with_part(slots[name], i, new)}
    return {}


def _in_parts(slot: Slot) -> bool:
    return len(slot.parts) >= 2 and isinstance(slot.value, int)


def _with_part(slot: Slot, index: int, new: int) -> tuple[int, tuple[int, ...]]:
    """(the new total, the parts) with part ``index`` now ``new``."""
    parts = list(slot.parts)
    old, parts[index] = parts[index], new
    return slot.value - old + new, tuple(parts)
