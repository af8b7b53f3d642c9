"""The standard reply (答复口径) a hotline operator reads out for one clause.

Built only from the clause text and the rules data (the item's rate/ceiling/amount quotes, its conditions
and notes, the validity rule), so it never states a figure the policy does not. Plain text, meant to be
copied.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from assistant.corpus.model import Clause, Policy


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if obj is None:
        return default
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def items_for_clause(rules: Any, clause_id: str) -> list[Any]:
    """Award items of the rules data that cite ``clause_id``."""
    return [it for it in (_get(rules, "items") or ()) if str(_get(it, "clause")) == clause_id]


def _standard(item: Any) -> list[str]:
    quotes = [_get(_get(item, key), "quote") for key in ("rate", "ceiling", "amount")]
    lines = []
    standard = "；".join(q for q in quotes if q)
    if standard:
        lines.append(f"【支持标准】{standard}。")
    conditions = [str(_get(c, "text")) for c in (_get(item, "conditions") or ()) if _get(c, "text")]
    if conditions:
        lines.append(f"【申报条件】{'；'.join(conditions)}。")
    for key in ("note",):
        if _get(item, key):
            lines.append(f"【说明】{_get(item, key)}")
    stacks = _get(item, "stacks_with")
    if _get(stacks, "note"):
        lines.append(f"【说明】{_get(stacks, 'note')}")
    return lines


def standard_reply(policy: Policy, clause: Clause, rules: Any = None, as_of: date | None = None) -> str:
    """答复口径 for ``clause``: what the clause says, the award standard and conditions, validity, who interprets."""
    meta = policy.meta
    as_of = as_of or date.today()
    name = clause.label if clause.title in clause.label else f"{clause.label}（{clause.title}）"
    if clause.kind == "preamble":
        name = "序言"
    lines = [f"您好！关于您咨询的事项，《{meta.title}》{name}规定：", f"“{clause.text.strip()}”"]
    children = policy.children(clause.clause_id)
    if children:
        lines.append("本部分包括：" + "；".join(c.heading for c in children) + "。")
    for item in items_for_clause(rules, clause.clause_id):
        lines.extend(_standard(item))
    validity = _get(rules, "validity")
    until = meta.valid_until
    span = f"该政策{meta.effective_from_text}" + (f"，有效期至{until.year}年{until.month}月{until.day}日" if until else "")
    source = _get(validity, "clause") or meta.valid_until_clause
    span += f"（第{source}条）。" if source and str(source).isdigit() else "。"
    if not meta.in_force(as_of):
        note = _get(validity, "expired_note") if until and as_of > until else _get(validity, "not_yet_note")
        span += f"截至{as_of.isoformat()}，该政策不在有效期内" + (f"：{note}" if note else "。")
    lines.append(f"【有效期】{span}")
    if meta.interpreter:
        lines.append(f"以上内容以政策原文为准，具体以{meta.interpreter}的解释和申报指南为准。")
    return "\n".join(lines)
