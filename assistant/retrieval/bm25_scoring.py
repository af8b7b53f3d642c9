"""Reading the BM25 index: document statistics (live documents, document frequency, IDF, length normalisation),
the weighted scores of a question, and the query words a document holds.

:class:`BM25Scoring` is the base of :class:`~assistant.retrieval.bm25.BM25Index`, which builds, grows and saves
the postings this reads; :class:`LexicalScores` is what a question's scoring returns. Both are re-exported by
:mod:`assistant.retrieval.bm25`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.retrieval.bm25_segments import _Segment
from assistant.retrieval.chinese_text import is_word
from assistant.retrieval.lexicon import Analyzer


def is_evidence(token: str) -> bool:
    """Whole words and senses: what says a question is about the policy (character bigrams alone do not)."""
    return is_word(token) or token.startswith("<sense:")


@dataclass(frozen=True)
class LexicalScores:
    scores: np.ndarray
    """BM25 score per document (0 where no query token occurs)."""
    query_tokens: tuple[str, ...]
    weights: tuple[float, ...]
    """The weight of each query token (same order)."""
    evidence: np.ndarray | None = None
    """The part of ``scores`` that whole words and senses make (no character or pinyin bigrams)."""
    postings: dict[str, np.ndarray] | None = None
    """The live documents holding each query token (sorted ids), for the matched terms of a hit."""

    def holds(self, doc_index: int, token: str) -> bool:
        docs = (self.postings or {}).get(token)
        if docs is None:
            return False
        i = int(np.searchsorted(docs, doc_index))
        return i < len(docs) and int(docs[i]) == doc_index

    def query_tokens_and_weights(self) -> tuple[tuple[str, ...], tuple[float, ...]]:
        return self.query_tokens, self.weights


class BM25Scoring:
    """Statistics and scores over the postings of a :class:`~assistant.retrieval.bm25.BM25Index` (which sets
    every attribute declared here)."""

    analyzer: Analyzer
    k1: float
    specificity: float
    vocab: dict[str, int]
    _weights: np.ndarray
    _b: np.ndarray
    _segments: list[_Segment]
    _lengths: np.ndarray
    _alive: np.ndarray
    _all_alive: bool
    _norm_cache: tuple[np.ndarray, np.ndarray, np.ndarray] | None

    @property
    def size(self) -> int:
        """Document ids handed out so far (dead ones included: ids are never reused)."""
        return len(self._alive)

    @property
    def live(self) -> int:
        return int(self._alive.sum())

    # -- statistics ---------------------------------------------------------------------------------------------
    def _postings(self, token: str) -> tuple[np.ndarray, np.ndarray] | None:
        tid = self.vocab.get(token)
        if tid is None:
            return None
        parts = [p for seg in self._segments if (p := seg.posting(tid)) is not None]
        if not parts:
            return None
        if len(parts) == 1:
            docs, tf = parts[0]
        else:
            docs, tf = np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
        if not self._all_alive:
            alive = self._alive[docs]
            docs, tf = docs[alive], tf[alive]
        return (docs, tf) if len(docs) else None

    def document_frequency(self, token: str) -> int:
        """How many live documents hold the token (in any field)."""
        posting = self._postings(token)
        return 0 if posting is None else len(posting[0])

    def idf(self, df: int) -> float:
        n = self.live
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    # -- scoring ------------------------------------------------------------------------------------------------
    def score(self, query: str) -> LexicalScores:
        """Scores of a question: its weighted tokens, each weight scaled by the token's specificity in the clauses."""
        weighted = self.analyzer.weighted_query_tokens(query)
        tokens = tuple(t for t, _ in weighted)
        postings = {t: self._postings(t) for t in dict.fromkeys(tokens)}
        weights = tuple(w * self._specific(postings[t]) for t, w in weighted)
        evidence = np.zeros(self.size, dtype=np.float32)
        scores = self.score_tokens(tokens, weights, postings, evidence=evidence)
        docs = {t: p[0] for t, p in postings.items() if p is not None}
        return LexicalScores(scores, tokens, weights, evidence, docs)

    def _specific(self, posting: tuple[np.ndarray, np.ndarray] | None) -> float:
        if posting is None or not self.specificity or not self.live:
            return 1.0
        return (self.idf(len(posting[0])) / self.idf(1)) ** self.specificity

    def specific(self, token: str) -> float:
        """(IDF / highest IDF) ** specificity: 1 for a token in one clause, near 0 for one in almost all."""
        if not self.specificity or not self.live:
            return 1.0
        df = self.document_frequency(token)
        if df == 0:
            return 1.0
        return (self.idf(df) / self.idf(1)) ** self.specificity

    def score_tokens(
        self,
        tokens: Sequence[str],
        weights: Sequence[float] | None = None,
        postings: Mapping[str, tuple[np.ndarray, np.ndarray] | None] | None = None,
        evidence: np.ndarray | None = None,
    ) -> np.ndarray:
        """BM25 scores for already analysed tokens, each scaled by its weight (unknown tokens are ignored).
        ``evidence``, when given, also receives the contributions of whole words and senses."""
        scores = np.zeros(self.size, dtype=np.float32)
        if not self.live:
            return scores
        norms = self._norms()
        combined: dict[str, float] = {}
        for n, token in enumerate(tokens):
            weight = 1.0 if weights is None else weights[n]
            if weight > 0:
                combined[token] = combined.get(token, 0.0) + weight
        for token, weight in combined.items():
            posting = postings[token] if postings is not None and token in postings else self._postings(token)
            if posting is None:
                continue
            docs, tf = posting
            freq = tf.astype(np.float32)
            norm = norms[docs]
            per_field = freq / (freq + norm)
            contribution = weight * self.idf(len(docs)) * (per_field @ self._weights)
            scores[docs] += contribution
            if evidence is not None and is_evidence(token):
                evidence[docs] += contribution
        return scores

    def _norms(self) -> np.ndarray:
        """BM25's length normalisation per document and field, for the live documents' average lengths (computed
        once per state of the index: ``add`` and ``remove`` replace the arrays it is keyed on)."""
        cache = self._norm_cache
        if cache is None or cache[0] is not self._lengths or cache[1] is not self._alive:
            average = self._lengths[self._alive].mean(axis=0)
            average[average == 0] = 1.0
            norms = (self.k1 * (1 - self._b + self._b * self._lengths / average)).astype(np.float32)
            cache = self._norm_cache = (self._lengths, self._alive, norms)
        return cache[2]

    def has_token(self, doc_index: int, token: str) -> bool:
        posting = self._postings(token)
        if posting is None:
            return False
        docs = posting[0]
        i = int(np.searchsorted(docs, doc_index))
        return i < len(docs) and int(docs[i]) == doc_index

    def matched_terms(
        self,
        query_tokens: Sequence[str],
        doc_index: int,
        weights: Sequence[float] | None = None,
        lexical: LexicalScores | None = None,
    ) -> tuple[str, ...]:
        """The query's words found in the document (bigrams only when no whole word matched), longest first.
        Words the query weighting ignores (function words, a single character) are not evidence."""
        weight = dict(zip(query_tokens, weights, strict=True)) if weights is not None else {}
        holds = lexical.holds if lexical is not None and lexical.postings is not None else None
        candidates = [
            t
            for t in dict.fromkeys(query_tokens)
            if weight.get(t, 1.0) > 0 and (holds(doc_index, t) if holds else self.has_token(doc_index, t))
        ]
        words = [t for t in candidates if is_word(t)]
        # drop a word contained in a longer matched word ('标识' inside '标识解析')
        words = [w for w in words if not any(w != o and w in o for o in words)]
        if not words:
            words = [t[1:] for t in candidates if t.startswith("#")]
        return tuple(sorted(words, key=len, reverse=True))
