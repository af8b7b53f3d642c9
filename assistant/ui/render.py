"""HTML fragments of the app: reply cards, citations, the computation table, search hits, the policy tree,
the log table. Pure functions of data, so they are tested without a browser.

Every piece of text that can come from a user (a question, a pasted clause, a feedback comment) and every
piece of corpus text goes through :func:`esc` before it is put into HTML; the only markup in the output
is the markup written here.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from assistant.corpus.model import Clause, Policy
from assistant.rules.money import format_yuan


def esc(text: Any) -> str:
    """HTML-escape any value (quotes too): user text shows as typed and never runs."""
    return html.escape("" if text is None else str(text), quote=True)


def esc_lines(text: Any) -> str:
    """Escape, then keep line breaks."""
    return esc(text).replace("\n", "<br>")


def yuan(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return "—"
    try:
        return format_yuan(int(value))
    except (TypeError, ValueError):
        return esc(value)


# -- chat -------------------------------------------------------------------------------------------


def validity_banner(notice: str | None) -> str:
    if not notice:
        return ""
    return f'<div class="pqa-banner" role="alert"><b>有效期提示</b>　{esc(notice)}</div>'


def citation_items(citations: Iterable[Any], *, open_first: bool = False) -> str:
    """Citations as native <details> items: the summary is the label, opening shows path and text."""
    parts = []
    for i, c in enumerate(citations):
        label, title = _get(c, "label"), _get(c, "title")
        summary = label if not title or str(label).endswith(str(title)) else f"{label}　{title}"
        parts.append(
            f'<details class="pqa-cite"{" open" if open_first and i == 0 else ""}'
            f' data-clause="{esc(_get(c, "clause_id"))}">'
            f'<summary><span class="pqa-cite-label">{esc(summary)}</span></summary>'
            f'<div class="pqa-cite-path">{esc(_get(c, "path"))}</div>'
            f'<div class="pqa-cite-text">{esc_lines(_get(c, "text"))}</div></details>'
        )
    if not parts:
        return ""
    return '<div class="pqa-cites"><div class="pqa-section-title">引用条款</div>' + "".join(parts) + "</div>"


def trace_table(trace: Sequence[Any], clause_labels: Mapping[str, str] | None = None) -> str:
    """The computation behind an amount: one row per calculator step (step, amount, clause)."""
    if not trace:
        return ""
    labels = clause_labels or {}
    rows = []
    for i, step in enumerate(trace, 1):
        clause = _get(step, "clause")
        clause_id = _get(clause, "clause_id") if clause is not None and not isinstance(clause, str) else clause
        label = labels.get(str(clause_id), f"第{clause_id}条" if str(clause_id or "").isdigit() else clause_id)
        rows.append(
            f"<tr><td class='pqa-num'>{i}</td><td>{esc(_get(step, 'description'))}</td>"
            f"<td class='pqa-amt'>{yuan(_get(step, 'amount_yuan'))}</td><td>{esc(label or '')}</td></tr>"
        )
    return (
        '<div class="pqa-trace"><div class="pqa-section-title">测算过程</div><table class="pqa-table">'
        "<thead><tr><th>#</th><th>步骤</th><th>金额</th><th>依据</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></div>"
    )


def reply_details(reply: Any, clause_labels: Mapping[str, str] | None = None) -> str:
    """Everything under an answer: validity banner, amount, computation table, citations."""
    data_notice = _get(reply, "validity_notice")
    parts = [validity_banner(data_notice)]
    amount = _get(reply, "amount_yuan")
    if amount is not None and not _get(reply, "missing_facts"):
        parts.append(f'<div class="pqa-amount">测算金额<b>{yuan(amount)}</b></div>')
    parts.append(trace_table(_get(reply, "trace") or [], clause_labels))
    parts.append(citation_items(_get(reply, "citations") or []))
    return "".join(p for p in parts if p)


def chat_answer_html(reply: Any, clause_labels: Mapping[str, str] | None = None) -> str:
    """One assistant message in the chat: the answer text, then its details."""
    return f'<div class="pqa-answer">{esc_lines(_get(reply, "answer"))}</div>' + reply_details(reply, clause_labels)


def user_message_html(text: str) -> str:
    return f'<div class="pqa-user">{esc_lines(text)}</div>'


def error_html(message: str) -> str:
    return f'<div class="pqa-error" role="alert">{esc(message)}</div>'


def notice_html(message: str) -> str:
    return f'<div class="pqa-ok">{esc(message)}</div>'


def muted_html(message: str) -> str:
    return f'<div class="pqa-muted">{esc(message)}</div>'


# -- hotline ----------------------------------------------------------------------------------------


def highlight(text: str, terms: Iterable[str]) -> str:
    """Escape ``text`` and wrap every occurrence of ``terms`` (longest first) in <mark>."""
    words = sorted({t for t in terms if t and t.strip()}, key=len, reverse=True)
    if not words:
        return esc_lines(text)
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    out, pos = [], 0
    for m in pattern.finditer(text):
        out.append(esc_lines(text[pos : m.start()]))
        out.append(f"<mark>{esc(m.group(0))}</mark>")
        pos = m.end()
    out.append(esc_lines(text[pos:]))
    return "".join(out)


def validity_tag(in_force: bool | None, meta: Any = None, as_of: date | None = None) -> str:
    """A small tag: 有效 / 已过期 / 未生效 (the last two need the policy's dates to tell apart)."""
    if in_force is None:
        return ""
    if in_force:
        return '<span class="pqa-tag pqa-tag-ok">有效</span>'
    text = "不在有效期"
    if meta is not None and as_of is not None:
        text = "未生效" if as_of < meta.effective_from else "已过期"
    return f'<span class="pqa-tag pqa-tag-off">{text}</span>'


def search_results(
    hits: Sequence[Any], query: str, elapsed_ms: float | None = None, metas: Mapping[str, Any] | None = None,
    as_of: date | None = None,
) -> str:
    if not query.strip():
        return '<div class="pqa-muted">输入关键词或口语化问题，例如“二级节点”“标杆项目能补多少”。</div>'
    head = f"共 {len(hits)} 条相关条款" + (f"（用时 {elapsed_ms:.0f} 毫秒）" if elapsed_ms is not None else "")
    if not hits:
        return f'<div class="pqa-muted">{esc(head)}。没有找到与“{esc(query)}”相关的条款，请换个说法。</div>'
    cards = []
    for rank, hit in enumerate(hits, 1):
        c: Clause = hit.clause
        terms = list(_get(hit, "matched_terms") or [])
        cards.append(
            f'<div class="pqa-hit" data-clause="{esc(c.clause_id)}">'
            f'<div class="pqa-hit-head"><span class="pqa-rank">{rank}</span>'
            f'<span class="pqa-hit-label">{esc(c.label)}</span>'
            f'<span class="pqa-hit-title">{esc(c.title if c.title not in c.label else "")}</span>'
            f"{validity_tag(_get(hit, 'in_force'), (metas or {}).get(c.policy_id), as_of)}</div>"
            f'<div class="pqa-cite-path">{esc(c.path_str)}</div>'
            f'<div class="pqa-hit-text">{highlight(c.text, terms)}</div>'
            + (
                f'<div class="pqa-hit-terms">命中：{"、".join(esc(t) for t in terms)}</div>' if terms else ""
            )
            + "</div>"
        )
    return f'<div class="pqa-muted">{esc(head)}</div>' + "".join(cards)


def policy_tree(policy: Policy, as_of: date | None = None) -> str:
    """The whole policy as nested <details>: sections › subsections › items, each with its text."""
    meta = policy.meta
    until = meta.valid_until.isoformat() if meta.valid_until else "长期"
    status = validity_tag(meta.in_force(as_of), meta, as_of) if as_of else ""

    def node(clause: Clause, depth: int) -> str:
        children = policy.children(clause.clause_id)
        heading = "序言" if clause.kind == "preamble" else clause.heading
        own = clause.text.strip()
        inner = f'<div class="pqa-tree-text">{esc_lines(own)}</div>' if own and own != clause.heading.strip() else ""
        inner += "".join(node(ch, depth + 1) for ch in children)
        return (
            f'<details class="pqa-tree-node pqa-depth-{depth}" data-clause="{esc(clause.clause_id)}"'
            f'{" open" if depth == 0 and children else ""}>'
            f'<summary><span class="pqa-tree-id">{esc(clause.label if clause.kind in ("item", "article") else "")}'
            f"</span>{esc(heading)}</summary>{inner}</details>"
        )

    roots = "".join(node(c, 0) for c in policy.children(None))
    return (
        f'<div class="pqa-tree"><div class="pqa-tree-title">《{esc(meta.title)}》{status}</div>'
        f'<div class="pqa-muted">{esc(meta.issuer)}　发布 {meta.published.isoformat()}　'
        f"有效期至 {esc(until)}</div>{roots}</div>"
    )


# -- log --------------------------------------------------------------------------------------------


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
        f'<div class="pqa-section-title">问题</div><div class="pqa-user">{esc_lines(ex.question)}</div>'
        f'<div class="pqa-section-title">答复</div><div class="pqa-answer">{esc_lines(ex.answer)}</div>'
        + (f'<div class="pqa-amount">测算金额<b>{yuan(ex.amount_yuan)}</b></div>' if ex.amount_yuan else "")
        + trace_table(ex.trace)
        + citation_items(ex.citations)
        + (f'<div class="pqa-section-title">反馈</div><ul>{feedback}</ul>' if feedback else "")
        + "</div>"
    )


def _get(obj: Any, name: str) -> Any:
    if obj is None:
        return None
    if isinstance(obj, Mapping):
        return obj.get(name)
    return getattr(obj, name, None)
