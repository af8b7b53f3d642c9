"""The 计算器 tab: one form per item of every policy's rules, generated from the rules data (handlers in
:mod:`assistant.ui.calculator`; public API: ``/calc_<item>``). Part of :mod:`assistant.ui.app`.
"""

from __future__ import annotations

import gradio as gr

from assistant.ui import calculator
from assistant.ui.forms import fields_of
from assistant.ui.services import Services


def calc_tab(services: Services, calc_as_of: gr.HTML) -> None:
    items = [(p, item) for p in services.policies for item in services.rules[p.policy_id].items
             if p.policy_id in services.rules]
    several = len({p.policy_id for p, _ in items}) > 1
    names = [(f"《{p.meta.name}》" if several else "") + calculator.item_name(it) for p, it in items]
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=260):
            pick = gr.Radio(names, value=names[0] if names else None, label="资助项目", elem_id="calc-pick")
        with gr.Column(scale=7, min_width=300):
            columns = []
            for index, (policy, item) in enumerate(items):
                rules = services.rules[policy.policy_id]
                specs = fields_of(item, rules)
                with gr.Column(visible=index == 0, elem_classes="pqa-calc-form") as column:
                    gr.HTML(calculator.item_intro(policy, item))
                    prefix = f"calc-{policy.policy_id}-{item.id}" if several else f"calc-{item.id}"
                    inputs = [calculator.component_for(s, f"{prefix}-{s.name}") for s in specs]
                    run = gr.Button("计算", variant="primary", elem_classes="pqa-calc-run")
                    output = gr.HTML(elem_classes="pqa-calc-result")
                run.click(calculator.make_calculate(services, policy.policy_id, item, specs),
                          inputs=[calc_as_of, *inputs], outputs=[output],
                          api_name=f"calc_{policy.policy_id}_{item.id}" if several else f"calc_{item.id}")
                columns.append(column)
    pick.change(lambda name: [gr.update(visible=n == name) for n in names],
                inputs=[pick], outputs=columns, api_visibility="private")
