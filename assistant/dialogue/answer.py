"""An answer as structured parts, rendered per channel.

The first line is the figure, the verdict, the direct answer to a look-up, or the one question the assistant
asks; then the calculation steps once; then the conditions that matter for this case; then anything else
(a clause quoted, a menu). The general notes (申报须知: 一事一议, 先申报后补助, 支持对象…) are kept apart with
their own citations — folded in the UI, printed by the CLI with ``--verbose``; one validity line says when the
policy is not in force. ``citations`` are the clauses the answer rests on, the primary one first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.dialogue.reply import Intent


@dataclass(frozen=True)
class NoteLine:
    """One general note with the clause(s) it comes from."""

    text: str
    clauses: tuple[str, ...]


@dataclass
class Answer:
    intent: Intent
    headline: str
    policy_id: str | None = None
    steps: list[str] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    notes: list[NoteLine] = field(default_factory=list)
    validity: str | None = None
    citations: list[str] = field(default_factory=list)
    """Clause ids the answer rests on, primary first (of ``policy_id``)."""
    citation_line: str = ""
    options: list[str] = field(default_factory=list)
    """Choices the user can click ("区级", "市级", "国家级") when the answer asks a question."""
    amount_yuan: int | None = None
    trace: list[Any] = field(default_factory=list)
    missing_facts: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    eligibility: str | None = None
    extra_evidence: list[str] = field(default_factory=list)
    """Clause ids whose text the answer quotes or relies on without citing them as primary."""
    foreign_citations: list[tuple[str, str]] = field(default_factory=list)
    """(policy id, clause id) cited from other policies than ``policy_id`` (an answer about several)."""
    foreign_evidence: list[tuple[str, str]] = field(default_factory=list)
    matches: list[dict[str, Any]] | None = None

    @property
    def note_citations(self) -> list[str]:
        return list(dict.fromkeys(c for n in self.notes for c in n.clauses))

    def body_lines(self) -> list[str]:
        """The answer without the folded notes: what the chat shows and ``Reply.answer`` holds."""
        lines = [self.headline]
        if self.validity:
            lines.append(f"⚠ {self.validity}")
        if self.steps:
            lines += ["计算过程：", *(f"- {s}" for s in self.steps)]
        if self.conditions:
            lines += ["条件：", *(f"- {c}" for c in self.conditions)]
        lines += self.details
        if self.citation_line:
            lines.append(self.citation_line)
        return [x for x in lines if x]

    def note_lines(self) -> list[str]:
        if not self.notes:
            return []
        return ["申报须知：", *(f"- {n.text}" for n in self.notes)]

    def text(self, verbose: bool = False) -> str:
        return "\n".join(self.body_lines() + (self.note_lines() if verbose else []))


def citation_line(labels: Sequence[str], policy_title: str | None = None) -> str:
    """'依据：第5条 «item title»；一、«section title»' (with the policy's short title when several
    policies are loaded)."""
    if not labels:
        return ""
    where = f"《{policy_title}》" if policy_title else ""
    return f"依据：{where}" + "；".join(dict.fromkeys(labels))
