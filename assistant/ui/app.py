"""The public Gradio app: 政策咨询 (chat), 政策匹配, 热线查询 (look-up), 计算器 — anonymous, no login.

:func:`build_app` lays the tabs out and wires them to the handlers of :mod:`assistant.ui.chat`,
:mod:`assistant.ui.matching`, :mod:`assistant.ui.hotline` and :mod:`assistant.ui.calculator`, which use the
services loaded once per process (:mod:`assistant.ui.services`). The staff views (记录, CSV export) are a
separate app (:mod:`assistant.ui.staff`) that :mod:`assistant.ui.server` mounts under /staff behind a login;
none of their functions exist here, so the public Gradio API cannot reach the log. The public API: ``/chat``
answers one turn in the caller's session (what the load test drives), ``/new_conversation``, ``/feedback``,
``/match``, ``/search``, ``/standard_reply`` and ``/calc_<item>``.

Every form is generated from the rules data in one loop; no item, fact or option is named here.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.corpus import example_questions
from assistant.errors import InputError
from assistant.logstore import MAX_COMMENT_CHARS, REASONS
from assistant.ui import calculator, hotline, matching, render
from assistant.ui.chat import (
    ask_fixed,
    expired_notice,
    make_chat,
    make_feedback,
    make_like,
    make_option,
    make_reset,
    make_skip,
    make_thumbs,
    too_long_message,
)
from assistant.ui.common import CONCURRENCY, GENERIC_ERROR, TITLE, parse_as_of
from assistant.ui.datepicker import date_picker, year_range
from assistant.ui.forms import fields_of
from assistant.ui.services import Services

__all__ = ["CONCURRENCY", "CSS", "GENERIC_ERROR", "HEAD", "I18N", "PAGE_JS", "THEME", "TITLE", "build_app", "expired_notice",
           "header_html", "make_chat", "parse_as_of", "too_long_message"]

CSS = (Path(__file__).with_name("style.css")).read_text(encoding="utf-8")
PAGE_JS = (Path(__file__).with_name("page.js")).read_text(encoding="utf-8")
#: Rules for Gradio's own page frame, which the app's CSS cannot reach (Gradio scopes it inside the frame).
FRAME_CSS = "@media (max-width: 640px) { .gradio-container .main.app { padding: 0 8px !important; } }"
HEAD = f"<style>{FRAME_CSS}</style><script>{PAGE_JS}</script>"

#: Gradio's own interface strings in Chinese, whatever the browser's language (en is the fallback locale).
_ZH = {
    "chatbot.copy_message": "复制", "chatbot.copied_message": "已复制", "chatbot.like": "赞（有用）",
    "chatbot.dislike": "踩（没用）", "chatbot.clear": "清空对话（重新开始）", "chatbot.retry": "重试",
    "chatbot.undo": "撤销", "chatbot.edit": "编辑", "chatbot.submit": "发送", "chatbot.cancel": "取消",
    "common.clear": "清除", "common.download": "下载", "common.loading": "加载中", "common.error": "错误",
    "common.edit": "编辑", "common.remove": "移除", "common.share": "分享", "common.undo": "撤销",
    "common.settings": "设置", "common.language": "语言", "common.display_theme": "显示主题",
    "common.built_with_gradio": "使用 Gradio 构建", "common.submit": "提交", "common.empty": "空",
    "radio.radio": "单选", "dropdown.dropdown": "下拉菜单",
}
I18N = gr.I18n(**{"en": _ZH, "zh-CN": _ZH, "zh-TW": _ZH, "zh": _ZH})

THEME = gr.themes.Soft(
    primary_hue="blue",
    secondary_hue="slate",
    neutral_hue="slate",
    radius_size="sm",
    font=["PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", "sans-serif"],
    font_mono=["Menlo", "DejaVu Sans Mono", "monospace"],
).set(
    block_label_background_fill="transparent",
    block_title_background_fill="transparent",
    block_label_text_color="*neutral_600",
    block_title_text_color="*neutral_700",
    block_title_text_weight="600",
    body_background_fill="#f6f7f9",
)

CHAT_PLACEHOLDER = "请描述企业和项目情况，例如认定级别、投资金额；我会按政策条款测算并注明依据。"


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
                _chat_tab(services, session_id, as_of)
            with gr.Tab("政策匹配", id="match", elem_id="tab-match"):
                _match_tab(services, as_of, today)
            with gr.Tab("热线查询", id="hotline", elem_id="tab-hotline"):
                _hotline_tab(services, today, years)
            with gr.Tab("计算器", id="calc", elem_id="tab-calc"):
                _calc_tab(services, as_of)

    demo.state_session_capacity = settings.max_sessions  # Gradio's per-session state, least recently used dropped
    return demo


# -- 政策咨询 ---------------------------------------------------------------------------------------


def _chat_tab(services: Services, session_id: gr.State, as_of: gr.HTML) -> None:
    settings = services.settings
    examples = example_questions(services.corpus)
    with gr.Row(equal_height=False, elem_classes="pqa-chat-row"):
        with gr.Column(scale=7, min_width=300):
            chatbot = gr.Chatbot(
                label="对话", elem_id="chatbot", height=None, min_height=140, max_height="62vh", show_label=False,
                sanitize_html=True, feedback_options=("Like", "Dislike"), layout="bubble", buttons=["copy"],
                placeholder=CHAT_PLACEHOLDER, autoscroll=True,
            )
            with gr.Group(visible=False, elem_id="fb-panel") as fb_panel:
                fb_head = gr.HTML(elem_id="fb-head")
                fb_reason = gr.Radio(list(REASONS), label="原因（选填）", value=None, elem_id="fb-reason")
                fb_comment = gr.Textbox(label="补充说明（选填）", lines=2, max_lines=4, elem_id="fb-comment",
                                        max_length=MAX_COMMENT_CHARS)
                with gr.Row():
                    fb_send = gr.Button("提交意见", variant="primary", size="sm", elem_id="fb-send")
                    fb_skip = gr.Button("跳过", size="sm", elem_id="fb-skip")
            fb_status = gr.HTML(elem_id="fb-status")
            with gr.Row(elem_classes="pqa-input-row"):
                msg = gr.Textbox(
                    placeholder="输入问题，回车发送", show_label=False, scale=8, max_lines=4, lines=1,
                    elem_id="chat-input", container=False, max_length=settings.max_question_chars,
                )
                send = gr.Button("发送", variant="primary", scale=1, min_width=64, elem_id="chat-send")
            with gr.Row(elem_classes="pqa-examples"):
                example_buttons = [gr.Button(q, size="sm", variant="secondary") for q in examples]
        with gr.Column(scale=3, min_width=240, elem_classes="pqa-side"):
            new_chat = gr.Button("新对话", elem_id="new-chat")
            gr.HTML('<div class="pqa-muted pqa-help">点答复下方的“赞/踩”评价那一条答复；'
                    "带选项的追问可直接点选项按钮回答；右上角的垃圾桶或“新对话”清空对话。</div>")
    last_reply = gr.JSON(visible=False, label="reply")

    chat = make_chat(services)
    chat_in = [msg, as_of, session_id]
    chat_out = [chatbot, msg, session_id, last_reply]
    panel = [fb_panel, fb_head, fb_reason, fb_comment, fb_status]

    def close_panel() -> tuple[Any, ...]:  # a new message closes the panel (its 没用 is written without a reason)
        return gr.update(visible=False), "", gr.update(value=None), gr.update(value=""), ""

    thumbs = make_thumbs(services)
    after: dict[str, Any] = {"api_visibility": "private", "queue": False, "show_progress": "hidden"}
    msg.submit(chat, chat_in, chat_out, api_name="chat", concurrency_limit=CONCURRENCY).then(
        thumbs, [session_id], [chatbot], **after)
    send.click(chat, chat_in, chat_out, api_visibility="private", concurrency_limit=CONCURRENCY).then(
        thumbs, [session_id], [chatbot], **after)
    for trigger in (msg.submit, send.click, chatbot.option_select):
        trigger(close_panel, None, panel, api_visibility="private", queue=False)
    chatbot.option_select(make_option(chat), [as_of, session_id], chat_out, api_visibility="private",
                          concurrency_limit=CONCURRENCY).then(thumbs, [session_id], [chatbot], **after)
    for button, question in zip(example_buttons, examples, strict=True):
        button.click(ask_fixed(chat, question), inputs=[as_of, session_id], outputs=chat_out,
                     api_visibility="private", concurrency_limit=CONCURRENCY).then(
            thumbs, [session_id], [chatbot], **after)
        button.click(close_panel, None, panel, api_visibility="private", queue=False)
    reset = make_reset(services)
    new_chat.click(reset, inputs=[session_id], outputs=[chatbot, msg, session_id, last_reply, *panel],
                   api_name="new_conversation")
    chatbot.clear(reset, inputs=[session_id], outputs=[chatbot, msg, session_id, last_reply, *panel],
                  api_visibility="private")
    chatbot.like(make_like(services), inputs=[session_id], outputs=panel, api_visibility="private")
    fb_send.click(make_feedback(services), inputs=[fb_reason, fb_comment, session_id], outputs=panel,
                  api_name="feedback")
    fb_skip.click(make_skip(services), inputs=[session_id], outputs=panel, api_visibility="private")


# -- 政策匹配 ---------------------------------------------------------------------------------------


def _match_tab(services: Services, match_as_of: gr.HTML, today: date) -> None:
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


# -- 热线查询 ---------------------------------------------------------------------------------------


def _hotline_tab(services: Services, today: date, years: range) -> None:
    with gr.Row(equal_height=False):
        with gr.Column(scale=6, min_width=300):
            with gr.Row():
                query = gr.Textbox(placeholder="输入关键词或来电问题，如“二级节点”“贯标奖励多少”",
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
    query.submit(search, [query, hot_as_of], [results, clause_pick], api_name="search")
    search_btn.click(search, [query, hot_as_of], [results, clause_pick], api_visibility="private")
    results.click(hotline.pick_clicked, None, [clause_pick], api_visibility="private")
    tree.click(hotline.pick_clicked, None, [clause_pick], api_visibility="private")
    clause_pick.change(reply_for, [clause_pick, hot_as_of], [std_reply], api_name="standard_reply")
    quiet: dict[str, Any] = {"api_visibility": "private", "show_progress": "hidden"}
    hot_as_of.change(reply_for, [clause_pick, hot_as_of], [std_reply], **quiet)
    hot_as_of.change(search, [query, hot_as_of], [results, clause_pick], **quiet)
    hot_as_of.change(lambda v: hotline.tree_html(services, v), [hot_as_of], [tree], **quiet)


# -- 计算器 -----------------------------------------------------------------------------------------


def _calc_tab(services: Services, calc_as_of: gr.HTML) -> None:
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
