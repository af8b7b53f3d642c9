"""Slot filling: which of the message's facts go into which slot, given the goal and what was asked.

Money is the delicate part: "投入1000万" may be the base of several items. An amount goes to the fact of the
goal's items whose cue claims it most strongly; else to the fact the assistant asked for; else, in a bare
correction ("搞错了，是4000万"), to the amount the user gave last; else to the one money fact the goal still
misses. Amounts given before any item is known wait in ``pending_money``. A figure the user hopes for
("能拿800万吧") or attributes to us ("你刚才说封顶400万") is never a fact.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from assistant.dialogue.amount_targets import amount_targets
from assistant.dialogue.bare_replies import (
    bare_value,
    corrected_wan,
    spec_type,
    spent_wan,
    what_if_wan,
)
from assistant.dialogue.derived_slots import (
    carried_amount,
    of_another_year,
    restored,
    scaled,
    year_of_last_fact,
)
from assistant.dialogue.domain import Domain
from assistant.dialogue.list_elements import element_at, element_named, element_word, item_aliases
from assistant.dialogue.pieces import corrected_part
from assistant.dialogue.state import DialogueState, Goal
from assistant.nlu import Parse
from assistant.nlu.genre import load_genre
from assistant.nlu.money_facts import MoneyReading
from assistant.nlu.money_parts import part_words, said_in_parts


@dataclass(frozen=True)
class Filled:
    state: DialogueState
    filled: tuple[str, ...] = ()
    corrected: tuple[str, ...] = ()
    hoped: tuple[int, ...] = ()


def _said_of(parse: Parse, policy_id: str, goal: Goal | None) -> tuple[str, ...]:
    """The items this message's facts are said of: those of the goal it names ("«item»那个，区里别的政策给过50万"),
    else every item of the goal."""
    if goal is None:
        return ()
    named = tuple(m.item_id for m in parse.items_of(policy_id) if m.item_id in goal.items and not m.negated)
    return named or goal.items


def fill_slots(
    state: DialogueState, parse: Parse, policy_id: str, goal: Goal | None, turn: int, domain: Domain
) -> Filled:
    """Put this message's facts (and amounts waiting for their item) into the policy's slots."""
    facts = parse.facts_of(policy_id)
    profile = state.profile(policy_id)
    if fixed := corrected_part(state, parse, policy_id):  # "设备是400不是300": one part of a sum
        totals = {n: total for n, (total, _) in fixed.items()}
        new_state = state.with_slots(policy_id, totals, turn, _said_of(parse, policy_id, goal),
                                     parts={n: p for n, (_, p) in fixed.items()},
                                     part_words={n: state.part_word_list(policy_id, n)
                                                 or state.element_word_list(policy_id, n) for n in fixed})
        return Filled(new_state, tuple(fixed), tuple(n for n in fixed if profile.get(n) != totals[n]))
    values: dict[str, Any] = dict(facts.values) | of_another_year(state, parse, policy_id, domain) \
        | year_of_last_fact(state, parse, policy_id, domain) | restored(state, parse, policy_id)
    values.update(bare_value(state.requested, parse, policy_id, domain))
    hoped: list[int] = []
    pending: list[MoneyReading] = []
    known = {**profile, **values}
    has_items = bool(goal and (goal.items or goal.kind == "match"))
    readings = [*state.pending_money, *facts.money] if has_items else list(facts.money)
    best: dict[str, float] = {}
    list_started: dict[str, int] = {}
    genre = load_genre()
    in_pieces = said_in_parts(parse.reading, facts.money, genre) and "correction" not in parse.acts
    pieces = set(state.adding_to(policy_id, list(profile))) if "correction" not in parse.acts else set()
    first_piece: str | None = None
    aliases = item_aliases(domain, policy_id, goal.items) if goal is not None else ()
    parts: dict[str, tuple[int, ...]] = {}  # the parts of amounts given in parts
    words: dict[str, tuple[str, ...]] = {}  # the word naming each part
    for m in readings:
        if m.expected_award or (parse.attributed and not m.claims and not m.what_if):
            # Hoped for, or said "as you told us": never a fact — unless the user's own what-if beside the claim
            # ("你刚才说上限是1500万，那我们追加到4000万…").
            hoped.append(m.yuan)
            continue
        if m.denied:
            continue  # "…是200万，不是150万": the value rejected
        targets = amount_targets(m, state, policy_id, goal, parse, domain, known, set(values))
        lists = [n for n, at in list_started.items() if at < m.mention.start]
        if not targets and lists and not m.claims and not m.other:
            targets = lists[:1]  # "«event»100万，«event»80万，«event»60万": the rest of a list being given
        if not targets and in_pieces and first_piece:
            targets = [first_piece]  # "分几块：设备900万，软件600万，平台400万": every piece, whatever it is called
        if not targets:
            if not has_items and m in facts.money:
                pending.append(m)
            continue
        for name in targets:
            if spec_type(domain, policy_id, name) == "money_list":
                at = element_at(parse.reading, m.mention.start) if m in facts.money else None
                before = list(profile.get(name) or [])
                named = state.element_word_list(policy_id, name)
                if at is None and ("correction" in parse.acts or m.what_if) \
                        and len([o for o in facts.money if not o.denied]) == 1 and named:
                    # "不对，«event A»是160万", "如果«event B»只花了80万呢": that element
                    at = element_named(parse.reading, named, aliases)
                if at is None and len(before) == 1 and not genre.adds_element.search(parse.reading):
                    at = 0  # "如果«base amount»只认了160万呢": the one element given, not a second one
                if at is not None and name not in values and -len(before) <= at < len(before):
                    before[at] = m.yuan  # "如果第二场«base amount»只有60万呢": that element, not one more
                    values[name] = before
                    words[name] = named
                    continue
                # A list grows over turns ("10月还要办一场，«base amount»100万"), unless the user corrects it.
                kept = [] if "correction" in parse.acts else list(profile.get(name) or [])
                earlier = list(values[name]) if name in values else kept
                earlier_words = words.get(name, named if kept else ())
                values[name] = [*earlier, m.yuan]
                since = max((o.mention.end for o in facts.money if o.mention.end <= m.mention.start), default=0)
                said = element_word(parse.reading, m.mention.start, aliases, since) if m in facts.money else ""
                words[name] = (*earlier_words, said) if len(earlier_words) == len(earlier) else ()
                list_started.setdefault(name, m.mention.start)
            else:
                # Of two amounts claimed by one fact, the more strongly claimed one is its value.
                score = m.claims.get(name, 0.0)
                # The pieces of an amount add up: in one message said to be in pieces, or after one.
                piece = in_pieces or name in pieces
                # ("2024年投了280万，2025年又投了150万": the second adds to the first, whichever is claimed more surely)
                if name not in values or score > best.get(name, -1.0) or piece or m.adds:
                    if name in values:
                        before_value = values[name] if piece or m.adds else None
                    else:  # "如果明年再投500万呢": added to the amount given, not in its place
                        before_value = profile.get(name) if name in pieces or m.adds else None
                    values[name] = m.yuan + before_value if isinstance(before_value, int) else m.yuan
                    said_as = part_words(parse.reading, m.mention, genre) if m in facts.money else ("",)
                    if piece:
                        so_far = parts.get(name, state.part_list(policy_id, name) if name in pieces else ())
                        named = words.get(name, state.part_word_list(policy_id, name) if name in pieces else ())
                        parts[name] = (*so_far, *m.mention.pieces)
                        words[name] = (*named, *said_as) if len(named) == len(so_far) else ()
                    elif m.mention.addends:  # "设备1200万加软件600万": its parts, so that one can be corrected
                        parts[name], words[name] = m.mention.addends, said_as
                    best[name] = score
                    first_piece = first_piece or (name if in_pieces else None)
            known[name] = values[name]
    if parse.scale is not None and not facts.money and has_items:
        values.update(scaled(state, parse, policy_id, goal, domain))
    if (wan := corrected_wan(parse) or what_if_wan(parse)) is not None and has_items and goal is not None:
        money = [n for n in domain.item_facts(policy_id, goal.items)
                 if spec_type(domain, policy_id, n) in ("money", "money_list")]
        said_of = [n for n in facts.mentioned if n in money and n in profile]  # ("«part»其实是两百五": the one named)
        last = said_of[0] if len(said_of) == 1 else state.last_money_slot(policy_id, money, set(money))
        was = profile.get(last or "")
        if last is not None and (not isinstance(was, list) or len(was) == 1):
            # "投资说多了，其实是600", "那六百呢": the amount given last (a list of one: its one element), in 万元
            values[last] = [wan] if isinstance(was, list) else wan
    elif has_items and goal is not None and not facts.money and (wan := spent_wan(parse)) is not None:
        # "改造总共投了一千出头，区里最多能补多少": the one amount the figure still misses, in 万元.
        missing = [n for n in domain.item_facts(policy_id, goal.items) if spec_type(domain, policy_id, n) == "money"
                   and n not in known and (spec := domain.fact_spec(policy_id, n)) is not None and spec.required]
        if len(missing) == 1:
            values[missing[0]] = wan
    elif has_items and goal is not None and not facts.money and (carried := carried_amount(state, parse, policy_id, goal,
                                                                                      known, domain)):
        values.update(carried)
    given = [n for n in values if spec_type(domain, policy_id, n) in ("money", "money_list")]
    if parse.share is not None and len(given) == 1 and len(facts.money) == 1:
        # "总花费300万，审计只确认了其中60%": 180万 counts (the last element, for a list being given)
        value = values[given[0]]
        values[given[0]] = [*value[:-1], round(value[-1] * parse.share)] if isinstance(value, list) and value \
            else round(value * parse.share)
    corrected = tuple(n for n, v in values.items() if n in profile and profile[n] != v)
    # Pieces keep adding until the figure is asked for ("…总共能补多少") or corrected.
    adding = frozenset(n for n in values if (n in pieces or in_pieces) and not parse.asks_amount
                       and spec_type(domain, policy_id, n) == "money")
    new = state.with_slots(policy_id, values, turn, _said_of(parse, policy_id, goal), adding,
                           facts.planned & values.keys(), parts, words) if values else state
    if has_items:
        new = replace(new, pending_money=())
    elif pending:
        new = replace(new, pending_money=(*state.pending_money, *pending))
    return Filled(new, tuple(values), corrected, tuple(hoped))
