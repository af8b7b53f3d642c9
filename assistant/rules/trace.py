"""The structured trace of a computation and the notes an answer must carry.

A :class:`TraceStep` is data — its kind, the figures it used, the amount after it and the clause it rests
on; its Chinese ``description`` is made by :mod:`assistant.rules.wording`. A :class:`Note` says something
the answer must say besides the figure, with its clause and its kind (validity | item | condition | general)
so answers can fold general notes apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from assistant.rules.wording import NoteKind, StepKind, describe


@dataclass(frozen=True)
class TraceStep:
    """One step of a computation: what was done, with which figures, the amount after it, its clause."""

    kind: StepKind
    description: str
    amount_yuan: int | None
    clause: str
    label: str = ""
    """The clause's label in the policy's numbering ('第5条', '第三条')."""
    figures: Mapping[str, Any] = field(default_factory=dict)
    """The numbers the step used (``*_yuan`` in yuan, rates as written: '30%')."""

    @property
    def step(self) -> StepKind:
        """The step kind (the older name of ``kind``)."""
        return self.kind

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "step": self.kind,
            "description": self.description,
            "amount_yuan": self.amount_yuan,
            "clause": self.clause,
            "label": self.label,
            "figures": dict(self.figures),
        }


@dataclass(frozen=True)
class Note:
    """Something the answer must say besides the figure, with the clause it comes from."""

    text: str
    clause: str
    kind: NoteKind = "general"
    label: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "clause": self.clause, "kind": self.kind, "label": self.label}


def make_step(
    kind: StepKind,
    amount: int | None,
    clause: str,
    label: str,
    figures: Mapping[str, Any] | None = None,
    words: Mapping[str, Any] | None = None,
    variant: str | None = None,
    prefix: str = "",
) -> TraceStep:
    """A step whose description is written from its kind, figures and words (``label`` is always there)."""
    figs = dict(figures or {})
    if amount is not None:
        figs.setdefault("amount_yuan", amount)
    text = prefix + describe(kind, variant, figs, {"label": label, **(words or {})})
    return TraceStep(kind, text, amount, clause, label, figs)
