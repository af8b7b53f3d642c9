"""Elements of a list fact, named by their place ("第二场«base amount»只有60万", "第三个«element»其实是在«other place»办的").

An amount said of an element changes that element (:func:`element_at`, used by slot filling). A fact the rules
say is said of one element at a time (``each.element_facts``: e.g. where one event was held) and whose value fails the
item's condition drops that element from the list; the other elements still count, and the fact is not taken for
every element (:func:`drop_failing_elements`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import cn2an

from assistant.dialogue.domain import Domain
from assistant.dialogue.state import DialogueState, Goal
from assistant.nlu import Parse
from assistant.nlu.genre import load_genre
from assistant.nlu.numerals import small_int


def _number(n: str) -> int:
    """"3" or "三"/"两" as an int (a place or a count in a list); 0 when it is not a number."""
    return small_int(n) or 0


def element_at(reading: str, start: int) -> int | None:
    """The list element said of at ``start``, by its place in the same clause before it ("第二场…60万" → 1;
    "最后一场" → -1)."""
    clause_start = max((m.end() for m in re.finditer(r"[，,。；;！？!?\n]", reading[:start])), default=0)
    hits = list(load_genre().element_ordinal.finditer(reading, clause_start, start))
    if not hits:
        return None
    n = hits[-1].group("n")
    if n is None:
        return -1
    number = _number(n)
    return number - 1 if number >= 1 else None


def element_word(reading: str, start: int, aliases: tuple[str, ...], since: int = 0) -> str:
    """The word naming the list element an amount at ``start`` is said of: the item's alias nearest before it and
    after ``since`` (the amount before it): "一个全国性论坛审计60万" → "论坛", "一个国际大赛，审计费用九十万" → "大赛";
    "" when none."""
    named = reading[since:start]
    found = [(named.rfind(a) + len(a), len(a), a) for a in aliases if a and a in named]
    return max(found)[2] if found else ""


def item_aliases(domain: Domain, policy_id: str, items: tuple[str, ...]) -> tuple[str, ...]:
    """The words the items are called by (their aliases in the policy's rules), the words list elements are named by."""
    rules = domain.rules.get(policy_id)
    return tuple(a for i in items for a in rules.item(i).aliases) if rules is not None else ()


def element_named(reading: str, words: tuple[str, ...], aliases: tuple[str, ...]) -> int | None:
    """The one element a message names by its word ("不对，论坛是160万", "那个大赛其实是在苏州办的" after "一个全国性
    论坛…一个国际大赛…"): the index of the only element whose word the message says, else None (also when an element
    has no word of its own)."""
    if not all(words):
        return None  # "办了两场峰会，一个80万，一个50万": a word for the whole list, not for one element
    said = {a for a in aliases if a and a in reading}
    # "只算那个大赛" names the element given as "创新大赛": a shorter alias inside its word names it too
    hits = [i for i, w in enumerate(words) if w in reading or any(a in w for a in said)]
    if len(hits) > 1:
        # "如果«element B»放到明年办，今年只办«element A»": of two elements named, the one kept alone ("只…") is the one meant
        only = load_genre().keeps_only.pattern
        hits = [i for i in hits if re.search(f"(?:{only})[^，,。；;？?]{{0,3}}{re.escape(words[i])}", reading)]
    return hits[0] if len(hits) == 1 and words.count(words[hits[0]]) == 1 else None


def element_words(state: DialogueState, policy_id: str) -> dict[str, tuple[str, ...]]:
    """List fact → the words its elements were given with (see :meth:`DialogueState.element_word_list`)."""
    return {n: state.element_word_list(policy_id, n) for n in state.slots.get(policy_id, {})}


def names_one_element(state: DialogueState, parse: Parse, policy_id: str, items: tuple[str, ...], domain: Domain) -> bool:
    """The message names one element of an item's list by its word ("如果只办了那个大赛呢")."""
    return _by_word(parse.reading, element_words(state, policy_id), domain, policy_id, items) is not None


@dataclass(frozen=True)
class Dropped:
    """The list values after the drop, what to tell the user, and the facts said of one element only."""

    values: dict[str, Any]
    notes: tuple[str, ...]
    element_only: frozenset[str]
    view: bool = False
    """The values are a part of the list asked about for this turn only, not a fact that changes the list."""


def _list_part(elements: list[Any], reading: str, asks_amount: bool, by_word: int | None = None) -> list[Any] | None:
    """The elements a message keeps: "只算前两场" the first two, "后两个" the last two, "第三场不算" all but one,
    "那第一场能拿多少" that one alone; by the word that named an element (``by_word``): "如果只办了那个大赛呢" that
    one, "论坛不算的话" the others."""
    genre = load_genre()
    part = genre.list_part.search(reading)
    if part is not None:
        n = part.group("n")
        count = _number(n)
        if 0 < count < len(elements):
            return elements[:count] if part.group("side") == "前" else elements[-count:]
    ordinal = next(genre.element_ordinal.finditer(reading), None)
    if ordinal is not None and (genre.drops_element.search(reading) or asks_amount or genre.keeps_only.search(reading)):
        at = element_at(reading, ordinal.end())
        if at is not None and -len(elements) <= at < len(elements):
            index = at % len(elements)
            if not genre.drops_element.search(reading):
                return [elements[index]]
            return elements[:index] + elements[index + 1 :]
    if ordinal is None and by_word is not None and by_word < len(elements):
        if genre.drops_element.search(reading):
            return elements[:by_word] + elements[by_word + 1 :]
        if asks_amount or genre.keeps_only.search(reading):
            return [elements[by_word]]
    return None


def drop_failing_elements(profile: dict[str, Any], parse: Parse, policy_id: str, items: tuple[str, ...],
                          domain: Domain, after: dict[str, Any] | None = None,
                          named: Mapping[str, tuple[str, ...]] | None = None) -> Dropped:
    """Elements the message says fail a condition of their own ("第三个«element»其实是在«other place»办的", or by
    the word that named it, ``named``: "那个大赛其实是在苏州办的"), or leaves out ("那如果只算前两场呢", "第三场不算"),
    taken out of the list. ``after``: the profile with this message's facts; an element the message adds and says
    fails ("我们在«other place»还办了一场，审计确认60万") is left out too."""
    rules = domain.rules.get(policy_id)
    stated = parse.facts_of(policy_id).values
    if rules is not None and not parse.amounts:
        for item_id in items:
            each = rules.item(item_id).each
            elements = list(profile.get(each.fact) or []) if each else []
            word = _by_word(parse.reading, named or {}, domain, policy_id, (item_id,))
            kept = _list_part(elements, parse.reading, parse.asks_amount, word) if each and len(elements) >= 2 else None
            if each is not None and kept is not None:
                return Dropped({each.fact: kept}, (), frozenset(), view=True)
    ordinal = next(load_genre().element_ordinal.finditer(parse.reading), None)
    added = _added_one(profile, after or {}, rules, items) if ordinal is None and rules is not None else None
    by_word = _by_word(parse.reading, named or {}, domain, policy_id, items) if ordinal is None else None
    if ordinal is None and by_word is None and rules is not None:
        by_word = _by_amount(profile, parse, rules, items)
    if rules is None or not stated or (ordinal is None and added is None and by_word is None):
        return Dropped({}, (), frozenset())
    at = element_at(parse.reading, ordinal.end()) if ordinal is not None else by_word if by_word is not None else -1
    if added is not None:
        profile = added
    values: dict[str, Any] = {}
    notes: list[str] = []
    element_only: set[str] = set()
    for item_id in items:
        item = rules.item(item_id)
        each = item.each
        elements = list(profile.get(each.fact) or []) if each else []
        if each is None or at is None or len(elements) < 2 or not -len(elements) <= at < len(elements):
            continue
        for cond in item.conditions:
            if cond.fact in each.element_facts and cond.fact in stated:
                element_only.add(cond.fact)
                spec = rules.facts.get(cond.fact)
                value = spec.coerce(stated[cond.fact]) if spec is not None else stated[cond.fact]
                if cond.decide(value) == "not_met" and each.fact not in values:
                    index = at % len(elements)
                    values[each.fact] = elements[:index] + elements[index + 1 :]
                    # In words ("第三项"): a place in the user's list is not a figure of the policy.
                    place = cn2an.an2cn(index + 1)
                    notes.append(f"第{place}{each.element}不满足“{cond.text}”，不计入")
    return Dropped(values, tuple(notes), frozenset(element_only))


def _by_word(reading: str, named: Mapping[str, tuple[str, ...]], domain: Domain, policy_id: str,
             items: tuple[str, ...]) -> int | None:
    """The element of the items' list the message names by its word (``named``: the words per list fact), if one."""
    rules = domain.rules.get(policy_id)
    if rules is None:
        return None
    for item_id in items:
        each = rules.item(item_id).each
        if each is not None and named.get(each.fact):
            return element_named(reading, named[each.fact], item_aliases(domain, policy_id, items))
    return None


def _by_amount(profile: dict[str, Any], parse: Parse, rules: Any, items: tuple[str, ...]) -> int | None:
    """The element the message names by its amount ("六十万那场是在苏州办的"): the one amount it says, with a word
    pointing at one of a list right after it, equal to exactly one element of an item's list."""
    if len(parse.amounts) != 1 or not load_genre().named_by_amount.match(parse.reading, parse.amounts[0].end):
        return None
    for item_id in items:
        each = rules.item(item_id).each
        elements = list(profile.get(each.fact) or []) if each else []
        at = [i for i, element in enumerate(elements) if element == parse.amounts[0].yuan]
        if len(at) == 1 and len(elements) >= 2:
            return at[0]
    return None


def _added_one(before: dict[str, Any], after: dict[str, Any], rules: Any, items: tuple[str, ...]) -> dict[str, Any] | None:
    """The profile after a message that adds exactly one element to an item's list, else None."""
    for item_id in items:
        each = rules.item(item_id).each
        if each is not None and len(after.get(each.fact) or []) == len(before.get(each.fact) or []) + 1 >= 2:
            return after
    return None


def view_kept(state: DialogueState, parse: Parse, policy_id: str, goal: Goal | None, prior: Goal | None
               ) -> tuple[tuple[str, Any], ...]:
    """"下半年还想再办一场…这个能补多少" (that element alone, with what the year's others used) … "你刚才说第二场能补50万
    是吧？": a claim about our answer, or the answer asked again, stating nothing new about the same question, keeps
    the view the last answer was given in."""
    if goal is None or prior is None or (goal.kind, goal.items) != (prior.kind, prior.items) \
            or parse.states_facts(policy_id) or state.policy_id != policy_id \
            or not (parse.attributed or "again" in parse.acts) or "together" in parse.acts:
        return ()  # (not "两场加起来一共多少": the total is asked now)
    return state.last.view
