"""Rankings of the clauses: the methods (BM25, dense, hybrid), a ranking's scores over the clauses it ranks, and
the constants of fusing the two halves (by score, or by reciprocal rank for comparison).

Part of :mod:`assistant.retrieval.retriever`, which re-exports every public name here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

Method = Literal["bm25", "dense", "hybrid"]
METHODS: tuple[Method, ...] = ("bm25", "dense", "hybrid")

#: Score fusion: hybrid = BM25 / best BM25 + DENSE_WEIGHT × dense lift, where the dense lift is a clause's cosine
#: above the median clause, as a share of the best one's (0 … 1). Unlike reciprocal rank fusion this keeps the
#: margins: a clause that BM25 puts far ahead on a rare policy term ("一事一议") stays ahead of one the dense half
#: merely ranks first, while near-ties in BM25 go to the clause the dense half prefers. The dense half weighs
#: less because the small offline models rank these clauses far less well than BM25 does (see the eval table).
DENSE_WEIGHT = 0.1
#: Reciprocal rank fusion, kept for comparison (``fusion="rrf"``): score = Σ 1 / (RRF_K + rank).
RRF_K = 60
Fusion = Literal["score", "rrf"]


@dataclass
class _Ranking:
    scores: np.ndarray
    """Score per clause."""
    valid: np.ndarray
    """Clauses this ranking ranks (BM25: those with a matching token; among the search's candidates)."""

    def rank_of(self, ci: int) -> int | None:
        if not self.valid[ci]:
            return None
        return int(np.count_nonzero(self.valid & (self.scores > self.scores[ci]))) + 1

    def top(self, k: int, tie_break: np.ndarray | None = None) -> np.ndarray:
        """The k best valid clauses, best first (ties to the higher ``tie_break``)."""
        idx = np.flatnonzero(self.valid)
        if not len(idx):
            return idx
        scores = self.scores[idx]
        if k < len(idx):
            # keep every clause tied with the k-th best, then sort those few exactly
            kth = np.partition(-scores, k - 1)[k - 1]
            keep = -scores <= kth
            idx, scores = idx[keep], scores[keep]
        second = tie_break[idx] if tie_break is not None else np.zeros(len(idx))
        order = np.lexsort((idx, -second, -scores))
        return idx[order][:k]

