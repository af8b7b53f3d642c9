"""Amounts said of another place, for a fact the clause limits to its own region (``FactSpec.in_region``).

第7条 pays on the service "为区内制造业企业提供", 第9条 on events "在嘉定区举办": "其中给昆山客户做的140万" is no
part of the base, "另一场在青浦，审计确认70万" is no event of the list. Part of the tracker
(:mod:`assistant.dialogue.tracker`), after slot filling: the places come from the NLU (``Parse.amount_places``),
which facts they limit from the rules data; the user is told what was left out and why (a line of the working).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from assistant.dialogue.domain import Domain
from assistant.nlu import Parse
from assistant.nlu.amount_mentions import AmountPlace
from assistant.nlu.genre import load_genre
from assistant.nlu.money_facts import MoneyReading
from assistant.rules.trace import TraceStep
from assistant.rules.wording import describe


@dataclass(frozen=True)
class InRegion:
    """The slots to set once amounts of another place are left out, and a line per amount left out."""

    values: dict[str, Any]
    left_out: tuple[TraceStep, ...] = ()


def in_region_only(before: Mapping[str, Any], after: Mapping[str, Any], parse: Parse, policy_id: str,
                   items: tuple[str, ...], domain: Domain) -> InRegion:
    """The goal's facts with the amounts this message says of another place taken out (``before``/``after``: the
    policy's profile before and after this message's slots were filled)."""
    rules = domain.rules.get(policy_id)
    said = [m for m in parse.facts_of(policy_id).money if not (m.denied or m.expected_award)]
    places = {m.mention.start: p for m in said if (p := parse.amount_places.get(m.mention.start)) is not None}
    if rules is None or not any(p.outside for p in places.values()):
        return InRegion({})
    values: dict[str, Any] = {}
    notes: list[TraceStep] = []
    for item_id in items:
        item = rules.item(item_id)
        label = domain.label(policy_id, item.clause)
        for name in domain.item_facts(policy_id, (item_id,)):
            spec = domain.fact_spec(policy_id, name)
            if spec is None or not spec.in_region or name in values:
                continue
            if spec.type == "money":
                own = [m for m in said if m.best_claims([name]) or not (m.claims or m.other)]
                value = _net_of_outside(own, places, before.get(name), after.get(name), parse)
                if value is not None:
                    values[name] = value
                    notes += [_left_out(places[m.mention.start], m.yuan, item.clause, label, spec.in_region)
                              for m in own if _outside(m, places)]
        each = item.each
        limited = [f for f in each.element_facts if getattr(domain.fact_spec(policy_id, f), "in_region", "")] \
            if each is not None else []
        if each is None or not limited or each.fact in values:
            continue
        kept, left, home = _elements_kept(list(before.get(each.fact) or []), list(after.get(each.fact) or []),
                                          said, places)
        if left:
            values[each.fact] = kept
            quote = getattr(domain.fact_spec(policy_id, limited[0]), "in_region", "")
            notes += [_left_out(places[m.mention.start], m.yuan, item.clause, label, quote, each.element)
                      for m in left]
            if home:
                values[limited[0]] = True  # every element kept was said to be in the region itself
    return InRegion(values, tuple(notes))


def _outside(m: MoneyReading, places: Mapping[int, AmountPlace]) -> bool:
    place = places.get(m.mention.start)
    return place is not None and place.outside


def _net_of_outside(own: list[MoneyReading], places: Mapping[int, AmountPlace], before: Any, after: Any,
                    parse: Parse) -> int | None:
    """The fact's value without the amounts of another place (``before``/``after``: its value before this message
    and as slot filling left it). The amount said of the region itself ("给区内企业做的280万"); else the amount of the
    region's slot filling took, less the other place's part when that amount is the total it is said to be part of
    ("一共420万，其中昆山140万"); else the value known before, less that part ("这500万里有300万是给太仓客户做的") or
    unchanged ("那如果把给昆山客户做的120万也算上呢"). None when no amount of this fact is said of another place."""
    outside = [m for m in own if _outside(m, places)]
    if not outside:
        return None
    away = sum(m.yuan for m in outside)
    inside = [m for m in own if not _outside(m, places)]
    home = [m for m in inside if m.mention.start in places]
    part = load_genre().part_of_total.search(parse.reading) is not None
    if home:
        return sum(m.yuan for m in home)
    if inside:
        total = after if after in {m.yuan for m in inside} else max(m.yuan for m in inside)
        largest = total == max(m.yuan for m in inside)
        return total - away if part and largest and total > away else total
    if isinstance(before, int):
        return before - away if part and before > away else before
    return 0  # every amount said is another place's: nothing of the region's own


def _elements_kept(before: list[Any], after: list[Any], said: list[MoneyReading],
                   places: Mapping[int, AmountPlace]) -> tuple[list[Any], list[MoneyReading], bool]:
    """The list without the elements this message added and said of another place; those left out; whether every
    element it added and kept was said of the region itself."""
    added = after[len(before):] if after[: len(before)] == before else []
    if not added or len(added) != len(said) or [m.yuan for m in said] != added:
        return after, [], False
    left = [m for m in said if _outside(m, places)]
    kept = [m for m in said if not _outside(m, places)]
    home = bool(kept) and not before and all(m.mention.start in places for m in kept)
    return [*before, *(m.yuan for m in kept)], left, home


def _left_out(place: AmountPlace, yuan: int, clause: str, label: str, quote: str, element: str = "") -> TraceStep:
    """A step of the working: the amount left out, where it was said to be, and the clause's words why."""
    figures = {"outside_yuan": yuan}
    words = {"place": place.place, "label": label, "quote": quote, "element": element}
    text = describe("outside_region", "element" if element else None, figures, words)
    return TraceStep("outside_region", text, None, clause, label, figures)
