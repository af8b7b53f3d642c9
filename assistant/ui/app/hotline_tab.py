"""The 热线查询 tab: search, the 答复口径 of a chosen clause, the policy as a tree, and its own 测算日期
(handlers in :mod:`assistant.ui.hotline`; public API: ``/search``, ``/standard_reply``). Part of
:mod:`assistant.ui.app`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import gradio as gr

from assistant.ui import hotline, render
from assistant.ui.datepicker import date_picker
from assistant.ui.services import Services


def hotline_tab(services: Services, today: date, years: range) -> None:
    with gr.Row(equal_height=False):
        with gr.Column(scale=6, min_width=300):
            with gr.Row():
                query = gr.Textbox(placeholder="输入关键词或来电问题，如条款号、支持项目名称、来电原话",
                                   show_label=False, scale=8, container=False, elem_id="search-input",
                                   max_length=services.settings.max_question_chars)
                search_btn = gr.Button("检索", variant="primary", scale=1, min_width=64, elem_id="search-btn")
            results = gr.HTML(render.search_results([], ""), elem_id="search-results", js_on_load=hotline.HIT_JS)
        with gr.Column(scale=4, min_width=280):
            hot_as_of = date_picker(today, label="测算日期（本页）", elem_id="hotline-as-of", years=years)
            clause_pick = gr.Dropdown(hotline.clause_choices(services), label="答复口径 · 选择条款", value=None,
                                      elem_id="clause-pick")
            std_reply = gr.Textbox(label="答复口径（可复制、可照读）", lines=7, max_lines=20, interactive=False,
                                   buttons=["copy"], elem_id="std-reply")
            with gr.Accordion("政策全文（按章节浏览，点条款看答复口径）", open=False, elem_id="policy-tree"):
                tree = gr.HTML(hotline.tree_html(services, today.isoformat()), elem_id="tree",
                               js_on_load=hotline.TREE_JS)
    search = hotline.make_search(services)
    reply_for = hotline.make_standard_reply(services)
    # A staff member clicks on while a reply is still coming: opening a section and at once its clause, or a
    # second search typed before the first returned. Gradio drops a click or submit made while the same event
    # is pending (trigger_mode "once"). "always_last" re-runs it without the clicked key; "multiple" queues
    # each with its own key, run in order, so no click is lost (seen on a loaded CI machine).
    each: dict[str, Any] = {"trigger_mode": "multiple"}
    query.submit(search, [query, hot_as_of], [results, clause_pick], api_name="search", **each)
    search_btn.click(search, [query, hot_as_of], [results, clause_pick], api_visibility="private", **each)
    results.click(hotline.pick_clicked, None, [clause_pick], api_visibility="private", **each)
    tree.click(hotline.pick_clicked, None, [clause_pick], api_visibility="private", **each)
    # Both ways of re-rendering the 答复口径 (a new clause, a new date) share one queue of one, so the later
    # event's reply lands last: a date change still running could otherwise overwrite the reply of a clause
    # clicked just after it with the reply of the clause picked before.
    in_order: dict[str, Any] = {"concurrency_id": "hotline-reply", "concurrency_limit": 1}
    clause_pick.change(reply_for, [clause_pick, hot_as_of], [std_reply], api_name="standard_reply", **in_order)
    quiet: dict[str, Any] = {"api_visibility": "private", "show_progress": "hidden"}
    hot_as_of.change(reply_for, [clause_pick, hot_as_of], [std_reply], **quiet, **in_order)
    hot_as_of.change(hotline.make_research(services), [query, hot_as_of], [results], **quiet)
    hot_as_of.change(lambda v: hotline.tree_html(services, v), [hot_as_of], [tree], **quiet)
