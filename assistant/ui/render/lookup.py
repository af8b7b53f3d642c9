"""The hotline's pieces (热线查询): clause names and bodies as people read them, search hits as cards with
the matched words highlighted, and the whole policy as a tree of sections. Part of :mod:`assistant.ui.render`,
which re-exports them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from assistant.corpus.dates import cn_date
from assistant.corpus.model import Clause, Policy
from assistant.ui.render.text import _get, esc, esc_lines
from assistant.ui.render.validity import validity_tag


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


def clause_name(clause: Clause) -> str:
    """'第5条 推广工业互联网创新应用及标杆建设' / '一、支持对象' / '序言' — the number once."""
    if clause.kind == "preamble":
        return "序言"
    if clause.kind in ("item", "article") and clause.title and not clause.label.endswith(clause.title):
        return f"{clause.label} {clause.title}"
    return clause.label if clause.kind in ("item", "article") else clause.heading


def clause_body(clause: Clause) -> str:
    """The clause's own text without its heading line or number (the name already says them)."""
    text = clause.text.strip()
    heading = clause.heading.strip()
    if heading and text.startswith(heading):
        text = text[len(heading):].lstrip("。.，,：: \n")
    return text


def is_heading_only(clause: Clause) -> bool:
    """A section heading with no text of its own ("二、支持范围及标准"): not a search result."""
    return clause.kind != "preamble" and not clause_body(clause)


def clause_key(clause: Clause) -> str:
    return f"{clause.policy_id}:{clause.clause_id}"


def search_results(
    hits: Sequence[Any], query: str, elapsed_ms: float | None = None, metas: Mapping[str, Any] | None = None,
    as_of: date | None = None, selected: str | None = None,
) -> str:
    """Result cards; clicking one (or Enter on it) loads its 答复口径 (see ``app.HIT_JS``)."""
    if not query.strip():
        return '<div class="pqa-muted">输入关键词或来电问题（条款号、支持项目名称、来电原话均可）；点击结果查看答复口径。</div>'
    took = f"（用时 {elapsed_ms:.0f} 毫秒）" if elapsed_ms is not None else ""
    if not hits:
        return (f'<div class="pqa-muted" role="status">没有找到与“{esc(query)}”相关的条款{took}。'
                "请换个说法，或在右侧按章节浏览政策全文。</div>")
    several = len({h.clause.policy_id for h in hits}) > 1 or len(metas or {}) > 1
    cards = []
    for hit in hits:
        c: Clause = hit.clause
        terms = list(_get(hit, "matched_terms") or [])
        meta = (metas or {}).get(c.policy_id)
        policy = f'<span class="pqa-hit-policy">《{esc(meta.name)}》</span>' if several and meta is not None else ""
        key = clause_key(c)
        cards.append(
            f'<div class="pqa-hit{" pqa-hit-on" if key == selected else ""}" data-key="{esc(key)}" '
            f'data-clause="{esc(c.clause_id)}" role="button" tabindex="0" '
            f'aria-label="{esc(clause_name(c))}：查看答复口径">'
            f'<div class="pqa-hit-head">{policy}<span class="pqa-hit-label">{esc(clause_name(c))}</span>'
            f"{validity_tag(_get(hit, 'in_force'), meta, as_of)}</div>"
            f'<div class="pqa-hit-text">{highlight(clause_body(c), terms)}</div>'
            "</div>"
        )
    head = f"共 {len(hits)} 条相关条款{took}，点击查看答复口径"
    return f'<div class="pqa-muted" role="status">{esc(head)}</div>' + "".join(cards)


def policy_tree(policy: Policy, as_of: date | None = None) -> str:
    """The whole policy as nested <details>: sections › subsections › items, each with its text once."""
    meta = policy.meta
    until = cn_date(meta.valid_until) if meta.valid_until else "长期"
    status = validity_tag(meta.in_force(as_of), meta, as_of) if as_of else ""

    def node(clause: Clause, depth: int) -> str:
        children = policy.children(clause.clause_id)
        own = clause_body(clause)
        inner = f'<div class="pqa-tree-text">{esc_lines(own)}</div>' if own else ""
        inner += "".join(node(ch, depth + 1) for ch in children)
        return (
            f'<details class="pqa-tree-node pqa-depth-{depth}" data-clause="{esc(clause.clause_id)}" '
            f'data-key="{esc(clause_key(clause))}"{" open" if depth == 0 and children else ""}>'
            f"<summary>{esc(clause_name(clause))}</summary>{inner}</details>"
        )

    roots = "".join(node(c, 0) for c in policy.children(None))
    return (
        f'<div class="pqa-tree"><div class="pqa-tree-title">《{esc(meta.title)}》{status}</div>'
        f'<div class="pqa-muted">{esc(meta.issuer)}　发布 {cn_date(meta.published)}　'
        f"有效期至 {esc(until)}</div>{roots}</div>"
    )
