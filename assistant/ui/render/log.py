"""The calculator's trace as a table (step, amount, clause), shown by the calculator and in a logged
exchange, and one logged exchange in full for the staff views. Part of :mod:`assistant.ui.render`, which
re-exports them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from assistant.ui.render.citations import citation_cards
from assistant.ui.render.text import _get, esc, esc_lines, yuan


def trace_table(trace: Sequence[Any], clause_labels: Mapping[str, str] | None = None) -> str:
    """The computation behind an amount: one row per calculator step (step, amount, clause)."""
    if not trace:
        return ""
    labels = clause_labels or {}
    rows = []
    for i, step in enumerate(trace, 1):
        label = _get(step, "label")
        if not label:
            clause = _get(step, "clause")
            clause_id = _get(clause, "clause_id") if clause is not None and not isinstance(clause, str) else clause
            label = labels.get(str(clause_id), str(clause_id or ""))
        rows.append(
            f"<tr><td class='pqa-num'>{i}</td><td>{esc(_get(step, 'description'))}</td>"
            f"<td class='pqa-amt'>{yuan(_get(step, 'amount_yuan'))}</td><td class='pqa-clause'>{esc(label)}</td></tr>"
        )
    return (
        '<div class="pqa-trace"><div class="pqa-sec-title">计算过程</div><table class="pqa-table">'
        "<thead><tr><th>#</th><th>步骤</th><th>金额</th><th>依据</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></div>"
    )


def exchange_detail(ex: Any) -> str:
    """One logged exchange in full: question, answer, amount, trace, citations, feedback."""
    feedback = "".join(
        f"<li><b>{esc(f.verdict)}</b>　{esc(f.reason or '')}　{esc(f.comment or '')}"
        f'<span class="pqa-muted">　{esc(f.created_at)}</span></li>'
        for f in ex.feedback
    )
    meta = (
        f"记录 #{ex.id}　会话 {esc(ex.conversation_id[:8])}　第{ex.turn}轮　{esc(ex.created_at)}　"
        f"测算日 {esc(ex.as_of or '—')}　意图 {esc(ex.intent or '—')}"
    )
    return (
        f'<div class="pqa-exchange"><div class="pqa-muted">{meta}</div>'
        f'<div class="pqa-sec-title">问题</div><div class="pqa-user">{esc_lines(ex.question)}</div>'
        f'<div class="pqa-sec-title">答复</div><div class="pqa-text">{esc_lines(ex.answer)}</div>'
        + (f'<div class="pqa-amount">测算金额<b>{yuan(ex.amount_yuan)}</b></div>' if ex.amount_yuan else "")
        + trace_table(ex.trace)
        + citation_cards(ex.citations, ex.answer)
        + (f'<div class="pqa-sec-title">反馈</div><ul>{feedback}</ul>' if feedback else "")
        + "</div>"
    )
