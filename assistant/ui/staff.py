"""The staff app: 记录 (every logged exchange with its feedback, filters, one record in full, CSV export).

It holds every user's conversation, so it is never part of the public app. :mod:`assistant.ui.server` mounts
it under /staff behind Gradio's login, and only when a staff password is set (``POLICY_QA_STAFF_PASSWORD``);
without one it is not built at all. Each handler also checks the session's user (``gr.Request.username``) —
mounted without a login by mistake, it answers nothing.

Every failure reaches the page as a Chinese sentence: a damaged log is moved aside by the log store and its
message shown here; anything else is logged with its traceback and shown as :data:`STAFF_ERROR`.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.errors import InputError, PolicyQAError
from assistant.logstore import REASONS, prune_exports
from assistant.ui import render
from assistant.ui.app import TITLE, parse_as_of
from assistant.ui.services import Services

log = logging.getLogger(__name__)

ALL = "全部"
#: Rows shown in the table at most (the CSV export has all of them).
TABLE_LIMIT = 300
LOG_HEADERS = ["编号", "时间", "测算日", "问题", "答复", "金额", "引用", "反馈", "原因", "说明"]
NOT_LOGGED_IN = "请先以工作人员身份登录。"
STAFF_ERROR = "记录暂时无法读取，请稍后再试；问题已写入服务器日志。"


def staff_cache_dir(services: Services) -> Path:
    """Where Gradio keeps its copies of the staff app's files (served only by the staff app, after login)."""
    return services.settings.home / "staff-cache"


def staff_user(request: gr.Request | None) -> str | None:
    """The logged-in staff user of this request, or None."""
    return getattr(request, "username", None) or None if request is not None else None


def _recovery_note(services: Services) -> str:
    recovery = services.log.last_recovery
    return render.error_html(f"注意：{recovery.message}") if recovery is not None else ""


def _filters(reason: str | None, since: Any, until: Any, feedback_only: bool) -> dict[str, Any]:
    return {
        "reason": None if reason in (None, ALL) else reason,
        "since": parse_as_of(since) if since and str(since).strip() else None,
        "until": parse_as_of(until) if until and str(until).strip() else None,
        "with_feedback": bool(feedback_only),
    }


def _short(text: str, n: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


def make_log_query(services: Services) -> Callable[..., tuple[Any, str]]:
    def query(reason: str | None, since: Any, until: Any, feedback_only: bool, request: gr.Request):
        if staff_user(request) is None:
            return gr.update(value=[]), render.error_html(NOT_LOGGED_IN)
        try:
            rows = services.log.exchanges(**_filters(reason, since, until, feedback_only), limit=TABLE_LIMIT)
        except PolicyQAError as err:  # bad date, damaged or locked log: a Chinese sentence
            return gr.update(value=[]), render.error_html(str(err)) + _recovery_note(services)
        except Exception:
            log.exception("staff: log query failed")
            return gr.update(value=[]), render.error_html(STAFF_ERROR)
        table = []
        for ex in rows:
            fb = ex.latest_feedback
            table.append([
                ex.id, ex.created_at[:19].replace("T", " "), ex.as_of or "", _short(ex.question, 40),
                _short(ex.answer, 36), render.yuan(ex.amount_yuan) if ex.amount_yuan else "",
                " ".join(ex.citation_labels[:2]) + (" 等" if len(ex.citation_labels) > 2 else ""),
                fb.verdict if fb else "", (fb.reason or "") if fb else "", _short(fb.comment or "", 30) if fb else "",
            ])
        status = render.notice_html(f"共 {len(rows)} 条记录（最多显示 {TABLE_LIMIT} 条）")
        return gr.update(value=table), status + _recovery_note(services)

    return query


def make_open_exchange(services: Services) -> tuple[Callable[..., str], Callable[..., tuple[Any, str]]]:
    def open_exchange(exchange_id: Any, request: gr.Request) -> str:
        if staff_user(request) is None:
            return render.error_html(NOT_LOGGED_IN)
        try:
            return render.exchange_detail(services.log.exchange(int(exchange_id)))
        except (TypeError, ValueError):
            return render.error_html("请输入记录编号（整数）。")
        except PolicyQAError as err:
            return render.error_html(str(err))
        except Exception:
            log.exception("staff: opening an exchange failed")
            return render.error_html(STAFF_ERROR)

    def on_select(evt: gr.SelectData, table: Any, request: gr.Request) -> tuple[Any, str]:
        row = evt.index[0] if isinstance(evt.index, list | tuple) else evt.index
        try:
            exchange_id = int(table.iloc[row, 0]) if hasattr(table, "iloc") else int(table[row][0])
        except (IndexError, TypeError, ValueError):
            return gr.update(), ""
        return exchange_id, open_exchange(exchange_id, request)

    return open_exchange, on_select


def make_export(services: Services) -> Callable[..., tuple[Any, str]]:
    folder = services.settings.exports_dir

    def export(reason: str | None, since: Any, until: Any, feedback_only: bool, request: gr.Request):
        if staff_user(request) is None:
            return None, render.error_html(NOT_LOGGED_IN)
        try:
            filters = _filters(reason, since, until, feedback_only)
            name = f"policy-qa-log-{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(3)}.csv"
            services.log.export_csv(folder / name, **filters)
        except InputError as err:
            return None, render.error_html(str(err))
        except PolicyQAError as err:
            return None, render.error_html(str(err)) + _recovery_note(services)
        except Exception:
            log.exception("staff: export failed")
            return None, render.error_html("导出失败，请稍后再试；问题已写入服务器日志。")
        prune_exports(folder)  # the folder stays bounded: the newest exports of the last day
        return str(folder / name), render.notice_html(f"已导出：{name}")

    return export


def build_staff_app(services: Services, path: str = "/staff") -> gr.Blocks:
    """The 记录 page, to be mounted at ``path`` behind a login (see :func:`assistant.ui.server.create_app`)."""
    # Gradio's copies of exported files (its cache) are deleted after an hour, checked hourly.
    with gr.Blocks(title=f"{TITLE} · 记录", analytics_enabled=False, delete_cache=(3600, 3600)) as demo:
        gr.HTML(f'<div class="pqa-header"><div class="pqa-brand">{TITLE} · 记录</div>'
                f'<div class="pqa-sub">对话与反馈记录（仅限工作人员）　<a href="{path}/logout">退出登录</a></div></div>')
        with gr.Row():
            log_reason = gr.Dropdown([ALL, *REASONS], value=ALL, label="反馈原因", elem_id="log-reason")
            # Typed dates: Gradio's DateTime picker is English only (and these may stay empty).
            log_since = gr.Textbox(label="起始日期", placeholder="如 2025-06-01，留空不限", max_lines=1,
                                   elem_id="log-since")
            log_until = gr.Textbox(label="截止日期", placeholder="如 2025-12-31，留空不限", max_lines=1,
                                   elem_id="log-until")
            log_fb_only = gr.Checkbox(label="只看有反馈的", value=False, elem_id="log-fb-only")
        with gr.Row():
            log_refresh = gr.Button("查询", variant="primary", elem_id="log-refresh")
            log_export = gr.Button("导出 CSV", elem_id="log-export")
        log_status = gr.HTML(elem_id="log-status")
        log_table = gr.Dataframe(headers=LOG_HEADERS, value=[], interactive=False, wrap=True,
                                 elem_id="log-table", max_height=420,
                                 column_widths=["56px", "150px", "96px", "20%", "22%", "84px", "124px",
                                                "56px", "100px", "12%"])
        with gr.Row():
            open_id = gr.Number(label="记录编号", precision=0, scale=1, elem_id="log-open-id")
            open_btn = gr.Button("打开记录", scale=1, elem_id="log-open")
            export_file = gr.File(label="导出文件", scale=2, elem_id="log-file")
            # Gradio copies a returned file into its cache, which the public app also serves (by unguessable
            # path, but still): the staff app's copies go to a folder of its own that only it serves.
            export_file.GRADIO_CACHE = str(staff_cache_dir(services))
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
