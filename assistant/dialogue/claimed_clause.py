"""A clause number said to be checked ("来电说«rule»是第6条，对吗", "他说«item»补助在第9条，帮我核一下"): when what
the message is about sits in another clause, the number is the caller's claim, not the subject — the answer is the
clause the words belong to, with the number corrected. Pure function of one message's reading and its hits."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.dialogue.domain import Domain
from assistant.dialogue.named_items import ITEM_NAMED
from assistant.dialogue.state import Observation
from assistant.nlu.genre import load_genre


def misnumbered(
    obs: Observation, policy_id: str, refs: Sequence[str], domain: Domain, referred: Sequence[str] = ()
) -> str | None:
    """The clause the message's words are about, when it names another clause's number only to check it.
    ``referred``: the item a "这个" in the message points back to (the one just discussed)."""
    parse = obs.parse
    if len(refs) != 1 or not load_genre().checks_clause.search(parse.reading):
        return None
    said = refs[0]
    # an item named outright ("«item»") whose clause is not the number said — or pointed back to ("来电说这个是
    # 第8条规定的" after «item»'s figure)
    named = [m.item_id for m in parse.items_of(policy_id) if m.score >= ITEM_NAMED]
    named = named or (list(referred) if parse.refers_back else [])
    own = domain.item_clauses(policy_id, named)
    if own and said not in own:
        return sorted(own)[0] if len(own) == 1 else None
    if own:
        return None
    # else the policy's own words, far ahead in one other clause ("«rule»", "«procedure»")
    hit = obs.decisive_hit(policy_id, frozenset({said}))
    return hit.clause.clause_id if hit is not None else None

