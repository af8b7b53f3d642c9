"""What every answer needs: the context of the turn, the policy's labels, the validity line, the notes.

The wording that names the policy (its short title, when several are loaded) and the one validity line live
here, so every answer says them the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from assistant.corpus import Clause, Policy
from assistant.corpus.validity import validity_notice
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


def label_and_title(clause: Clause) -> str:
    """"第5条 推广…", or the label alone when it already holds the title ("（一）支持推进…")."""
    return clause.label if clause.title and clause.title in clause.label else f"{clause.label} {clause.title}"


def short_title(policy: Policy) -> str:
    """The policy's short title as its metadata gives it (else its full title), in 《》."""
    return f"《{policy.meta.name}》"


def validity_line(policy: Policy, as_of: date) -> str | None:
    """The one sentence said when the policy is not in force on ``as_of`` (None while it is)."""
    return validity_notice(policy.meta, as_of)


def validity_clause(policy: Policy) -> str | None:
    clause = policy.meta.valid_until_clause
    return clause if clause and policy.has_clause(clause) else None


def interpreter_clause(policy: Policy) -> Clause | None:
    """The clause that names the body interpreting the policy (``meta.interpreter``), if the text has one."""
    body = policy.meta.interpreter
    return next((c for c in policy.clauses if body and body in c.text and "解释" in c.text), None)


def with_validity(ctx: Context, citations: list[str]) -> tuple[str | None, list[str]]:
    """The validity line and the citations with the clause that sets the validity added when it is said."""
    line = validity_line(ctx.policy, ctx.as_of)
    clause = validity_clause(ctx.policy)
    if line and clause and clause not in citations:
        citations = [*citations, clause]
    return line, citations


def note_lines(ctx: Context, notes: Iterable[Any], skip_kinds: Iterable[str] = ("validity", "condition")) -> list[NoteLine]:
    """Calculator/eligibility notes as 申报须知 lines, each once, with its clause label. The validity line and
    the item's own conditions are said elsewhere in the answer, so they are not repeated here."""
    skip = set(skip_kinds)
    out: dict[str, list[str]] = {}
    for note in notes:
        if getattr(note, "kind", None) in skip:
            continue
        out.setdefault(note.text, []).append(note.clause)
    return [
        NoteLine(f"{text}（{'、'.join(ctx.label(c) for c in dict.fromkeys(clauses))}）", tuple(dict.fromkeys(clauses)))
        for text, clauses in out.items()
    ]


def applicant_note(ctx: Context, item_id: str | None) -> list[NoteLine]:
    """Who may apply (the condition groups that govern the item: 支持对象, 取消资格), in the policy's words."""
    rules = ctx.rules
    if rules is None:
        return []
    return [
        NoteLine(f"{g.quote}（{ctx.label(g.clause)}）", (g.clause,)) for g in rules.groups_for(item_id) if g.quote
    ]


def resume_line(ctx: Context) -> str:
    """A reminder of the question the assistant is still waiting for, if any (after a refusal, a side look-up…)."""
    req, goal = ctx.state.requested, ctx.state.goal
    if req is None or req.kind != "fact" or goal is None or req.fact is None:
        return ""
    spec = ctx.domain.fact_spec(ctx.policy_id, req.fact)
    return f"如需继续刚才的测算，请告诉我：{spec.question}" if spec is not None else ""
