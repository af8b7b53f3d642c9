"""政策匹配: an enterprise describes itself once and sees every item it may claim, with figures.

The profile form is generated from the rules data of every policy (:func:`profile_sections`): per policy, the
conditions every applicant must meet (registration, tax and operation place, legal person, credit …, once),
then each award item's own conditions and the facts its figure needs, then the optional facts that only
change a figure (other support, 一事一议 …) folded. Only facts some condition or formula reads are asked; a
fact is asked once even when several items read it; an item's amount fields appear once its own conditions
are answered and none fails (so the form stays short).

The result is :func:`assistant.rules.matching.match_policy` — the function the chat's 政策匹配 answer calls —
for the same facts: cards sorted by figure: 符合 (figure, one-line trace, clause, next step), 还需确认 (the
facts that decide them and the next question), 不符合 folded with the reasons; the total the cross-item
rules allow; ONE validity line per policy not in force on the chosen date.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import gradio as gr

from assistant.corpus.validity import validity_notice
from assistant.dialogue.answers.match import one_line
from assistant.errors import InputError
from assistant.rules import format_yuan, max_award
from assistant.rules.matching import ItemMatch, PolicyMatch, match_policy
from assistant.ui import render
from assistant.ui.common import parse_as_of
from assistant.ui.forms import FieldSpec, facts_from_form, field_of
from assistant.ui.services import Services


@dataclass(frozen=True)
class ItemBlock:
    """One award item in the form: its own condition fields, then the fields its figure needs."""

    item_id: str
    heading: str
    conditions: tuple[FieldSpec, ...]
    amounts: tuple[FieldSpec, ...]
    condition_facts: tuple[str, ...] = ()
    """Every fact the item's own conditions read (also those asked under an earlier item)."""


@dataclass(frozen=True)
class PolicyForm:
    policy_id: str
    name: str
    general_heading: str
    general: tuple[FieldSpec, ...]
    items: tuple[ItemBlock, ...]
    optional: tuple[FieldSpec, ...]
    specs: tuple[FieldSpec, ...] = field(default=())
    """Every field of the policy in the order of the form's components."""


def profile_sections(policy: Any, rules: Any, as_of: date) -> PolicyForm:
    """The profile form of one policy, from its rules data."""
    labels = list(dict.fromkeys(policy.clause(g.clause).label for g in rules.groups_for(None)
                                if policy.has_clause(g.clause)))
    general = [field_of(f) for f in rules.general_facts()]
    asked = {s.name for s in general}
    optional: list[FieldSpec] = []
    blocks: list[ItemBlock] = []
    for item in rules.items:
        own = [rules.facts[c.fact] for c in item.conditions]
        conditions = [field_of(f) for f in dict.fromkeys(own) if f.name not in asked]
        asked |= {s.name for s in conditions}
        amounts: list[FieldSpec] = []
        for spec in rules.amount_facts(item.id):
            if spec.name in asked:
                continue
            asked.add(spec.name)
            (amounts if spec.required else optional).append(field_of(spec))
        best = max_award(rules, item.id, as_of)
        blocks.append(ItemBlock(item.id, f"{item.label} {item.title} · {best.text}", tuple(conditions),
                                tuple(amounts), tuple(c.fact for c in item.conditions)))
    heading = "基本条件" + (f"（{'、'.join(labels)}）" if labels else "")
    specs = (*general, *(s for b in blocks for s in (*b.conditions, *b.amounts)), *optional)
    return PolicyForm(policy.policy_id, policy.meta.name, heading, tuple(general), tuple(blocks), tuple(optional),
                      specs)


def profile_forms(services: Services, as_of: date) -> list[PolicyForm]:
    return [profile_sections(p, services.rules[p.policy_id], as_of) for p in services.policies
            if p.policy_id in services.rules]


def run_match(services: Services, forms: Sequence[PolicyForm], as_of: date,
              values: Sequence[Any]) -> tuple[list[PolicyMatch], list[str]]:
    """Form values (in the order of the forms' fields) → one PolicyMatch per policy, and input problems."""
    matches, problems, pos = [], [], 0
    for form in forms:
        own = values[pos: pos + len(form.specs)]
        pos += len(form.specs)
        facts, wrong = facts_from_form(form.specs, own, defaults=False)
        problems += wrong
        matches.append(match_policy(services.rules[form.policy_id], facts, as_of))
    return matches, problems


def _shown_amounts(block: ItemBlock, pm: PolicyMatch, values: dict[str, Any]) -> bool:
    """An item's amount fields show once its own conditions are answered (or it has none) and none fails."""
    m = next((x for x in pm.items if x.item_id == block.item_id), None)
    if m is None or (m.status == "not_eligible" and not pm.general_failed):
        return False
    return not block.condition_facts or any(values.get(f) not in (None, "", []) for f in block.condition_facts)


# -- cards ------------------------------------------------------------------------------------------


def _card(m: ItemMatch, pm: PolicyMatch, services: Services, several: bool, as_of: date) -> str:
    rules = services.rules[m.policy_id]
    policy = services.corpus.policy(m.policy_id)
    name = f'<span class="pqa-card-policy">《{render.esc(policy.meta.name)}》</span>' if several else ""
    tag = "" if pm.in_force or not several else render.validity_tag(False, policy.meta, as_of)
    head = (f'<div class="pqa-card-head">{name}<span class="pqa-card-title">{render.esc(m.label)} '
            f'{render.esc(m.title)}</span>{tag}</div>')
    clause = f'<div class="pqa-card-clause">依据：{render.esc(m.label)}</div>'
    if m.status == "eligible":
        verb = "可获" if m.entitlement else "最高可获"
        trace = one_line(m)
        return (f'<div class="pqa-card pqa-card-ok" data-item="{render.esc(m.item_id)}">{head}'
                f'<div class="pqa-card-figure">{verb}<b>{format_yuan(m.amount_yuan or 0)}</b></div>'
                + (f'<div class="pqa-card-trace">{render.esc(trace)}</div>' if trace else "")
                + clause + '<div class="pqa-card-next">下一步：核对申报须知，按申报指南准备材料申报。</div></div>')
    if m.status == "need_info":
        facts = "、".join(rules.facts[f].label for f in m.missing_facts if f in rules.facts)
        return (f'<div class="pqa-card pqa-card-ask" data-item="{render.esc(m.item_id)}">{head}'
                f'<div class="pqa-card-figure">{render.esc(m.max_text)}</div>'
                f'<div class="pqa-card-trace">还需确认：{render.esc(facts)}</div>{clause}'
                + (f'<div class="pqa-card-next">下一步：{render.esc(m.question)}</div>' if m.question else "")
                + "</div>")
    why = "；".join(r.description.removeprefix("不符合：") for r in m.reasons if r.status == "not_met")
    return (f'<li data-item="{render.esc(m.item_id)}"><b>{render.esc(m.label)} {render.esc(m.title)}</b>：'
            f"{render.esc(why)}</li>")


def _max_yuan(m: ItemMatch, services: Services, as_of: date) -> int:
    return max_award(services.rules[m.policy_id], m.item_id, as_of).amount_yuan or 0


def results_html(services: Services, matches: Sequence[PolicyMatch], as_of: date) -> str:
    """Cards for every item of every policy, sorted by figure; 不符合 folded."""
    several = len(matches) > 1
    out = []
    for pm in matches:
        policy = services.corpus.policy(pm.policy_id)
        notice = validity_notice(policy.meta, as_of)
        if notice:
            out.append(f'<p class="pqa-validity"><span class="pqa-warn">⚠</span> {render.esc(notice)}</p>')
    fits = sorted((m for pm in matches for m in pm.of("eligible")), key=lambda m: -(m.amount_yuan or 0))
    need_all = sorted((m for pm in matches for m in pm.of("need_info")), key=lambda m: -_max_yuan(m, services, as_of))
    need = [m for m in need_all if m.known]  # items the profile speaks about (as the chat's answer lists them)
    others = [m for m in need_all if not m.known]
    fails = [(m, pm) for pm in matches for m in pm.of("not_eligible")]
    by_policy = {pm.policy_id: pm for pm in matches}
    total = sum(pm.total_yuan if pm.total_yuan is not None else sum(m.amount_yuan or 0 for m in pm.of("eligible"))
                for pm in matches)
    head = (f"符合 {len(fits)} 项" + (f"，按规则合计最高 <b>{format_yuan(total)}</b>" if len(fits) > 1 else "")
            + f"；还需确认 {len(need)} 项；其他可能适用 {len(others)} 项；不符合 {len(fails)} 项。")
    out.insert(0, f'<div class="pqa-match-head" role="status">{head}</div>')
    for pm in matches:
        plain = sum(m.amount_yuan or 0 for m in pm.of("eligible"))
        if pm.total_trace and pm.total_yuan is not None and pm.total_yuan != plain:  # the rules reduced the sum
            steps = "；".join(s.description for s in pm.total_trace)
            out.append(f'<div class="pqa-muted">合计依据：{render.esc(steps)}</div>')
    if fits:
        out.append('<div class="pqa-sec-title">符合</div><div class="pqa-cards">'
                   + "".join(_card(m, by_policy[m.policy_id], services, several, as_of) for m in fits) + "</div>")
    if need:
        out.append('<div class="pqa-sec-title">还需确认</div><div class="pqa-cards">'
                   + "".join(_card(m, by_policy[m.policy_id], services, several, as_of) for m in need) + "</div>")
    if others:
        items = "".join(f'<li data-item="{render.esc(m.item_id)}">{render.esc(m.label)} {render.esc(m.title)}'
                        f"（{render.esc(m.max_text)}）</li>" for m in others)
        out.append(f'<details class="pqa-notes"><summary>其他可能适用（{len(others)}项，回答左侧对应问题后可确认）'
                   f"</summary><ul>{items}</ul></details>")
    unknown = [(pm, r) for pm in matches for r in pm.general_unknown]
    if unknown:
        names = "、".join(dict.fromkeys(r.condition for _, r in unknown))
        out.append(f'<div class="pqa-muted">各项申报前还须符合：{render.esc(names)}（在“基本条件”中回答后可确认）。</div>')
    if fails:
        out.append(f'<details class="pqa-notes"><summary>不符合（{len(fails)}项）</summary><ul>'
                   + "".join(_card(m, pm, services, several, as_of) for m, pm in fails) + "</ul></details>")
    return "".join(out)


# -- handlers ---------------------------------------------------------------------------------------


def make_match(services: Services, forms: Sequence[PolicyForm]) -> Callable[..., tuple[Any, ...]]:
    """Run the match for the form's values; returns the result HTML and each item's amount-group visibility."""
    blocks = [b for f in forms for b in f.items]

    def run(as_of_value: Any, *values: Any) -> tuple[Any, ...]:
        try:
            as_of = parse_as_of(as_of_value)
        except InputError as err:
            return (render.error_html(str(err)), *(gr.update() for _ in blocks))
        matches, problems = run_match(services, forms, as_of, values)
        by_name: dict[str, dict[str, Any]] = {}
        pos = 0
        for form in forms:
            by_name[form.policy_id] = {s.name: v for s, v in zip(form.specs, values[pos: pos + len(form.specs)],
                                                                  strict=True)}
            pos += len(form.specs)
        shown = [gr.update(visible=_shown_amounts(b, pm, by_name[f.policy_id]))
                 for f, pm in zip(forms, matches, strict=True) for b in f.items]
        html = results_html(services, matches, as_of)
        if problems:
            html = render.error_html("请检查输入：" + "；".join(problems)) + html
        return (html, *shown)

    return run
