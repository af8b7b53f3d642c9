"""One part of an amount given in parts, corrected ("设备是400不是300" after "设备300万、软件200万"): the total moves by
the difference and the other parts stay. Part of slot filling (:mod:`assistant.dialogue.slots`), which records the
parts (:attr:`assistant.dialogue.state.Slot.parts`) as they are given.
"""

from __future__ import annotations

import re

from assistant.dialogue.bare_replies import _NUMBER_SAID, _in_wan
from assistant.dialogue.state import DialogueState
from assistant.nlu import Parse

_UNIT = r"\s*(?:万元|万|w|W)?"
#: "是400不是300", "是1100万，不是900万" (new, then old) and "不是300，是400" (old, then new).
_NEW_OLD = re.compile(rf"是\s*{_NUMBER_SAID}{_UNIT}[，,\s]*(?:而)?不是\s*{_NUMBER_SAID}{_UNIT}")
_OLD_NEW = re.compile(rf"不是\s*{_NUMBER_SAID}{_UNIT}[，,\s]*(?:而)?(?:是|应该是)\s*{_NUMBER_SAID}{_UNIT}")


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


def corrected_part(state: DialogueState, parse: Parse, policy_id: str) -> dict[str, tuple[int, tuple[int, ...]]]:
    """Fact → (its new total, its parts) when the message corrects one part of an amount given in parts."""
    said = _said(parse)
    if said is None:
        return {}
    old, new = said
    for name, slot in state.slots.get(policy_id, {}).items():
        parts = list(slot.parts)
        if len(parts) >= 2 and old in parts and isinstance(slot.value, int):
            parts[parts.index(old)] = new
            return {name: (slot.value - old + new, tuple(parts))}
    return {}
