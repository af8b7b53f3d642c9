"""Another year: facts counted per year start again when the user moves the talk to another year.

A cap counted per applicant and year (``CapPart`` with scope ``applicant_year``: 年度累计不超过…) is reduced by
what was received that year (its ``received_fact``) and shared by that year's list of claims (an ``each`` part:
one event after another). Said of another year ("明年我们再办一场…审计费用八十万呢", "要是这个论坛放到明年办呢"), what
was received this year no longer counts against it, and a list given anew in the message starts that year's list.
Which facts are counted per year is the policy's data (its rules); the words for another year are the genre's.
"""

from __future__ import annotations

from dataclasses import replace

from assistant.dialogue.domain import Domain
from assistant.dialogue.state import DialogueState, Goal
from assistant.nlu.genre import load_genre
from assistant.nlu.parse import Parse
from assistant.rules.parts import CapPart, EachPart


def _per_year(domain: Domain, policy_id: str, items: tuple[str, ...]) -> tuple[set[str], set[str]]:
    """(received facts, list facts) of the items whose cap is counted per year."""
    rules = domain.rules.get(policy_id)
    received: set[str] = set()
    lists: set[str] = set()
    for item_id in items:
        item = rules.item(item_id) if rules is not None else None
        parts = list(item.award) if item is not None else []
        caps = [p for p in parts if isinstance(p, CapPart) and p.scope == "applicant_year"]
        if caps:
            received |= {c.received_fact for c in caps if c.received_fact}
            lists |= {p.fact for p in parts if isinstance(p, EachPart)}
    return received, lists


def another_year(state: DialogueState, parse: Parse, policy_id: str, goal: Goal | None, domain: Domain) -> DialogueState:
    """The state with this year's per-year facts dropped, when the message speaks of another year."""
    if goal is None or not goal.items or parse.topics or not load_genre().another_year.search(parse.reading):
        return state  # "明年还能用吗", "第二年还能再拿吗": a question about the text, the figures stay
    received, lists = _per_year(domain, policy_id, goal.items)
    drop = received | (lists if parse.amounts else set())
    own = state.slots.get(policy_id, {})
    if not drop & set(own):
        return state
    slots = dict(state.slots)
    slots[policy_id] = {k: v for k, v in own.items() if k not in drop}
    return replace(state, slots=slots)
