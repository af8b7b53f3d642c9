"""Which slot an amount of a message goes to: the fact of the goal's items whose cue claims it most strongly (the
nearest item's, when several claim it equally); else the fact the assistant asked for; else support said received
while its amount was missing; else, after a figure, the amount a bare correction or a what-if replaces; else the
one money fact the goal still misses. A cue naming a fact the goal does not use sends the amount nowhere.
"""

from __future__ import annotations

import re
from typing import Any

from assistant.dialogue.bare_replies import STRONG_CLAIM, amount_now, spec_type
from assistant.dialogue.domain import Domain
from assistant.dialogue.list_elements import element_at
from assistant.dialogue.state import DialogueState, Goal
from assistant.nlu import Parse
from assistant.nlu.genre import load_genre
from assistant.nlu.money_facts import MoneyReading
from assistant.nlu.spans import segment_end, segment_start


def _for_all(parse: Parse, m: MoneyReading) -> bool:
    return bool(re.search(r"(都是|均为|都为|一样是|都)\s*$", parse.reading[max(0, m.mention.start - 4) : m.mention.start]))


def _nearest(
    claimed: list[str], m: MoneyReading, parse: Parse, policy_id: str, domain: Domain, filled_now: set[str]
) -> list[str]:
    """Of facts of different items that claim an amount equally ("投资500万" for the smart-factory item and the
    benchmark item), the one whose item the message names closest before the amount; a fact already given a
    value in this message yields to one that has none."""
    fresh = [f for f in claimed if f not in filled_now] or claimed
    # "跟«item»不是同一个": that item is named to be set apart, not as the amount's owner.
    apart = [(x.start("other"), x.end("other")) for x in load_genre().not_same_as.finditer(parse.reading)]
    before = {x.item_id: x.start for x in parse.items_of(policy_id)
              if x.start < m.mention.start and not any(s <= x.start < e for s, e in apart)}
    distance: dict[str, int] = {}
    for fact in fresh:
        owners = [before[i] for i in domain.items_of_fact(policy_id, fact) if i in before]
        if owners:
            distance[fact] = m.mention.start - max(owners)
    if distance:
        best = min(distance.values())
        return [f for f in fresh if distance.get(f) == best]
    return fresh


def _project_support(money: list[str], policy_id: str, domain: Domain) -> str | None:
    """The one money fact among ``money`` that concerns every item's project (other support it got)."""
    rules = domain.rules.get(policy_id)
    project = [f.name for f in rules.cross_cutting_facts() if f.name in money] if rules is not None else []
    return project[0] if len(project) == 1 else None


def _said_as_received(text: str, m: MoneyReading) -> bool:
    """Whether the clause of ``m`` says money was given or received ("…给过我们这个基地40万了"), not only an amount
    ("（不含土建投入也是900万）": the same project's figure under another item, not support it got)."""
    clause = text[segment_start(text, m.mention.start) : segment_end(text, m.mention.end)]
    return bool(load_genre().received.search(clause))


def amount_targets(
    m: MoneyReading, state: DialogueState, policy_id: str, goal: Goal | None, parse: Parse, domain: Domain,
    known: dict[str, Any], filled_now: set[str],
) -> list[str]:
    # Every money fact of the goal's items: the figure's base, and amounts its conditions test ("营收突破1亿");
    # for "what can we claim", every item's.
    items = goal.items if goal and goal.items else (tuple(domain.item_ids(policy_id)) if goal and goal.kind == "match" else ())
    relevant = domain.item_facts(policy_id, items) if items else []
    money = [n for n in relevant if spec_type(domain, policy_id, n) in ("money", "money_list")]
    claimed = m.best_claims(money)
    every = [f for f in money if m.claims.get(f, 0) >= STRONG_CLAIM - 10] if _for_all(parse, m) else []
    if every:
        return every  # "项目投资和已投入都是1000万": every fact whose cue claims it ("一样是500万" alone: as any amount)
    if len(claimed) > 1 and not (goal and goal.same_project):
        claimed = _nearest(claimed, m, parse, policy_id, domain, filled_now)
    if claimed:
        return claimed
    req = state.requested
    # (an amount named as something else answers only when nothing else does: "预算300万" alone is taken, not beside
    # "最后审计确认170万")
    plain = [o for o in parse.facts_of(policy_id).money if not (o.other or o.denied or o.expected_award)]
    if req is not None and req.kind == "fact" and req.fact in money and not (m.other and plain):
        return [req.fact]
    waiting = [f for f in state.last.received_unsaid if f in money and known.get(f) is None]
    if len(waiting) == 1 and not m.claims and _said_as_received(parse.reading, m):
        return waiting  # "市里给过补助" … "给了150万": that support's amount
    answered_before = state.goal is not None and state.goal.answered
    # A what-if amount whose cue names no fact of this goal ("那如果审计只认300w呢" of a service amount) is the
    # goal's amount too: the figure is recomputed on it, not another item's fact silently filled.
    bare = answered_before and (
        # ("再少点呢，300万": the reader's question of a figure, the amount all it says)
        (not m.claims and parse.intent in ("inform", "followup", "award") and amount_now(parse, m))
        or (m.what_if and not m.best_claims(money)))
    if answered_before and m.adds and not m.claims:
        # "要是明年再投三百万": more investment — the figure's base (its first required amount), not a deduction.
        base = [n for n in money if n in known and getattr(domain.fact_spec(policy_id, n), "required", False)]
        if base:
            return base[:1]
    listed = [n for n in money if n in known and spec_type(domain, policy_id, n) == "money_list"]
    if listed and not m.claims and element_at(parse.reading, m.mention.start) is not None:
        return listed[:1]  # "第三场90万": an element of the list being given
    adding = state.adding_to(policy_id, money)
    if adding and not m.claims and "correction" not in parse.acts:
        return adding[:1]  # "分几块，设备900万" … "软件和系统集成那块600万": the next piece
    rejected = {o.yuan for o in parse.facts_of(policy_id).money if o.denied}
    was = [n for n in money if isinstance(known.get(n), int) and known.get(n) in rejected]
    if len(was) == 1 and not claimed and not m.other:
        return was  # "«giver»给的不是100万，是300万": the fact whose value is the one rejected, not the last one given
    back = state.had(policy_id, m.yuan, money) if not m.claims else []
    if back and (load_genre().turns_to.search(parse.reading) or load_genre().actual_value.search(parse.reading)):
        return back[-1:]  # "回到80万那个情况", "确实是两百万": the value that amount had before a what-if
    if ("correction" in parse.acts or bare) and not m.other:
        # "搞错了，是4000万" — or a bare amount right after a figure was given — corrects the amount given last
        # (never "总营收是5000万" said beside it: an amount named as something else); the value being corrected,
        # named again beside the new one ("150万是去年的，今年实际发生的是三百二十万"), corrects nothing (not in a
        # dispute: "800万的30%是240万啊" works the figure out, it gives no new value).
        last = state.last_money_slot(policy_id, money, set(money))
        if last and known.get(last) == m.yuan and not m.claims and "dispute" not in parse.acts and any(
                o is not m and not o.claims and o.yuan != m.yuan and not (o.denied or o.other or o.expected_award)
                for o in parse.facts_of(policy_id).money):
            return []
        if last:
            return [last]
    if "same_project" in parse.acts and _said_as_received(parse.text, m) \
            and (project := _project_support(money, policy_id, domain)) is not None:
        # "区里人社那边给过我们这个基地40万了，同一个基地": an amount said of the same project is its other support
        return [project]
    if any(s >= STRONG_CLAIM for s in m.claims.values()) or m.other:
        return []  # a cue names a fact this goal does not use ("预算300万": something else): not silently another fact
    missing = [
        n for n in money
        if n not in known and (spec := domain.fact_spec(policy_id, n)) is not None and spec.required
    ]
    # The one amount the goal still misses takes an unclaimed amount — unless another amount of the
    # message is claimed by it ("总预算300万…«base amount»是180万": 180, not 300).
    others = [o for o in parse.facts_of(policy_id).money if o is not m]
    missing = [n for n in missing if not any(n in o.claims for o in others)]
    return missing[:1] if len(missing) == 1 else []
