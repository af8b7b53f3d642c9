"""What a search returns: one :class:`Hit` per retrieved clause, with its score, whether its policy is in force
on the search's date, its lexical evidence, and its rank and raw score in each ranking.

Part of :mod:`assistant.retrieval.retriever`, which re-exports :class:`Hit`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from assistant.corpus import Clause


@dataclass(frozen=True)
class Hit:
    """One retrieved clause."""

    clause: Clause
    score: float
    """The ranking score of the method (hybrid: the fused score)."""
    in_force: bool
    """Whether the clause's policy is in force on the search's as-of date."""
    valid_until: date | None
    matched_terms: tuple[str, ...]
    """The lexical evidence, longest first: query words found in the clause (a synonym's policy word counts), and
    then the question's phrasings of a sense the clause carries ("作废" for the validity clause)."""
    ranks: dict[str, int | None] = field(default_factory=dict)
    """1-based rank of the clause in each ranking ('bm25', 'dense'); None where it was not ranked."""
    scores: dict[str, float] = field(default_factory=dict)
    """Raw scores: 'bm25' (BM25), 'bm25_words' (BM25 of whole words only), 'dense' (cosine of best chunk),
    'learned' (hybrid: the learned reranker's share of the score)."""

    @property
    def clause_id(self) -> str:
        return self.clause.clause_id

    @property
    def policy_id(self) -> str:
        return self.clause.policy_id

    def to_dict(self) -> dict[str, Any]:
        return {
            "policy_id": self.clause.policy_id,
            "clause_id": self.clause.clause_id,
            "label": self.clause.label,
            "title": self.clause.title,
            "path": self.clause.path_str,
            "score": round(self.score, 6),
            "in_force": self.in_force,
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "matched_terms": list(self.matched_terms),
            "ranks": dict(self.ranks),
            "scores": {key: round(value, 4) for key, value in self.scores.items()},
        }
