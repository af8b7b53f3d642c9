"""计算器: one form per award item, generated from the rules data (:mod:`assistant.ui.forms`), and the result:
the item's own conditions when one is known to fail, the figure, the calculator's trace (a table whose clause
column never wraps), ONE validity line when the policy is not in force on the chosen date, and the notes
(the item's own shown, the general ones folded).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import gradio as gr

from assistant.corpus.validity import validity_notice
from assistant.errors import InputError, PolicyQAError
from assistant.rules import calculate, check_eligibility
from assistant.ui import render
from assistant.ui.common import parse_as_of
from assistant.ui.forms import NO, YES, FieldSpec, facts_from_form
from assistant.ui.services import Services


def item_name(item: Any) -> str:
    """'第5条　推广工业互联网创新应用及标杆建设（标杆示范项目）' — the policy's own numbering."""
    return f"{item.label}　{item.title}"


def make_calculate(services: Services, policy_id: str, item: Any, specs: Sequence[FieldSpec]) -> Callable[..., str]:
    rules = services.rules[policy_id]
    meta = services.corpus.policy(policy_id).meta
    by_name = {s.name: s for s in specs}

    def run(as_of_value: Any, *values: Any) -> str:
        try:
            as_of = parse_as_of(as_of_value)
        except InputError as err:
            return render.error_html(str(err))
        facts, problems = facts_from_form(specs, values)
        if problems:
            return render.error_html("请检查输入：" + "；".join(problems))
        try:
            result = calculate(rules, item.id, facts, as_of)
            own = [r for r in check_eligibility(rules, item.id, facts, as_of).reasons
                   if r.clause == item.clause and r.status == "not_met"]
        except PolicyQAError as err:
            return render.error_html(str(err))
        missing = list(result.missing_facts or [])
        if missing:
            names = "、".join(by_name[m].label if m in by_name else m for m in missing)
            return render.error_html(f"请先填写：{names}")
        return calc_result_html(result, validity_notice(meta, as_of), own)

    return run


def calc_result_html(result: Any, notice: str | None, failed: Sequence[Any] = ()) -> str:
    """The figure first, then (once) the validity line, the trace table and the notes."""
    parts = []
    for reason in failed:
        parts.append(f'<p class="pqa-validity"><span class="pqa-st pqa-st-off">不符合</span>'
                     f"{render.esc(reason.description.removeprefix('不符合：'))}</p>")
    parts.append(f'<div class="pqa-amount">测算金额<b>{render.yuan(result.amount_yuan)}</b></div>')
    if notice:
        parts.append(f'<p class="pqa-validity"><span class="pqa-warn">⚠</span> {render.esc(notice)}</p>')
    parts.append(render.trace_table(list(result.trace or [])))
    notes = [n for n in result.notes or () if n.text != notice]
    own = [n for n in notes if n.kind != "general"]
    general = [n for n in notes if n.kind == "general"]
    if own:
        parts.append('<div class="pqa-sec-title">说明</div><ul class="pqa-notes-list">'
                     + "".join(f"<li>{render.esc(n.text)}</li>" for n in own) + "</ul>")
    if general:
        parts.append(f'<details class="pqa-notes"><summary>申报须知（{len(general)}条）</summary><ul>'
                     + "".join(f"<li>{render.esc(n.text)}（{render.esc(n.label)}）</li>" for n in general)
                     + "</ul></details>")
    return "".join(parts)


def component_for(spec: FieldSpec, elem_id: str, *, with_question: bool = True) -> gr.components.Component:
    """A Gradio input for one declared fact (the same in the calculator and the match form). A yes/no or a
    choice is a radio (no answer = not known); an amount or a count is typed (empty = not known)."""
    info = spec.question if with_question and spec.question else None
    common: dict[str, Any] = {"label": spec.shown_label, "info": info, "elem_id": elem_id}
    if spec.type == "bool":
        return gr.Radio([YES, NO], value=None, **common)
    if spec.type == "choice":
        return gr.Radio(list(spec.options), value=None, **common)
    return gr.Textbox(placeholder=spec.placeholder, max_lines=1, **common)


def item_intro(policy: Any, item: Any) -> str:
    conditions = [c.text for c in item.conditions]
    clause = policy.clause(item.clause) if policy.has_clause(item.clause) else None
    quotes = item.quotes()
    return (
        f'<div class="pqa-calc-head"><b>{render.esc(item.title)}</b>'
        f'<span class="pqa-muted">　依据 {render.esc(clause.label if clause else item.label)}</span></div>'
        + (f'<div class="pqa-muted">支持标准：{render.esc("；".join(quotes))}</div>' if quotes else "")
        + (f'<div class="pqa-muted">申报条件：{render.esc("；".join(conditions))}</div>' if conditions else "")
    )
