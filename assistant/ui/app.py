"""The public Gradio app: 政策咨询 (chat), 热线查询 (look-up), 计算器 — anonymous, no login.

:func:`build_app` wires the tabs to the services loaded once per process (:mod:`assistant.ui.services`).
The staff views (记录, CSV export) are a separate app (:mod:`assistant.ui.staff`) that
:mod:`assistant.ui.server` mounts under /staff behind a login; none of their functions exist here, so the
public Gradio API cannot reach the log. The public API: ``/chat`` answers one turn in the caller's session
(what the load test drives), ``/new_conversation``, ``/feedback``, ``/search``, ``/standard_reply`` and
``/calc_<item>``.

Oversized input is rejected before anything else looks at it: the server refuses request bodies over
:data:`assistant.ui.server.MAX_REQUEST_BYTES`, the chat box has ``max_length``, and :func:`make_chat` checks
the length first and neither answers, logs nor keeps such a message.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.corpus import example_questions
from assistant.errors import InputError, PolicyQAError
from assistant.logstore import MAX_COMMENT_CHARS, REASONS
from assistant.ui import render
from assistant.ui.forms import NO, YES, FieldSpec, facts_from_form, fields_of
from assistant.ui.services import Services, Session
from assistant.ui.standard_reply import standard_reply

log = logging.getLogger(__name__)

TITLE = "政策问答助手"
#: Events of one kind run at most this many at a time (2 cores; the model and index are shared).
CONCURRENCY = int(os.environ.get("POLICY_QA_UI_CONCURRENCY") or 4)
SEARCH_K = 6
GENERIC_ERROR = "抱歉，系统暂时无法处理这个问题，请稍后再试或换个说法。"
#: Characters of a rejected, oversized message echoed back in the chat.
ECHO_CHARS = 200

CSS = (Path(__file__).with_name("style.css")).read_text(encoding="utf-8")

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


def parse_as_of(value: Any) -> date:
    """The as-of date from the date box ("2025-06-01", "2025-06-01 00:00:00", a timestamp or empty)."""
    if value in (None, ""):
        return date.today()
    if isinstance(value, int | float):
        return date.fromtimestamp(value)
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise InputError(f"测算日期“{value}”无法识别，请按 2025-06-01 的格式填写。") from None


# -- 政策咨询 ---------------------------------------------------------------------------------------


def too_long_message(length: int, limit: int) -> str:
    return (f"消息过长（{length} 字，上限 {limit} 字），未处理也未记录。"
            "请只保留想咨询的问题和关键数字，例如项目投资金额、认定级别。")


def expired_notice(ttl_s: float) -> str:
    return f"之前的对话闲置超过 {max(1, round(ttl_s / 60))} 分钟已结束，以下为新的对话。"


def make_chat(services: Services) -> Callable[..., tuple[Any, ...]]:
    labels = services.clause_labels()
    limit = services.settings.max_question_chars

    def chat(message: str, as_of_value: Any, session_id: str | None, request: gr.Request | None = None):
        """Answer one turn in this browser session's conversation; log the exchange.

        Returns (chat history, new text of the input box, session id, reply as JSON). The history lives in
        the server-side session, so the browser never sends it back."""
        text = message if isinstance(message, str) else ""
        session = services.sessions.get(session_id)
        if len(text) > limit:  # first thing: an oversized message is never normalised, answered, logged or kept
            error = too_long_message(len(text), limit)
            rejected = (("user", render.user_message_html(f"{text[:ECHO_CHARS]}…")),
                        ("assistant", render.error_html(error)))
            if session is None:
                return _messages(*rejected), gr.update(), None, {"error": error}
            return session.add_messages(*rejected), gr.update(), session.id, {"error": error}
        user = ("user", render.user_message_html(text))
        browser = getattr(request, "session_hash", None)
        expired = session is None and (bool(session_id) or services.sessions.browser_expired(browser))
        notice = render.muted_html(expired_notice(services.settings.session_ttl_s)) if expired else ""
        try:
            as_of = parse_as_of(as_of_value)
        except InputError as err:
            error_reply = ("assistant", notice + render.error_html(str(err)))
            if session is None:
                return _messages(user, error_reply), "", None, {"error": str(err)}
            return session.add_messages(user, error_reply), "", session.id, {"error": str(err)}
        session = session or services.new_session(as_of)
        with session.lock:  # one turn at a time per conversation
            if session.as_of != as_of:  # the profile stays; validity and figures follow the new date
                session.as_of = session.conversation.as_of = as_of
            try:
                reply = session.conversation.ask(text)
            except PolicyQAError as err:
                return (session.add_messages(user, ("assistant", notice + render.error_html(str(err)))), "",
                        session.id, {"error": str(err)})
            except Exception:  # the user sees a sentence, the log gets the traceback
                log.exception("chat turn failed")
                return (session.add_messages(user, ("assistant", notice + render.error_html(GENERIC_ERROR))), "",
                        session.id, {"error": GENERIC_ERROR})
            session.turn += 1
            try:
                session.last_exchange_id = services.log.log_exchange(session.id, text, reply, turn=session.turn)
            except (sqlite3.Error, PolicyQAError):  # the answer still goes out; the log says why it is missing
                log.exception("could not log the exchange")
                session.last_exchange_id = None
            history = session.add_messages(user, ("assistant", notice + render.chat_answer_html(reply, labels)))
        data = reply.to_dict()
        data["exchange_id"] = session.last_exchange_id
        data["conversation_id"] = session.id
        return history, "", session.id, data

    return chat


def _ask(chat: Callable[..., tuple[Any, ...]], question: str) -> Callable[..., tuple[Any, ...]]:
    """An example button's handler: ``chat`` with a fixed question (and the request, for expiry)."""

    def ask(as_of_value: Any, session_id: str | None, request: gr.Request) -> tuple[Any, ...]:
        return chat(question, as_of_value, session_id, request)

    return ask


def _messages(*messages: tuple[str, str]) -> list[dict[str, str]]:
    return [{"role": role, "content": content} for role, content in messages]


def make_feedback(services: Services) -> Callable[..., str]:
    def feedback(verdict: str | None, reason: str | None, comment: str | None, session_id: str | None) -> str:
        session: Session | None = services.sessions.get(session_id)
        if session is None or session.last_exchange_id is None:
            return render.error_html("还没有可以评价的答复，请先提问。")
        if verdict not in ("有用", "没用"):
            return render.error_html("请先选择“有用”或“没用”。")
        if verdict == "没用" and not reason:
            return render.error_html("请选择“没用”的原因。")
        try:
            services.log.add_feedback(session.last_exchange_id, verdict == "有用", reason, comment)
        except PolicyQAError as err:
            return render.error_html(str(err))
        return render.notice_html(f"已记录反馈（记录 #{session.last_exchange_id}），感谢！")

    return feedback


def make_reset(services: Services) -> Callable[..., tuple[Any, ...]]:
    def reset(session_id: str | None):
        services.sessions.drop(session_id)
        return [], "", None, {}, None, None, "", ""

    return reset


# -- 热线查询 ---------------------------------------------------------------------------------------


def _clause_key(policy_id: str, clause_id: str) -> str:
    return f"{policy_id}:{clause_id}"


def make_search(services: Services) -> Callable[..., tuple[str, Any]]:
    def search(query: str):
        query = (query if isinstance(query, str) else "")[: services.settings.max_question_chars].strip()
        if not query:
            return render.search_results([], ""), gr.update()
        started = time.perf_counter()
        try:
            today = date.today()
            hits = services.retriever.search(query, k=SEARCH_K, as_of=today)
        except PolicyQAError as err:
            return render.error_html(str(err)), gr.update()
        elapsed = (time.perf_counter() - started) * 1000
        top = _clause_key(hits[0].clause.policy_id, hits[0].clause.clause_id) if hits else None
        metas = {p.policy_id: p.meta for p in services.policies}
        html = render.search_results(hits, query, elapsed, metas, today)
        return html, (gr.update(value=top) if top else gr.update())

    return search


def make_standard_reply(services: Services) -> Callable[[str | None], str]:
    def reply_for(key: str | None) -> str:
        if not key or ":" not in key:
            return ""
        policy_id, clause_id = key.split(":", 1)
        policy = services.corpus.policy(policy_id)
        return standard_reply(policy, policy.clause(clause_id), services.rules.get(policy_id))

    return reply_for


# -- 计算器 -----------------------------------------------------------------------------------------


def make_calculate(services: Services, policy_id: str, item: Any, specs: Sequence[FieldSpec]):
    from assistant.rules import calculate

    rules = services.rules[policy_id]
    item_id = str(getattr(item, "id", None) or item["id"])
    labels = services.clause_labels()
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
            result = calculate(rules, item_id, facts, as_of)
        except PolicyQAError as err:
            return render.error_html(str(err))
        missing = list(getattr(result, "missing_facts", []) or [])
        if missing:
            names = "、".join(by_name[m].label if m in by_name else m for m in missing)
            return render.error_html(f"请先填写：{names}")
        return calc_result_html(result, labels, rules)

    return run


def calc_result_html(result: Any, labels: dict[str, str], rules: Any) -> str:
    """Amount, then the cited trace, then the rules' notes (validity first, as a banner)."""
    parts = []
    banner = None
    if getattr(result, "in_force", True) is False:
        validity = getattr(rules, "validity", None)
        early = validity is not None and getattr(result, "as_of", date.max) < validity.effective_from
        banner = getattr(validity, "not_yet_note" if early else "expired_note", None) or "测算日不在政策有效期内，以下按原文测算，仅供参考。"
        parts.append(render.validity_banner(banner))
    amount = getattr(result, "amount_yuan", None)
    parts.append(f'<div class="pqa-amount">测算金额<b>{render.yuan(amount)}</b></div>')
    parts.append(render.trace_table(getattr(result, "trace", []) or [], labels))
    notes = [str(getattr(n, "text", n)) for n in getattr(result, "notes", None) or ()]
    notes = [n for n in notes if n != banner]
    if notes:
        parts.append('<div class="pqa-section-title">说明</div>')
        parts.extend(f'<div class="pqa-note">· {render.esc(n)}</div>' for n in notes)
    return "".join(parts)


def _component_for(spec: FieldSpec, elem_id: str) -> gr.components.Component:
    info = spec.question or None
    common: dict[str, Any] = {"label": spec.shown_label, "info": info, "elem_id": elem_id}
    if spec.type == "bool":
        return gr.Radio([YES, NO], value=None, **common)
    if spec.type == "choice":
        return gr.Radio(list(spec.options), value=None, **common)
    if spec.type == "count":
        return gr.Number(value=None, precision=0, minimum=0, **common)
    return gr.Textbox(placeholder=spec.placeholder, max_lines=1, **common)


# -- the app ----------------------------------------------------------------------------------------


def header_html(services: Services) -> str:
    today = date.today()
    items = []
    for p in services.policies:
        until = p.meta.valid_until.isoformat() if p.meta.valid_until else "长期"
        items.append(f"《{render.esc(p.meta.title)}》{render.validity_tag(p.meta.in_force(today), p.meta, today)}"
                     f'<span class="pqa-muted">　有效期至 {until}</span>')
    return (
        f'<div class="pqa-header"><div class="pqa-brand">{TITLE}</div>'
        f'<div class="pqa-sub">按条款检索 · 确定性测算 · 答复均附条款依据</div>'
        f'<div class="pqa-policies">{"<br>".join(items)}</div></div>'
    )


def build_app(services: Services) -> gr.Blocks:
    examples = example_questions(services.corpus)
    today = date.today().isoformat()
    settings = services.settings
    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        gr.HTML(header_html(services))
        # Only the id lives in the browser session; Gradio deletes it (and the conversation) when it expires.
        # A plain function, not the bound method: Gradio deep-copies the page config (which holds the callback)
        # on every page load, and copying a bound method would copy every open conversation with it.
        def drop_session(session_id: str | None) -> None:
            services.sessions.drop(session_id)

        session_id = gr.State(None, time_to_live=settings.session_ttl_s, delete_callback=drop_session)
        with gr.Tabs():
            # ---------------------------------------------------------------- 政策咨询
            with gr.Tab("政策咨询", id="chat", elem_id="tab-chat"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=7):
                        chatbot = gr.Chatbot(
                            label="对话", elem_id="chatbot", height=600, show_label=False,
                            sanitize_html=True, feedback_options=None, layout="bubble", buttons=["copy"],
                            placeholder="请描述您的企业和项目情况，例如认定级别、投资金额，我会按政策条款测算并注明依据。",
                        )
                        with gr.Row():
                            msg = gr.Textbox(
                                placeholder="输入问题，回车发送", show_label=False, scale=8, max_lines=4,
                                elem_id="chat-input", container=False, max_length=settings.max_question_chars,
                            )
                            send = gr.Button("发送", variant="primary", scale=1, elem_id="chat-send")
                        with gr.Row(elem_classes="pqa-examples"):
                            example_buttons = [gr.Button(q, size="sm", variant="secondary") for q in examples]
                    with gr.Column(scale=3, min_width=260):
                        as_of = gr.DateTime(
                            value=today, include_time=False, type="string", label="测算日期",
                            info="按该日判断政策是否有效（默认今天）", elem_id="as-of",
                        )
                        new_chat = gr.Button("新对话", elem_id="new-chat")
                        with gr.Group(elem_classes="pqa-feedback"):
                            gr.HTML('<div class="pqa-section-title">评价最新答复</div>')
                            verdict = gr.Radio(["有用", "没用"], label="这条答复", elem_id="fb-verdict")
                            reason = gr.Dropdown(list(REASONS), label="原因（选“没用”时必选）", value=None,
                                                 elem_id="fb-reason")
                            comment = gr.Textbox(label="补充说明（选填）", lines=2, max_lines=4, elem_id="fb-comment",
                                                 max_length=MAX_COMMENT_CHARS)
                            fb_send = gr.Button("提交反馈", elem_id="fb-send")
                            fb_status = gr.HTML(elem_id="fb-status")
                last_reply = gr.JSON(visible=False, label="reply")

                chat = make_chat(services)
                chat_in = [msg, as_of, session_id]
                chat_out = [chatbot, msg, session_id, last_reply]
                msg.submit(chat, chat_in, chat_out, api_name="chat", concurrency_limit=CONCURRENCY)
                send.click(chat, chat_in, chat_out, api_visibility="private", concurrency_limit=CONCURRENCY)
                for button, question in zip(example_buttons, examples, strict=True):
                    button.click(
                        _ask(chat, question), inputs=[as_of, session_id], outputs=chat_out,
                        api_visibility="private", concurrency_limit=CONCURRENCY,
                    )
                new_chat.click(
                    make_reset(services), inputs=[session_id],
                    outputs=[chatbot, msg, session_id, last_reply, verdict, reason, comment, fb_status],
                    api_name="new_conversation",
                )
                fb_send.click(make_feedback(services), inputs=[verdict, reason, comment, session_id],
                              outputs=[fb_status], api_name="feedback")

            # ---------------------------------------------------------------- 热线查询
            with gr.Tab("热线查询", id="hotline", elem_id="tab-hotline"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=6):
                        with gr.Row():
                            query = gr.Textbox(placeholder="输入关键词或来电问题，如“二级节点”“贯标奖励多少”",
                                               show_label=False, scale=8, container=False, elem_id="search-input",
                                               max_length=settings.max_question_chars)
                            search_btn = gr.Button("检索", variant="primary", scale=1, elem_id="search-btn")
                        results = gr.HTML(render.search_results([], ""), elem_id="search-results")
                    with gr.Column(scale=4):
                        choices = [
                            (f"{c.label}　{c.title}" if c.title not in c.label else c.label, _clause_key(p.policy_id, c.clause_id))
                            for p in services.policies for c in p.clauses
                        ]
                        clause_pick = gr.Dropdown(choices, label="答复口径 · 选择条款", value=None, elem_id="clause-pick")
                        std_reply = gr.Textbox(label="标准答复（可复制）", lines=12, max_lines=24, interactive=False,
                                               buttons=["copy"], elem_id="std-reply")
                        with gr.Accordion("政策全文（按章节浏览）", open=False, elem_id="policy-tree"):
                            gr.HTML("".join(render.policy_tree(p, date.today()) for p in services.policies))
                search = make_search(services)
                query.submit(search, inputs=[query], outputs=[results, clause_pick], api_name="search")
                search_btn.click(search, inputs=[query], outputs=[results, clause_pick], api_visibility="private")
                clause_pick.change(make_standard_reply(services), inputs=[clause_pick], outputs=[std_reply],
                                   api_name="standard_reply")

            # ---------------------------------------------------------------- 计算器
            with gr.Tab("计算器", id="calc", elem_id="tab-calc"):
                items = [(p, item) for p in services.policies for item in _items(services.rules.get(p.policy_id))]
                item_names = [f"第{_attr(it, 'clause')}条　{_attr(it, 'title')}" for _, it in items]
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3, min_width=260):
                        pick = gr.Radio(item_names, value=item_names[0] if item_names else None,
                                        label="资助项目", elem_id="calc-pick")
                        calc_as_of = gr.DateTime(value=today, include_time=False, type="string", label="测算日期",
                                                 elem_id="calc-as-of")
                    with gr.Column(scale=7):
                        columns = []
                        for index, (policy, item) in enumerate(items):
                            specs = fields_of(item, services.rules.get(policy.policy_id))
                            with gr.Column(visible=index == 0, elem_classes="pqa-calc-form") as column:
                                gr.HTML(_item_intro(policy, item))
                                inputs = [_component_for(s, f"calc-{_attr(item, 'id')}-{s.name}") for s in specs]
                                run = gr.Button("计算", variant="primary", elem_classes="pqa-calc-run")
                                output = gr.HTML(elem_classes="pqa-calc-result")
                            run.click(make_calculate(services, policy.policy_id, item, specs),
                                      inputs=[calc_as_of, *inputs], outputs=[output],
                                      api_name=f"calc_{_attr(item, 'id')}")
                            columns.append(column)
                pick.change(lambda name: [gr.update(visible=n == name) for n in item_names],
                            inputs=[pick], outputs=columns, api_visibility="private")

    demo.state_session_capacity = settings.max_sessions  # Gradio's per-session state, least recently used dropped
    return demo


def _items(rules: Any) -> list[Any]:
    return list(getattr(rules, "items", None) or (rules or {}).get("items", []) if rules is not None else [])


def _attr(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


def _item_intro(policy: Any, item: Any) -> str:
    clause_id = str(_attr(item, "clause"))
    clause = policy.clause(clause_id) if policy.has_clause(clause_id) else None
    quotes = [q for q in (_attr(_attr(item, k), "quote") if _attr(item, k) is not None else None
                          for k in ("rate", "ceiling", "amount")) if q]
    conditions = [str(_attr(c, "text")) for c in (_attr(item, "conditions") or ())]
    return (
        f'<div class="pqa-calc-head"><b>{render.esc(_attr(item, "title"))}</b>'
        f'<span class="pqa-muted">　依据 {render.esc(clause.label if clause else clause_id)}</span></div>'
        + (f'<div class="pqa-muted">支持标准：{render.esc("；".join(quotes))}</div>' if quotes else "")
        + (f'<div class="pqa-muted">申报条件：{render.esc("；".join(conditions))}（由主管部门审核，不影响测算）</div>'
           if conditions else "")
    )
