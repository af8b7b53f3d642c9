"""What the assistant returns for one user turn: the answer text plus everything it rests on.

The same :class:`Reply` feeds the CLI (``--json``), the Gradio UI (citations, computation table,
validity banner), the SQLite log and the eval suite. Citations are the clause ids of the evidence the
answer used — built from clause ids carried with the evidence, never typed by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from assistant.corpus.model import Clause

Intent = Literal["award", "eligibility", "lookup", "match", "out_of_scope", "clarify"]
INTENTS: tuple[Intent, ...] = ("award", "eligibility", "lookup", "match", "out_of_scope", "clarify")


@dataclass(frozen=True)
class Citation:
    """One cited clause, as shown under an answer ("第5条 «item title»")."""

    policy_id: str
    clause_id: str
    label: str
    title: str
    path: str
    text: str

    @classmethod
    def of(cls, clause: Clause) -> Citation:
        return cls(clause.policy_id, clause.clause_id, clause.label, clause.title, clause.path_str, clause.text)

    @property
    def display(self) -> str:
        return self.label if self.label.endswith(self.title) else f"{self.label} {self.title}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "policy_id": self.policy_id,
            "clause_id": self.clause_id,
            "label": self.label,
            "title": self.title,
            "path": self.path,
            "text": self.text,
        }


@dataclass
class Reply:
    """The assistant's reply to one user turn."""

    answer: str
    intent: Intent
    as_of: date
    citations: list[Citation] = field(default_factory=list)
    amount_yuan: int | None = None
    in_force: bool | None = None
    """Whether the policy the answer is about is in force on ``as_of`` (None when no policy is involved)."""
    trace: list[Any] = field(default_factory=list)
    """Calculator steps (``description``, ``amount_yuan``, ``clause``) behind ``amount_yuan``."""
    missing_facts: list[str] = field(default_factory=list)
    """Fact names still needed; when non-empty, ``answer`` is one short question asking for them."""
    evidence: list[Clause] = field(default_factory=list)
    """Every clause the answer rests on (a superset of the citations' clauses)."""
    policy_id: str | None = None
    validity_notice: str | None = None
    """A plain sentence when the policy is not in force on ``as_of``; shown as a banner in the UI."""
    items: list[str] = field(default_factory=list)
    """Award items (clause ids) the answer is about."""
    eligibility: str | None = None
    """For eligibility answers: 'eligible' | 'ineligible' | 'needs_info' | 'to_confirm'."""
    headline: str = ""
    """The first line: the figure, the verdict, the direct answer or the one question asked."""
    notes: list[str] = field(default_factory=list)
    """申报须知: general notes, each with its clause label (folded in the UI, ``--verbose`` in the CLI)."""
    note_citations: list[Citation] = field(default_factory=list)
    options: list[str] = field(default_factory=list)
    """Choices for the question the answer asks (shown as buttons)."""
    parts: dict[str, Any] = field(default_factory=dict)
    """The answer's structured parts (steps, conditions, details, citation line) for other renderings."""
    action: str = ""
    reason: str = ""
    matches: list[dict[str, Any]] | None = None

    def text(self, verbose: bool = False) -> str:
        """The answer, with the 申报须知 notes when ``verbose``."""
        if not verbose or not self.notes:
            return self.answer
        return "\n".join([self.answer, "申报须知：", *(f"- {n}" for n in self.notes)])

    @property
    def citation_ids(self) -> list[str]:
        return [c.clause_id for c in self.citations]

    def to_dict(self) -> dict[str, Any]:
        return {
            "answer": self.answer,
            "intent": self.intent,
            "as_of": self.as_of.isoformat(),
            "policy_id": self.policy_id,
            "citations": self.citation_ids,
            "citation_details": [c.to_dict() for c in self.citations],
            "amount_yuan": self.amount_yuan,
            "in_force": self.in_force,
            "validity_notice": self.validity_notice,
            "trace": [_step_dict(s) for s in self.trace],
            "missing_facts": list(self.missing_facts),
            "items": list(self.items),
            "eligibility": self.eligibility,
            "evidence": [c.clause_id for c in self.evidence],
            "headline": self.headline,
            "notes": list(self.notes),
            "note_citations": [c.clause_id for c in self.note_citations],
            "options": list(self.options),
            "action": self.action,
            "reason": self.reason,
            **({"matches": self.matches} if self.matches is not None else {}),
        }


def _step_dict(step: Any) -> dict[str, Any]:
    if hasattr(step, "to_dict"):
        return dict(step.to_dict())
    return {"description": step.description, "amount_yuan": step.amount_yuan, "clause": step.clause}
