"""What every answer needs: the context of the turn, the policy's labels, the validity line, the notes.

The wording that names the policy (its short title, when several are loaded) and the one validity line live
here, so every answer says them the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from assistant.corpus import Policy
from assistant.dialogue.answer import NoteLine, citation_line
from assistant.dialogue.domain import Domain
from assistant.dialogue.next_action import Action
from assistant.dialogue.state import DialogueState, Observation


@dataclass(frozen=True)
class Context:
    """One turn, as the answer sees it."""

    domain: Domain
    state: DialogueState
    obs: Observation
    action: Action

    @property
    def policy_id(self) -> str:
        pid = self.action.policy_id or self.state.policy_id
        return pid or self.domain.policy_ids[0]

    @property
    def policy(self) -> Policy:
        return self.domain.policy(self.policy_id)

    @property
    def rules(self) -> Any:
        return self.domain.rules.get(self.policy_id)

    @property
    def as_of(self) -> date:
        return self.state.as_of

    @property
    def in_force(self) -> bool:
        return self.policy.meta.in_force(self.as_of)

    def label(self, clause_id: str) -> str:
        return self.domain.label(self.policy_id, clause_id)

    def named(self, label: str) -> str:
        """'第5条', or '《…》第5条' when several policies are loaded (every answer names its policy then)."""
        return f"{short_title(self.policy)}{label}" if self.domain.several else label

    def citation(self, clause_ids: Sequence[str]) -> str:
        labels = [self.cite_label(c) for c in dict.fromkeys(clause_ids)]
        return citation_line(labels, short_title(self.policy).strip("《》") if self.domain.several else None)

    def cite_label(self, clause_id: str) -> str:
        clause = self.domain.clause(self.policy_id, clause_id)
        if clause is None:
            return clause_id
        if clause.kind in ("item", "article") and clause.title and not clause.label.endswith(clause.title):
            return f"{clause.label} {clause.title}"
        return clause.label


def short_title(policy: Policy) -> str:
    """The policy's short title as its metadata gives it (``short_title``), else its full title, in 《》."""
    return f"《{getattr(policy.meta, 'short_title', None) or policy.meta.title}》"


def _date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def validity_line(policy: Policy, as_of: date) -> str | None:
    """The one sentence said when the policy is not in force on ``as_of`` (None while it is)."""
    meta = policy.meta
    if meta.in_force(as_of):
        return None
    if as_of < meta.effective_from:
        return (f"{short_title(policy)}自{_date(meta.effective_from)}起施行，测算日（{_date(as_of)}）尚未生效；"
                "以下按原文说明，仅供参考。")
    assert meta.valid_until is not None
    return (f"{short_title(policy)}有效期至{_date(meta.valid_until)}，测算日（{_date(as_of)}）已不在有效期内；"
            f"以下按原文说明，仅供参考，请以{meta.issuer}最新发布的政策为准。")


def validity_clause(policy: Policy) -> str | None:
    clause = policy.meta.valid_until_clause
    return clause if clause and policy.has_clause(clause) else None


def with_validity(ctx: Context, citations: list[str]) -> tuple[str | None, list[str]]:
    """The validity line and the citations with the clause that sets the validity added when it is said."""
    line = validity_line(ctx.policy, ctx.as_of)
    clause = validity_clause(ctx.policy)
    if line and clause and clause not in citations:
        citations = [*citations, clause]
    return line, citations


def note_lines(ctx: Context, notes: Iterable[Any], skip_kinds: Iterable[str] = ("validity",)) -> list[NoteLine]:
    """Calculator/eligibility notes as 申报须知 lines, each once, with its clause label."""
    skip = set(skip_kinds)
    validity = validity_clause(ctx.policy)
    out: dict[str, list[str]] = {}
    for note in notes:
        kind = getattr(note, "kind", None)
        if kind in skip or (kind is None and note.clause == validity):
            continue
        out.setdefault(note.text, []).append(note.clause)
    return [
        NoteLine(f"{text}（{'、'.join(ctx.label(c) for c in dict.fromkeys(clauses))}）", tuple(dict.fromkeys(clauses)))
        for text, clauses in out.items()
    ]


def applicant_note(ctx: Context) -> list[NoteLine]:
    """Who may apply at all (支持对象, 取消资格), in the policy's own words, as a note."""
    rules = ctx.rules
    if rules is None:
        return []
    lines: list[NoteLine] = []
    for name in ("applicant", "disqualification"):
        group = getattr(rules, name, None)
        if group is not None and getattr(group, "quote", None):
            lines.append(NoteLine(f"{group.quote}（{ctx.label(group.clause)}）", (group.clause,)))
    return lines
