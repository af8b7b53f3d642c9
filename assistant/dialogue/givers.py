"""Support already received, its giver named after its amount: "这个项目之前已经拿过50万补助了" (read as one giver's)
… "是镇里给的" — the amount belongs to the fact of the giver now named (a policy's facts marked ``given`` in its
lexicon: support received, such as 第13条's other district/town support or 第5条's higher-level subsidy), and
leaves the one it was first read as. "哦不对，是市经信委给的" moves it back.
"""

from __future__ import annotations

from dataclasses import replace

from assistant.dialogue.domain import Domain
from assistant.dialogue.state import ITEM_NAMED, DialogueState
from assistant.nlu import Parse


def given_facts(domain: Domain, policy_id: str) -> list[str]:
    vocab = next((v for v in domain.catalog if v.policy_id == policy_id), None)
    return [] if vocab is None else [name for name, cues in vocab.lexicon.items() if cues.given]


def giver_named(state: DialogueState, parse: Parse, policy_id: str, domain: Domain, turn: int) -> DialogueState | None:
    """The state with the support amount moved to the giver this message names with no amount of its own, when
    exactly one other giver's fact holds an amount; None when the message does not do that."""
    facts = parse.facts_of(policy_id)
    if parse.amounts or any(m.claims for m in facts.money):
        return None
    if any(m.score >= ITEM_NAMED and not m.negated for m in parse.items_of(policy_id)):
        return None  # "同一个项目还拿了«item»授牌": what was got is the item's title, no giver of the support
    given = given_facts(domain, policy_id)
    named = [n for n in facts.mentioned if n in given and n not in facts.values]
    profile = state.profile(policy_id)
    if len(named) != 1 or profile.get(named[0]) is not None:
        return None
    held = [n for n in given if n != named[0] and profile.get(n)]
    if len(held) != 1:
        return None
    moved = state.with_slots(policy_id, {named[0]: profile[held[0]]}, turn)
    own = {k: v for k, v in moved.slots.get(policy_id, {}).items() if k != held[0]}
    return replace(moved, slots={**moved.slots, policy_id: own})


def said_received_without_amount(parse: Parse, policy_id: str, domain: Domain) -> tuple[str, ...]:
    """The support-received facts this message names with no amount ("市里给过补助"): the next bare amount said
    received ("给了150万") is theirs."""
    facts = parse.facts_of(policy_id)
    given = given_facts(domain, policy_id)
    return tuple(f for f in facts.mentioned if f in given and f not in facts.values
                 and not any(f in m.claims for m in facts.money))
