"""A base given as its parts, without its total: for a base the clause takes net of a part ("按平台建设（不含土建）
总投入"), "土建800万 设备软件1200万" gives the excluded part and the rest, and the total is their sum.

Part of the tracker (:mod:`assistant.dialogue.tracker`): the amounts come from the message's money readings, the
shape (which fact is the base, which parts it excludes) from the item's rules data.
"""

from __future__ import annotations

from typing import Any

from assistant.dialogue.domain import Domain
from assistant.nlu import Parse
from assistant.nlu.genre import load_genre
from assistant.nlu.money_parts import said_in_parts
from assistant.rules.parts import RatePart


def total_from_parts(parse: Parse, policy_id: str, items: tuple[str, ...], domain: Domain) -> dict[str, Any]:
    """The base's total and its excluded part, when the message gives the excluded part and other amounts that no
    other fact claims, and not the total itself; {} otherwise."""
    rules = domain.rules.get(policy_id)
    money = [m for m in parse.facts_of(policy_id).money if not (m.expected_award or m.denied or m.adds or m.what_if)]
    if rules is None or len(money) < 2 or load_genre().part_of_total.search(parse.reading):
        return {}  # "1800万里面有300万是土建": one amount within the other, not two pieces
    for item_id in items:
        for part in rules.item(item_id).award:
            if not isinstance(part, RatePart) or not part.base or not part.exclude:
                continue
            excluded = {e.fact for e in part.exclude}
            own = set(domain.item_facts(policy_id, (item_id,)))  # (another item's words for an amount do not count)
            claimed = [{f for f, s in m.claims.items() if s > 0 and f in own} for m in money]
            # "投入是：设备900万、软件400万、土建700万": every part of the base, its own words for the total included
            parts = excluded | {part.base} if said_in_parts(parse.reading, money, load_genre()) else excluded
            if not all(c <= parts for c in claimed) or not any(c & excluded for c in claimed):
                continue  # the total was given (its own fact claims it), or an amount belongs to another fact
            owner = max(money, key=lambda m: max(m.claims.get(f, 0.0) for f in excluded))
            facts = owner.best_claims(excluded)
            if facts:
                return {part.base: sum(m.yuan for m in money), facts[0]: owner.yuan}
    return {}
