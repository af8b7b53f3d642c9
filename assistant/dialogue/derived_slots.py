"""Slot values derived from what the user said, not said outright: a scaling hypothetical ("那如果投入翻倍呢"),
an amount carried to another item of the same project, a fact said of another year than the one it is tied to,
and one project's amount shared by the items it is claimed under ("同一个项目…"). Part of slot filling
(:mod:`assistant.dialogue.slots`); the arithmetic here is on the user's own figures, never on an award.
"""

from __future__ import annotations

import re
from typing import Any

from assistant.dialogue.bare_replies import spec_type
from assistant.dialogue.domain import Domain
from assistant.dialogue.state import DialogueState, Goal
from assistant.nlu import Parse
from assistant.nlu.fact_years import Year, resolve, year_in, year_said
from assistant.nlu.genre import load_genre


def scaled(state: DialogueState, parse: Parse, policy_id: str, goal: Goal | None, domain: Domain) -> dict[str, Any]:
    """"那如果投入翻倍呢": the amount the message names by its cue (else the one the user gave last), scaled.
    The user's own figure times the user's own factor, in whole yuan: a hypothetical fact, not an award."""
    items = goal.items if goal and goal.items else ()
    money = [n for n in domain.item_facts(policy_id, items) if getattr(domain.fact_spec(policy_id, n), "type", None) in ("money", "money_list")]
    profile = state.profile(policy_id)
    named = [n for n in parse.facts_of(policy_id).mentioned if n in money and n in profile]
    target = named[0] if named else state.last_money_slot(policy_id, money, set(money))
    if target is None or parse.scale is None:
        return {}
    factor = parse.scale
    old = profile[target]
    if isinstance(old, list):
        return {target: [round(v * factor) for v in old]}
    return {target: round(old * factor)} if isinstance(old, int) else {}


def share_project_amounts(state: DialogueState, goal: Goal | None, turn: int, domain: Domain) -> DialogueState:
    """One project under several items ("同一个项目又被认定为«option»«item»"): an amount of the project that one item
    knows fills the same kind of amount another item still lacks, when users name both with the same words
    (the lexicon's cues overlap: "投了1000万" is that project's 投资 and its 已投入). The trace shows the figure used."""
    pid = state.policy_id
    if goal is None or not goal.same_project or len(goal.items) < 2 or pid is None:
        return state
    vocab = domain.catalog.policy(pid)
    profile = state.profile()
    known = {f: profile[f] for i in goal.items for f in domain.amount_facts(pid, (i,)) if f in profile}
    fills: dict[str, Any] = {}
    for item in goal.items:
        for fact in domain.amount_facts(pid, (item,)):
            if fact in profile or fact in fills:
                continue
            cues = set(vocab.cues(fact).cues)
            donor = next((f for f in known if cues & set(vocab.cues(f).cues)), None)
            if donor is not None:
                fills[fact] = known[donor]
    return state.with_slots(pid, fills, turn) if fills else state


def of_another_year(state: DialogueState, parse: Parse, policy_id: str, domain: Domain) -> dict[str, Any]:
    """"2023年被重大处罚过，今年申报…": a fact the rules tie to a year relative to the application (第14条 上一年度)
    holds when said of that year; said of another ("2023年…，2025年申报") it is not this fact. The application year
    is the one the message names ("2025年申报"), else the year of the day asked."""
    facts = parse.facts_of(policy_id)
    today = state.as_of.year
    applying = resolve(facts.applying, today) if facts.applying is not None else today
    known = state.slots.get(policy_id, {})
    out: dict[str, Any] = {}
    for name, said in facts.years.items():
        spec = domain.fact_spec(policy_id, name)
        if spec is None or spec.year_offset is None:
            continue
        if resolve(said, today) - applying != spec.year_offset:
            out[name] = False
        elif name in facts.raised and name in known:
            # "2023年被认定过重大违法…" … "那要是那次处罚是2024年的呢": the event said before, moved to the year the
            # rules mean — a milder word for it now ("处罚") still names that event
            out[name] = True
    return out


#: What may stand beside a year in a bare reply ("去年的事", "是2024年的", "前年那会儿吧").
_YEAR_FILLER = re.compile(r"[\s，,。.！!？?~～（）()]|的事|的时候|那会儿?|那年|发生的|是|的|了|吧|啊|呀|哈|嗯|额|哦|噢|应该|就是|其实"
                          r"|不对|不好意思|抱歉|对不起|我?(记|说|搞|弄)错了?"
                          # relayed by a hotline colleague: "对方改口了 说是去年 2024年的事"
                          r"|(对方|他|她|客户|来电人?)?(又)?(改口|更正)了?|(对方|他|她|客户)?(又)?说")


def year_of_last_fact(state: DialogueState, parse: Parse, policy_id: str, domain: Domain) -> dict[str, Any]:
    """"被认定过一次重大违法" … "去年的事": a bare year right after a fact the rules tie to a year (第14条 上一年度) says
    when it happened — the fact holds only when that year is the one the rules mean."""
    today = state.as_of.year
    # "说错了，是前年（2023年）的事，去年没有": a year denied is not the one said
    text = re.sub(rf"(不是)({year_said().pattern})|({year_said().pattern})(并)?(没有|没)", "", parse.reading)
    # "是去年，二〇二四年的事": one year, however many ways it is said
    years = {resolve(y, today) for m in year_said().finditer(text) if (y := year_in(m.group(0))) is not None}
    if len(years) != 1 or _YEAR_FILLER.sub("", year_said().sub("", text)):
        return {}
    said: Year = ("abs", years.pop())
    out: dict[str, Any] = {}
    for name, slot in state.slots.get(policy_id, {}).items():
        spec = domain.fact_spec(policy_id, name)
        if spec is not None and spec.year_offset is not None and slot.turn == state.turn:
            out[name] = resolve(said, today) - today == spec.year_offset
    return out


def carried_amount(
    state: DialogueState, parse: Parse, policy_id: str, goal: Goal, known: dict[str, Any], domain: Domain
) -> dict[str, Any]:
    """"不是«item A»，是«item B»" after A's base amount was given: the item was misnamed, not the project — the
    amount A's figure rested on is B's, when B misses exactly one amount and A had exactly one. So too for the same
    project under another item ("那如果这个项目被认定为«item B»呢", "要是按«item B»报呢")."""
    before = state.goal
    if before is None or before.policy_id != policy_id or not before.items or set(goal.items) & set(before.items):
        return {}
    denied = {m.item_id for m in parse.items_of(policy_id) if m.negated}
    # ("要是按«item B»报呢": the same project claimed under another item)
    same = "follow_up" in parse.acts and (load_genre().this_project.search(parse.reading) is not None
                                          or load_genre().by_item.search(parse.reading) is not None)
    if not set(before.items) <= denied and not same:
        return {}
    def money(items: tuple[str, ...]) -> list[str]:
        return [n for n in domain.item_facts(policy_id, items) if spec_type(domain, policy_id, n) == "money"
                and (spec := domain.fact_spec(policy_id, n)) is not None and spec.required]
    missing = [n for n in money(goal.items) if n not in known]
    had = [n for n in money(before.items) if isinstance(known.get(n), int)]
    return {missing[0]: known[had[0]]} if len(missing) == 1 and len(had) == 1 else {}


def restored(state: DialogueState, parse: Parse, policy_id: str) -> dict[str, Any]:
    """"回到原来的预算，两场合计多少" after a what-if: the fact changed last takes the value it had before."""
    own = state.slots.get(policy_id, {})
    if parse.amounts or not own or not load_genre().back_to_original.search(parse.reading):
        return {}
    name = max(own, key=lambda n: own[n].turn)
    return {name: own[name].earlier[-1]} if own[name].earlier else {}
