"""The figure of one element just added to a list whose cap the year's elements share ("今年下半年还要办一个…审计
预计140万，那这个能拿多少"): that element alone, with what the earlier elements take of the yearly cap counted as
used. The earlier elements' figure is the calculator's (never computed here) and stands for what was received that
year (the cap part's ``received_fact``), so the calculator's own cap step says what is left. When the user has said
what was received ("这40万已经到账了"), that already counts the earlier elements: no view.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from assistant.dialogue.domain import Domain
from assistant.dialogue.list_elements import Dropped
from assistant.nlu import Parse
from assistant.nlu.fact_years import resolve, year_in, year_said
from assistant.nlu.genre import load_genre
from assistant.rules.calculator import calculate
from assistant.rules.money import format_yuan
from assistant.rules.parts import CapPart


def _years(text: str, today: int) -> set[int]:
    """The years a text says ("去年（2024年）11月" → {2024}), resolved against the day asked."""
    return {resolve(y, today) for m in year_said().finditer(text) if (y := year_in(m.group(0))) is not None}


def new_element_alone(before: dict[str, Any], after: dict[str, Any], parse: Parse, policy_id: str,
                      items: tuple[str, ...], domain: Domain, as_of: date, said_before: tuple[str, ...] = ()) -> Dropped | None:
    """The view for "this one" when the message adds exactly one element to a list with earlier elements of the
    same yearly cap, else None. ``said_before``: the earlier messages; when they say only other years than this
    one does ("去年（2024年）11月…" … "今年6月还要办一场…今年这场能补多少"), the earlier elements share no cap with it."""
    rules = domain.rules.get(policy_id)
    if rules is None or len(items) != 1 or not load_genre().this_one.search(parse.reading):
        return None
    item = rules.item(items[0])
    each = item.each
    cap = next((p for p in item.award if isinstance(p, CapPart) and p.scope == "applicant_year"), None)
    received = cap.received_fact if cap is not None else None
    if each is None or cap is None or received is None or after.get(received):
        return None  # "这40万已经到账了…这一场呢": what the earlier elements got is said, already counted
    old, new = list(before.get(each.fact) or []), list(after.get(each.fact) or [])
    if not old or len(new) != len(old) + 1 or new[: len(old)] != old:
        return None
    now, then = _years(parse.reading, as_of.year), set().union(*(_years(t, as_of.year) for t in said_before))
    if now and then and not now & then:
        note = f"此前各{each.element}在{'、'.join(map(str, sorted(then)))}年，不占本年度“{cap.quote}”"
        return Dropped({each.fact: new[-1:]}, (note,), frozenset(), view=True)
    earlier = calculate(rules, item.id, {**after, each.fact: old}, as_of)
    if earlier.amount_yuan is None:
        return None
    label = domain.label(policy_id, item.clause)
    # (no count of the earlier elements in the words: a number the answer says is a figure the guard checks)
    note = (f"本年度此前各{each.element}按{label}合计{format_yuan(earlier.amount_yuan)}，"
            f"与本{each.element}共用“{cap.quote}”")
    return Dropped({each.fact: new[-1:], received: earlier.amount_yuan}, (note,), frozenset(), view=True)
