"""The page of the public app (:func:`build_app`): the header with each policy's validity on the chosen
测算日期 (:func:`header_html`), the one 测算日期 the enterprise's tabs share, the browser session's id, and
the four tabs. Part of :mod:`assistant.ui.app`, which re-exports the public names.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import gradio as gr

from assistant.errors import InputError
from assistant.ui import render
from assistant.ui.app.calc_tab import calc_tab
from assistant.ui.app.chat_tab import chat_tab
from assistant.ui.app.hotline_tab import hotline_tab
from assistant.ui.app.match_tab import match_tab
from assistant.ui.common import TITLE, parse_as_of
from assistant.ui.datepicker import date_picker, year_range
from assistant.ui.services import Services


def header_html(services: Services, as_of: date | None = None) -> str:
    """Title, and each policy's validity on the chosen as-of date."""
    as_of = as_of or date.today()
    policies = "".join(render.policy_status(p.meta, as_of) for p in services.policies)
    return (
        f'<div class="pqa-header"><div class="pqa-brand">{TITLE}</div>'
        f'<div class="pqa-sub">按条款检索 · 确定性测算 · 答复均附条款依据</div>'
        f'<div class="pqa-policies" data-as-of="{as_of.isoformat()}">{policies}</div></div>'
    )


def _header_for(services: Services):  # noqa: ANN202 - a Gradio handler
    def update(as_of_value: Any) -> Any:
        try:
            return header_html(services, parse_as_of(as_of_value))
        except InputError:
            return gr.update()

    return update


def build_app(services: Services) -> gr.Blocks:
    today = date.today()
    settings = services.settings
    years = year_range([d for p in services.policies for d in (p.meta.effective_from, p.meta.valid_until)], today)
    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        with gr.Row(equal_height=False, elem_classes="pqa-top"):
            header = gr.HTML(header_html(services, today), elem_id="pqa-header-block", min_width=300)
            # One 测算日期 for the enterprise's tabs (咨询, 匹配, 计算器); the hotline has its own.
            as_of = date_picker(today, label="测算日期", elem_id="as-of", years=years,
                                info="按该日判断政策是否有效、取哪一期标准")
        as_of.change(_header_for(services), inputs=[as_of], outputs=[header], api_visibility="private",
                     show_progress="hidden", queue=False)

        # Only the id lives in the browser session; Gradio deletes it (and the conversation) when it expires.
        # A plain function, not the bound method: Gradio deep-copies the page config (which holds the callback)
        # on every page load, and copying a bound method would copy every open conversation with it.
        def drop_session(session_id: str | None) -> None:
            services.sessions.drop(session_id)

        session_id = gr.State(None, time_to_live=settings.session_ttl_s, delete_callback=drop_session)
        with gr.Tabs():
            with gr.Tab("政策咨询", id="chat", elem_id="tab-chat"):
                chat_tab(services, session_id, as_of)
            with gr.Tab("政策匹配", id="match", elem_id="tab-match"):
                match_tab(services, as_of, today)
            with gr.Tab("热线查询", id="hotline", elem_id="tab-hotline"):
                hotline_tab(services, today, years)
            with gr.Tab("计算器", id="calc", elem_id="tab-calc"):
                calc_tab(services, as_of)

    demo.state_session_capacity = settings.max_sessions  # Gradio's per-session state, least recently used dropped
    return demo
