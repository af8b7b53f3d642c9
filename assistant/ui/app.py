"""The Gradio app: 政策咨询 (chat), 热线查询 (look-up), 计算器, 记录 (log).

:func:`build_app` wires the tabs to the services loaded once per process (:mod:`assistant.ui.services`);
:func:`launch` starts it with the queue on, host and port from Gradio's own ``GRADIO_SERVER_NAME`` /
``GRADIO_SERVER_PORT`` (default 127.0.0.1:7860). The Gradio API stays on: ``/chat`` answers one turn
in the caller's session (what the load test drives), ``/search`` and ``/calc_<item>`` the other tabs.
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
from assistant.logstore import REASONS
from assistant.ui import render
from assistant.ui.forms import NO, YES, FieldSpec, facts_from_form, fields_of
from assistant.ui.services import Services, Session
from assistant.ui.standard_reply import standard_reply

log = logging.getLogger(__name__)

TITLE = "政策问答助手"
#: Events of one kind run at most this many at a time (2 cores; the model and index are shared).
CONCURRENCY = int(os.environ.get("POLICY_QA_UI_CONCURRENCY") or 4)
SEARCH_K = 6
ALL = "全部"
GENERIC_ERROR = "抱歉，系统暂时无法处理这个问题，请稍后再试或换个说法。"

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


def _history_with(history: list[dict[str, Any]] | None, *messages: tuple[str, str]) -> list[dict[str, Any]]:
    out = list(history or [])
    out.extend({"role": role, "content": content} for role, content in messages)
    return out


def make_chat(services: Services) -> Callable[..., tuple[Any, ...]]:
    labels = services.clause_labels()

    def chat(message: str, history: list[dict[str, Any]] | None, as_of_value: Any, session_id: str | None):
        """Answer one turn in this browser session's conversation; log the exchange."""
        text = message if isinstance(message, str) else ""
        user = ("user", render.user_message_html(text))
        try:
            as_of = parse_as_of(as_of_value)
        except InputError as err:
            return _history_with(history, user, ("assistant", render.error_html(str(err)))), "", session_id, {}
        session = services.sessions.get(session_id) or services.new_session(as_of)
        with session.lock:  # one turn at a time per conversation
            if session.as_of != as_of:  # the profile stays; validity and figures follow the new date
                session.as_of = session.conversation.as_of = as_of
            try:
                reply = session.conversation.ask(text)
            except PolicyQAError as err:
                return (_history_with(history, user, ("assistant", render.error_html(str(err)))), "",
                        session.id, {"error": str(err)})
            except Exception:  # the user sees a sentence, the log gets the traceback
                log.exception("chat turn failed")
                return (_history_with(history, user, ("assistant", render.error_html(GENERIC_ERROR))), "",
                        session.id, {"error": GENERIC_ERROR})
            session.turn += 1
            try:
                session.last_exchange_id = services.log.log_exchange(session.id, text, reply, turn=session.turn)
            except (sqlite3.Error, PolicyQAError):  # the answer still goes out; the log says why it is missing
                log.exception("could not log the exchange")
                session.last_exchange_id = None
        data = reply.to_dict()
        data["exchange_id"] = session.last_exchange_id
        data["conversation_id"] = session.id
        answer = ("assistant", render.chat_answer_html(reply, labels))
        return _history_with(history, user, answer), "", session.id, data

    return chat


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
        query = (query or "").strip()[: services.settings.max_question_chars]
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


# -- 记录 -------------------------------------------------------------------------------------------

LOG_HEADERS = ["编号", "时间", "测算日", "问题", "答复", "金额", "引用", "反馈", "原因", "说明"]


def make_log_query(services: Services):
    def query(reason: str | None, since: Any, until: Any, feedback_only: bool):
        try:
            since_d = parse_as_of(since) if since else None
            until_d = parse_as_of(until) if until else None
        except InputError as err:
            return gr.update(), render.error_html(str(err))
        rows = services.log.exchanges(
            reason=None if reason in (None, ALL) else reason,
            since=since_d,
            until=until_d,
            with_feedback=bool(feedback_only),
            limit=300,
        )
        table = []
        for ex in rows:
            fb = ex.latest_feedback
            table.append([
                ex.id, ex.created_at[:19].replace("T", " "), ex.as_of or "", _short(ex.question, 40),
                _short(ex.answer, 36), render.yuan(ex.amount_yuan) if ex.amount_yuan else "",
                " ".join(ex.citation_labels[:2]) + (" 等" if len(ex.citation_labels) > 2 else ""), fb.verdict if fb else "", fb.reason or "" if fb else "",
                _short(fb.comment or "", 30) if fb else "",
            ])
        return gr.update(value=table), render.notice_html(f"共 {len(rows)} 条记录（最多显示 300 条）")

    return query


def _short(text: str, n: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


def make_open_exchange(services: Services):
    def open_exchange(exchange_id: Any) -> str:
        try:
            return render.exchange_detail(services.log.exchange(int(exchange_id)))
        except (TypeError, ValueError):
            return render.error_html("请输入记录编号（整数）。")
        except PolicyQAError as err:
            return render.error_html(str(err))

    def on_select(evt: gr.SelectData, table: Any) -> tuple[Any, str]:
        row = evt.index[0] if isinstance(evt.index, list | tuple) else evt.index
        try:
            exchange_id = int(table.iloc[row, 0]) if hasattr(table, "iloc") else int(table[row][0])
        except (IndexError, TypeError, ValueError):
            return gr.update(), ""
        return exchange_id, open_exchange(exchange_id)

    return open_exchange, on_select


def make_export(services: Services):
    def export(reason: str | None, since: Any, until: Any, feedback_only: bool) -> tuple[Any, str]:
        try:
            filters = {
                "reason": None if reason in (None, ALL) else reason,
                "since": parse_as_of(since) if since else None,
                "until": parse_as_of(until) if until else None,
                "with_feedback": bool(feedback_only),
            }
        except InputError as err:
            return None, render.error_html(str(err))
        target = services.settings.home / "exports" / f"policy-qa-log-{time.strftime('%Y%m%d-%H%M%S')}.csv"
        services.log.export_csv(target, **filters)
        return str(target), render.notice_html(f"已导出：{target.name}")

    return export


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
    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        gr.HTML(header_html(services))
        session_id = gr.State(None)
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
                                elem_id="chat-input", container=False,
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
                            comment = gr.Textbox(label="补充说明（选填）", lines=2, max_lines=4, elem_id="fb-comment")
                            fb_send = gr.Button("提交反馈", elem_id="fb-send")
                            fb_status = gr.HTML(elem_id="fb-status")
                last_reply = gr.JSON(visible=False, label="reply")

                chat = make_chat(services)
                chat_in = [msg, chatbot, as_of, session_id]
                chat_out = [chatbot, msg, session_id, last_reply]
                msg.submit(chat, chat_in, chat_out, api_name="chat", concurrency_limit=CONCURRENCY)
                send.click(chat, chat_in, chat_out, api_visibility="private", concurrency_limit=CONCURRENCY)
                for button, question in zip(example_buttons, examples, strict=True):
                    button.click(
                        lambda h, a, s, _q=question: chat(_q, h, a, s),
                        inputs=[chatbot, as_of, session_id], outputs=[chatbot, msg, session_id, last_reply],
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
                                               show_label=False, scale=8, container=False, elem_id="search-input")
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

            # ---------------------------------------------------------------- 记录
            with gr.Tab("记录", id="log", elem_id="tab-log"):
                with gr.Row():
                    log_reason = gr.Dropdown([ALL, *REASONS], value=ALL, label="反馈原因", elem_id="log-reason")
                    log_since = gr.DateTime(include_time=False, type="string", label="起始日期", value=None)
                    log_until = gr.DateTime(include_time=False, type="string", label="截止日期", value=None)
                    log_fb_only = gr.Checkbox(label="只看有反馈的", value=False, elem_id="log-fb-only")
                with gr.Row():
                    log_refresh = gr.Button("查询", variant="primary", elem_id="log-refresh")
                    log_export = gr.Button("导出 CSV", elem_id="log-export")
                log_status = gr.HTML(elem_id="log-status")
                log_table = gr.Dataframe(headers=LOG_HEADERS, value=[], interactive=False, wrap=True,
                                         elem_id="log-table", max_height=420,
                                         column_widths=["56px", "150px", "96px", "20%", "24%", "84px", "80px",
                                                        "56px", "100px", "12%"])
                with gr.Row():
                    open_id = gr.Number(label="记录编号", precision=0, scale=1, elem_id="log-open-id")
                    open_btn = gr.Button("打开记录", scale=1, elem_id="log-open")
                    export_file = gr.File(label="导出文件", scale=2, elem_id="log-file")
                detail = gr.HTML(elem_id="log-detail")
                filters = [log_reason, log_since, log_until, log_fb_only]
                query_log = make_log_query(services)
                log_refresh.click(query_log, inputs=filters, outputs=[log_table, log_status], api_name="log")
                open_exchange, on_select = make_open_exchange(services)
                open_btn.click(open_exchange, inputs=[open_id], outputs=[detail], api_name="open_exchange")
                log_table.select(on_select, inputs=[log_table], outputs=[open_id, detail], api_visibility="private")
                log_export.click(make_export(services), inputs=filters, outputs=[export_file, log_status],
                                 api_name="export_csv")
        demo.load(query_log, inputs=filters, outputs=[log_table, log_status], api_visibility="private")
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


def launch(services: Services, **kwargs: Any) -> gr.Blocks:
    """Build and start the app: queue on, host/port from GRADIO_SERVER_NAME / GRADIO_SERVER_PORT."""
    demo = build_app(services)
    demo.queue(default_concurrency_limit=CONCURRENCY, max_size=256)
    demo.launch(
        server_name=os.environ.get("GRADIO_SERVER_NAME") or "127.0.0.1",
        server_port=int(os.environ.get("GRADIO_SERVER_PORT") or 7860),
        theme=THEME,
        css=CSS,
        show_error=False,
        allowed_paths=[str(services.settings.home / "exports")],
        footer_links=["api"],
        **kwargs,
    )
    return demo
