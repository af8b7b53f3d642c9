"""The 政策匹配 tab: the enterprise's profile form generated from the rules data, and the matching items,
updated with every answer (handlers in :mod:`assistant.ui.matching`; public API: ``/match``). Part of
:mod:`assistant.ui.app`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import gradio as gr

from assistant.ui import calculator, matching, render
from assistant.ui.common import CONCURRENCY
from assistant.ui.services import Services


def match_tab(services: Services, match_as_of: gr.HTML, today: date) -> None:
    forms = matching.profile_forms(services, today)
    inputs: list[Any] = []
    groups: list[Any] = []

    def fields(policy_id: str, specs: Any) -> None:
        with gr.Row(elem_classes="pqa-form-grid"):
            inputs.extend(calculator.component_for(s, f"match-{policy_id}-{s.name}", with_question=False)
                          for s in specs)

    gr.HTML('<div class="pqa-intro">填写企业情况，查看可以申请的资助项目和金额。只需回答知道的问题，不知道的留空；'
            "结果与在聊天中说明同样情况时的“政策匹配”答复一致。</div>")
    with gr.Row(equal_height=False):
        with gr.Column(scale=5, min_width=300, elem_classes="pqa-profile"):
            for form in forms:
                with gr.Accordion(f"《{form.name}》", open=True, elem_classes="pqa-policy-form"):
                    gr.HTML(f'<div class="pqa-form-title">{render.esc(form.general_heading)}</div>')
                    fields(form.policy_id, form.general)
                    for block in form.items:
                        gr.HTML(f'<div class="pqa-form-title pqa-item-title">{render.esc(block.heading)}</div>')
                        if block.conditions:
                            fields(form.policy_id, block.conditions)
                        with gr.Column(visible=not block.condition_facts) as group:
                            fields(form.policy_id, block.amounts)
                        groups.append(group)
                    if form.optional:
                        with gr.Accordion("其他情况（选填，只影响金额）", open=False):
                            fields(form.policy_id, form.optional)
            with gr.Row():
                match_btn = gr.Button("开始匹配", variant="primary", elem_id="match-run")
                match_clear = gr.Button("清空", elem_id="match-clear")
        with gr.Column(scale=5, min_width=300, elem_classes="pqa-results-col"):
            results = gr.HTML('<div class="pqa-muted">回答左侧问题后点“开始匹配”；每回答一项，结果也会随之更新。</div>',
                              elem_id="match-results")
    run = matching.make_match(services, forms)
    everything = [match_as_of, *inputs]
    outputs = [results, *groups]
    match_btn.click(run, everything, outputs, api_name="match", concurrency_limit=CONCURRENCY,
                    scroll_to_output=True)
    for component in inputs:  # each answer updates the result at once (text fields when they lose focus)
        events = [component.change] if isinstance(component, gr.Radio) else [component.blur, component.submit]
        for event in events:
            event(run, everything, outputs, api_visibility="private", concurrency_limit=CONCURRENCY,
                  show_progress="hidden")
    match_as_of.change(run, everything, outputs, api_visibility="private", concurrency_limit=CONCURRENCY)

    def clear() -> list[Any]:
        return [gr.update(value=None) for _ in inputs]

    match_clear.click(clear, None, inputs, api_visibility="private").then(
        run, everything, outputs, api_visibility="private")
