"""The 政策咨询 tab: the chat, the feedback panel under it, example questions and 新对话, wired to the
handlers of :mod:`assistant.ui.chat` (public API: ``/chat``, ``/new_conversation``, ``/feedback``). Part of
:mod:`assistant.ui.app`.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from assistant.corpus import example_questions
from assistant.logstore import MAX_COMMENT_CHARS, REASONS
from assistant.ui.chat import (
    ask_fixed,
    make_chat,
    make_feedback,
    make_like,
    make_option,
    make_reset,
    make_skip,
    make_thumbs,
)
from assistant.ui.common import CONCURRENCY
from assistant.ui.services import Services

CHAT_PLACEHOLDER = "请描述企业和项目情况，例如认定级别、投资金额；我会按政策条款测算并注明依据。"


def chat_tab(services: Services, session_id: gr.State, as_of: gr.HTML) -> None:
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

    def close_panel() -> tuple[Any, ...]:  # a new message closes the panel (its 没用 is logged already)
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
