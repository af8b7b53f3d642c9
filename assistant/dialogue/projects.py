"""Several projects of one enterprise in one conversation, under the same item ("A项目是«option»«item»…" … "另外还有个B项目，
是«option»«item»，«base amount»1000万，跟A不是一个项目" … "两个加起来一共能拿多少").

The profile holds one value per fact, so a second project's facts would overwrite the first's. A message that
speaks of another project and gives new values for the current project's own facts first sets the current
project aside (:class:`Project`: its items and the values of its own facts); a later question of the total adds
every project up. A stated amount said to belong to another project ("那120万是我们另外一个项目拿的") leaves
this project's profile.

A project's own facts are its items' facts and the project-level facts (other support for the same project),
never the applicant's (registration, violations): those stay shared.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from assistant.dialogue.domain import Domain
from assistant.dialogue.named_items import ITEM_NAMED
from assistant.dialogue.state import Goal
from assistant.nlu import Parse
from assistant.nlu.genre import load_genre
from assistant.nlu.genre_readings import asked_element
from assistant.nlu.numerals import small_int
from assistant.rules.cross import DeductOtherSupport
from assistant.rules.trace import TraceStep
from assistant.rules.wording import describe


@dataclass(frozen=True)
class Project:
    """A project set aside: the items it was asked about and the values of its own facts."""

    items: tuple[str, ...]
    facts: Mapping[str, Any]
    year: int | None = None
    """Claims of another year than the one asked about ("2024年办的那场"): a yearly cap counts them apart."""
    label: str = ""
    """The label the user gave it ("乙厂", "B项目"), when several were labelled (:mod:`assistant.dialogue.labels`)."""


def own_facts(domain: Domain, policy_id: str, items: tuple[str, ...]) -> set[str]:
    """The facts that belong to a project under ``items`` (not to the applicant)."""
    rules = domain.rules.get(policy_id)
    if rules is None:
        return set()
    applicant = domain.applicant_facts(policy_id)
    project_level = {s.name for s in rules.cross_cutting_facts()} - applicant
    return (set(domain.item_facts(policy_id, items)) | project_level) - applicant


def _about_another_project(parse: Parse) -> bool:
    return "different_projects" in parse.acts or bool(load_genre().another_project.search(parse.reading))


def set_aside(state: Any, parse: Parse, policy_id: str, domain: Domain) -> Any:
    """The state with the current project set aside, when this message starts another project under the same
    items (it speaks of another project and gives new values for the current one's own facts)."""
    goal = state.goal
    # (one project under several items is not set aside; under one item, "这个项目市里也给过…" said nothing of that)
    if goal is None or not goal.items or goal.policy_id != policy_id or (goal.same_project and len(goal.items) > 1) \
            or not _about_another_project(parse):
        return state
    if any(m.item_id not in goal.items for m in parse.items_of(policy_id) if m.score >= ITEM_NAMED):
        return state  # another item named: separate items already add up, each with its own facts
    own = own_facts(domain, policy_id, goal.items)
    profile = state.profile(policy_id)
    facts = parse.facts_of(policy_id)
    changed = any(f in own and f in profile and profile[f] != v for f, v in facts.values.items())
    # (An amount already known said again — "那80万其实是给另一个项目的" — moves that fact, it starts nothing.)
    claimed = any(f in own and f in profile and profile[f] != m.yuan for m in facts.money for f in m.best_claims(list(own)))
    if not (changed or claimed):
        return state
    kept = Project(goal.items, {f: profile[f] for f in own if f in profile})
    # The new project starts with none of the set-aside project's optional facts ("国家那边给了400万" was that
    # project's support); what every figure needs is said anew or asked.
    optional = {f for f in own if not getattr(domain.fact_spec(policy_id, f), "required", True)}
    fresh = {k: v for k, v in state.slots.get(policy_id, {}).items() if k not in optional}
    return replace(state, projects=(*state.projects, kept), slots={**state.slots, policy_id: fresh})


def moved_elsewhere(state: Any, parse: Parse, policy_id: str, domain: Domain) -> dict[str, Any]:
    """Facts to reset: an amount already known for an optional fact of this project that the message says belongs
    to another project ("那120万是我们另外一个项目拿的，不是这个"). The reset value is the fact's default."""
    if not _about_another_project(parse):
        return {}
    own = state.slots.get(policy_id, {})
    said = {m.yuan for m in parse.facts_of(policy_id).money if not m.denied}
    out: dict[str, Any] = {}
    for name, slot in own.items():
        spec = domain.fact_spec(policy_id, name)
        if spec is not None and not spec.required and slot.value in said and getattr(spec, "type", "") == "money":
            out[name] = spec.default
    return out


def split_projects(state: Any, parse: Parse, policy_id: str, goal: Goal | None, turn: int, domain: Domain) -> Any:
    """"两个区级标杆示范项目：产线联网项目已投入400万，仓储数字化项目已投入900万", "区级那个投了五百万，市级那个投了两千
    万": one project amount said of several projects at once. Each amount is one project's, with the options said in
    its own stretch of the message ("区级那个…"); all but the last are set aside, the last is current. A question
    of the total adds them up, each with its own cap."""
    if goal is None or len(goal.items) != 1:
        return state
    own = own_facts(domain, policy_id, goal.items)
    money = [n for n in domain.amount_facts(policy_id, goal.items)
             if n in own and getattr(domain.fact_spec(policy_id, n), "type", "") == "money"]
    said = sorted((m for m in parse.facts_of(policy_id).money if not (m.denied or m.expected_award)),
                  key=lambda m: m.mention.start)
    claims = [m.best_claims(money) for m in said]
    if len(said) < 2 or any(len(c) != 1 for c in claims) or len({c[0] for c in claims}) != 1:
        return state
    fact, start, per = claims[0][0], 0, []
    for m in said:
        options = {o.fact: o.option for o in parse.options
                   if o.policy_id == policy_id and o.fact in own and start <= o.start < m.mention.start}
        per.append({fact: m.yuan, **options})
        start = m.mention.end
    chosen = [p for p in per if len(p) > 1]
    distinct = len(chosen) == len(per) and len({tuple(sorted(p.items()))[1:] for p in chosen}) == len(per)
    if not (load_genre().several_projects.search(parse.reading) or distinct):
        return state
    profile = state.profile(policy_id)
    base = {f: profile[f] for f in own if f in profile and f != fact}
    asked = asked_element(load_genre(), parse.reading)  # "第一个能补多少": that one is current, else the last said
    current = asked % len(per) if asked is not None and -len(per) <= asked < len(per) else len(per) - 1
    # each under its place in the list, so that "第二个呢" later turns to it (turn_to_label)
    aside = [Project(goal.items, {**base, **p}, label=place_label(i)) for i, p in enumerate(per) if i != current]
    return replace(state.with_slots(policy_id, per[current], turn), projects=(*state.projects, *aside),
                   label=place_label(current))


def place_label(index: int) -> str:
    """The label of the project said in that place of a list ("第2个")."""
    return f"第{index + 1}个"


def placed_ref(state: Any, parse: Parse) -> tuple[str, ...]:
    """"第二个呢" after "第一个投了300万，第二个投了900万": the project said in that place, by its label; () when the
    message gives amounts or the projects were not said as a list."""
    if parse.amounts or not state.label.startswith("第"):
        return ()
    m = next(load_genre().element_ordinal.finditer(parse.reading), None)
    if m is None or m.group("n") is None:
        return ()
    return (place_label((small_int(m.group("n")) or 0) - 1),)


def links_items(parse: Parse, policy_id: str, goal: Goal | None) -> bool:
    """"同一个项目" said of items — naming one, or of a goal about several — links them for the rest of the talk;
    said only of other support for the one item discussed ("同一个项目镇里给过20万"), it links nothing."""
    return "same_project" in parse.acts and (bool(parse.items_of(policy_id)) or (goal is not None and len(goal.items) > 1))


def label_projects(state: Any, parse: Parse, policy_id: str, goal: Goal | None, turn: int, domain: Domain,
                   said: list[tuple[str, int, int]], asked: str | None) -> Any:
    """"甲厂项目投资400万，乙厂投资900万，甲厂能补多少": projects under the same items, each with the amounts and
    options said in its own stretch (``said``: label, start, stop). The one the question names is current; the
    others are set aside under their labels."""
    if goal is None or not goal.items or len({k for k, *_ in said}) < 2:
        return state
    own = own_facts(domain, policy_id, goal.items)
    money = [n for n in domain.amount_facts(policy_id, goal.items)
             if n in own and getattr(domain.fact_spec(policy_id, n), "type", "") == "money"]
    per: dict[str, dict[str, Any]] = {}
    for label, start, stop in said:
        facts = per.setdefault(label, {})
        for m in parse.facts_of(policy_id).money:
            if start <= m.mention.start < stop and not (m.denied or m.expected_award) and (c := m.best_claims(money)):
                facts[c[0]] = m.yuan
        facts.update({o.fact: o.option for o in parse.options
                      if o.policy_id == policy_id and o.fact in own and start <= o.start < stop})
    per = {k: v for k, v in per.items() if v}
    if len(per) < 2:
        return state
    current = asked if asked in per else list(per)[-1]
    profile = state.profile(policy_id)
    base = {f: profile[f] for f in own if f in profile}
    aside = tuple(Project(goal.items, {**base, **v}, label=k) for k, v in per.items() if k != current)
    kept = tuple(p for p in state.projects if p.label not in per)
    return replace(state.with_slots(policy_id, per[current], turn), projects=(*kept, *aside), label=current)


def turn_to_label(state: Any, said: tuple[str, ...], policy_id: str, domain: Domain, turn: int) -> Any:
    """"乙厂呢", "甲厂的投资其实是460万": the project set aside under that label is current again, and the one
    discussed until now is set aside under its own label."""
    if len(said) != 1 or not state.label or said[0] == state.label:
        return state
    target = next((p for p in state.projects if p.label == said[0]), None)
    if target is None:
        return state
    own = own_facts(domain, policy_id, target.items)
    profile = state.profile(policy_id)
    parked = Project(target.items, {f: profile[f] for f in own if f in profile}, label=state.label)
    rest = (*[p for p in state.projects if p is not target], parked)
    return replace(state.with_slots(policy_id, target.facts, turn), projects=rest, label=said[0])


def other_projects_support(parse: Parse, policy_id: str, domain: Domain) -> tuple[TraceStep, ...]:
    """"镇里给过我们另外一个项目50万，这个会扣吗": support another project got is not deducted — a step of the working
    that says so, with the rule that limits the deduction to the same project (cited)."""
    rules = domain.rules.get(policy_id)
    if rules is None:
        return ()
    steps: list[TraceStep] = []
    for fact, yuan in parse.facts_of(policy_id).other_projects:
        rule = next((r for r in rules.cross_rules if isinstance(r, DeductOtherSupport) and r.fact == fact), None)
        if rule is not None:
            label = domain.label(policy_id, rule.clause)
            figures = {"other_yuan": yuan}
            text = describe("other_project", None, figures, {"support": rule.support, "label": label, "quote": rule.quote})
            steps.append(TraceStep("other_project", text, None, rule.clause, label, figures))
    return tuple(steps)
