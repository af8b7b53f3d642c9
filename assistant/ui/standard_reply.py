"""The standard reply (答复口径) a hotline operator reads out for one clause — the same structure as the chat's
answers, short enough to read out.

First line: for an award item, what it gives ("第6条 推进标识解析体系：可获一次性资助200万元（符合条件的）"),
from the calculator's bounds (:func:`~assistant.rules.max_award`) and the item's own conditions; for any other
clause, its text without the heading. Then the 条件 (the item's own), 须知 (the item's notes, and the clauses
whose conditions every applicant must meet, named once), ONE validity line when the policy is not in force on
the chosen date (:func:`~assistant.corpus.validity.validity_notice`, the wording every layer uses) and the
依据 line. Built only from the clause text and the rules data, so it never states a figure the policy does not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from assistant.corpus.dates import cn_date
from assistant.corpus.model import Clause, Policy
from assistant.corpus.validity import validity_notice
from assistant.ui.render import clause_body, clause_name


@dataclass
class StandardReply:
    """答复口径 as parts; :meth:`text` is what the operator copies and reads."""

    headline: str
    conditions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    validity: str | None = None
    basis: str = ""

    def lines(self) -> list[str]:
        out = [self.headline]
        if self.validity:
            out.append(f"⚠ {self.validity}")
        if self.conditions:
            out.append("条件：" + "；".join(self.conditions) + "。")
        if self.notes:
            out.append("须知：" + "".join(n if n.endswith("。") else n + "。" for n in self.notes))
        if self.basis:
            out.append(self.basis)
        return out

    def text(self) -> str:
        return "\n".join(self.lines())


def _items(rules: Any, clause_id: str) -> list[Any]:
    """Award items of the rules data that cite ``clause_id``."""
    return [it for it in (getattr(rules, "items", None) or ()) if str(it.clause) == clause_id]


def _general_clauses(rules: Any, policy: Policy) -> list[str]:
    """Labels of the clauses whose conditions every applicant must meet (一、支持对象, 第14条 …)."""
    labels = []
    for group in rules.groups_for(None) if rules is not None else ():
        if policy.has_clause(group.clause):
            labels.append(policy.clause(group.clause).label)
    return labels


def _item_reply(rules: Any, policy: Policy, item: Any, as_of: date) -> StandardReply:
    from assistant.rules import max_award

    best = max_award(rules, item.id, as_of)
    figure = best.text.removeprefix("最高")
    verb = "可获" if item.entitlement and figure == best.text else "最高可获"
    once = "（一次性）" if item.once else ""
    headline = f"{item.label} {item.title}：{verb}{figure}{once}。"
    conditions = [c.text for c in item.conditions]
    notes = [n.text for n in item.notes]
    general = [label for label in _general_clauses(rules, policy) if label != item.label]
    if general:
        notes.append(f"申报单位还须符合{'、'.join(general)}的规定")
    return StandardReply(headline, conditions, notes)


def standard_reply_parts(policy: Policy, clause: Clause, rules: Any = None, as_of: date | None = None) -> StandardReply:
    as_of = as_of or date.today()
    items = _items(rules, clause.clause_id)
    children = policy.children(clause.clause_id)
    if items:
        reply = _item_reply(rules, policy, items[0], as_of)
    elif children:
        reply = StandardReply(f"{clause_name(clause)}包括：" + "；".join(clause_name(c) for c in children) + "。")
    else:
        body = clause_body(clause) or clause.text.strip()
        reply = StandardReply(f"{clause_name(clause)}：{body}")
    reply.validity = validity_notice(policy.meta, as_of)
    if reply.validity is None:  # (the validity line already names the issuer's guide)
        if items and policy.meta.valid_until is not None:
            reply.notes.append(f"本政策有效期至{cn_date(policy.meta.valid_until)}")
        reply.notes.append(f"具体以{policy.meta.interpreter or policy.meta.issuer}的申报指南为准")
    reply.basis = f"依据：《{policy.meta.name}》{clause_name(clause)}"
    return reply


def standard_reply(policy: Policy, clause: Clause, rules: Any = None, as_of: date | None = None) -> str:
    """答复口径 for ``clause`` as plain text (what the hotline tab shows and copies)."""
    return standard_reply_parts(policy, clause, rules, as_of).text()
