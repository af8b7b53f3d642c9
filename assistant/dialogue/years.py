"""Another year: facts counted per year start again when the user moves the talk to another year.

A cap counted per applicant and year (``CapPart`` with scope ``applicant_year``: 年度累计不超过…) is reduced by
what was received that year (its ``received_fact``) and shared by that year's list of claims (an ``each`` part:
one event after another). Said of another year ("明年我们再办一场…审计费用八十万呢", "要是这个论坛放到明年办呢"), what
was received this year no longer counts against it, and a list given anew in the message starts that year's list.
Which facts are counted per year is the policy's data (its rules); the words for another year are the genre's.
"""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.dialogue.domain import Domain
from assistant.dialogue.projects import Project
from assistant.dialogue.state import DialogueState, Goal
from assistant.nlu.fact_years import resolve, year_in, year_said
from assistant.nlu.genre import load_genre
from assistant.nlu.parse import Parse
from assistant.rules.parts import CapPart, EachPart

#: Where a sentence ends for the year said before an amount (a semicolon too: "…160万；今年5月…").
_SENTENCE = re.compile(r"[。；;！!？?\n]")


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
    # (a list given anew starts that year's list; "去年区里已经补过90万了，那这次呢" gives none: the list stays)
    anew = any(m.best_claims(lists) for m in parse.facts_of(policy_id).money)
    drop = received | (lists if anew else set())
    own = state.slots.get(policy_id, {})
    if not drop & set(own):
        return state
    slots = dict(state.slots)
    slots[policy_id] = {k: v for k, v in own.items() if k not in drop}
    return replace(state, slots=slots)


def said_of_dropped(before: DialogueState, after: DialogueState, parse: Parse, policy_id: str) -> Parse:
    """"对了，今年已经拿过50万了" … "哦不对，那50万是去年拿的": the amount the message names is the one received, now
    said of another year (:func:`another_year` dropped it) — set aside, not a new fact to fill."""
    now = after.slots.get(policy_id, {})
    gone = {slot.value for name, slot in before.slots.get(policy_id, {}).items()
            if name not in now and isinstance(slot.value, int)}
    facts = parse.facts_of(policy_id)
    if not any(m.yuan in gone and not m.claims for m in facts.money):
        return parse
    money = tuple(replace(m, denied=True) if m.yuan in gone and not m.claims else m for m in facts.money)
    return replace(parse, facts={**parse.facts, policy_id: replace(facts, money=money)})


def split_by_year(
    state: DialogueState, parse: Parse, policy_id: str, goal: Goal | None, turn: int, domain: Domain
) -> DialogueState:
    """"2024年9月办了一场…160万；今年5月又办了一场…140万": claims of a list said in different years share no yearly
    cap. The year asked about (the year of the day asked, else the latest) keeps its claims in the list; each other
    year's claims are set aside as a project of their own (nothing received counted against it), so that a question
    of the total ("两年加起来") adds each year's capped figure."""
    if goal is None or not goal.items:
        return state
    received, lists = _per_year(domain, policy_id, goal.items)
    profile = state.profile(policy_id)
    today = state.as_of.year
    for name in lists:
        values = list(profile.get(name) or [])
        said = [m for m in parse.facts_of(policy_id).money if m.yuan in values and not (m.denied or m.expected_award)]
        if len(said) < 2 or len(said) != len(values):
            continue  # only a list given whole in this message is split
        years = [_year_before(parse.reading, m.mention.start, today) for m in said]
        if None in years or len(set(years)) < 2:
            continue
        current = today if today in years else max(y for y in years if y is not None)
        kept = [m.yuan for m, y in zip(said, years, strict=True) if y == current]
        aside = [
            Project(goal.items, {name: [m.yuan for m, y in zip(said, years, strict=True) if y == year],
                                 **dict.fromkeys(received, 0)}, year)
            for year in sorted({y for y in years if y is not None and y != current})
        ]
        state = replace(state.with_slots(policy_id, {name: kept}, turn), projects=(*state.projects, *aside))
    return state


def received_in_a_past_year(
    base: DialogueState, state: DialogueState, parse: Parse, policy_id: str, goal: Goal | None, domain: Domain
) -> DialogueState:
    """"去年我们办论坛区里已经补过90万了，那这次还能拿多少": support received in an earlier year uses none of this
    year's cap — the amount received this year stays what it was before the message."""
    if goal is None or not goal.items:
        return state
    received, _ = _per_year(domain, policy_id, goal.items)
    asked = _talk_year(state)
    past = {name for m in parse.facts_of(policy_id).money for name in m.best_claims(received)
            if (year := _year_before(parse.reading, m.mention.start, state.as_of.year)) is not None
            and year < asked}
    own, before = state.slots.get(policy_id, {}), base.slots.get(policy_id, {})
    if not past & set(own):
        return state
    slots = dict(state.slots)
    slots[policy_id] = {k: v for k, v in own.items() if k not in past} | {k: v for k, v in before.items() if k in past}
    return replace(state, slots=slots)


#: A year written out ("2025年11月在«our region»办了…"): the year an earlier message set the talk in.
_YEAR_WRITTEN = re.compile(r"(20\d{2})\s*年")


def _talk_year(state: DialogueState) -> int:
    """The year the conversation is about: the last year written out in its earlier messages ("企业2025年11月在«our region»办了
    …«event»" asked in January 2026: that year's cap), else the year of the day asked."""
    for turn in reversed(state.history):
        found = _YEAR_WRITTEN.findall(turn.text)
        if found:
            return int(found[-1])
    return state.as_of.year


def _year_before(text: str, at: int, today: int) -> int | None:
    """The year said last before ``at`` in its sentence (a semicolon ends one here: "…160万；今年5月…"), resolved."""
    start = max((m.end() for m in _SENTENCE.finditer(text, 0, at)), default=0)
    found = list(year_said().finditer(text, start, at))
    said = year_in(found[-1].group(0)) if found else None
    return resolve(said, today) if said is not None else None
