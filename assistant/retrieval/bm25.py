"""The lexical half: BM25 (bm25s) over :mod:`assistant.retrieval.lexicon` tokens, one document per clause.

Kept in memory and rebuilt from the corpus at start-up (milliseconds for a policy; a second for 20 000
clauses), so it can never disagree with the clause texts it was built from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import bm25s
import numpy as np

from assistant.retrieval.lexicon import Analyzer, is_word


@dataclass(frozen=True)
class LexicalScores:
    scores: np.ndarray
    """BM25 score per document (0 where no query token occurs)."""
    query_tokens: tuple[str, ...]


class BM25Index:
    """BM25 over a fixed list of documents (clause texts with their headings)."""

    def __init__(
        self, documents: Sequence[str], analyzer: Analyzer, k1: float = 1.2, b: float = 0.75
    ) -> None:
        self.analyzer = analyzer
        self.doc_tokens: list[frozenset[str]] = []
        token_lists: list[list[str]] = []
        for doc in documents:
            tokens = analyzer.tokens(doc)
            token_lists.append(tokens)
            self.doc_tokens.append(frozenset(tokens))
        self._bm25 = bm25s.BM25(k1=k1, b=b, method="lucene")
        self._bm25.index(token_lists, show_progress=False)
        self._vocab = set(self._bm25.vocab_dict)
        self.size = len(token_lists)

    def score(self, query: str) -> LexicalScores:
        tokens = self.analyzer.query_tokens(query)
        return LexicalScores(self.score_tokens(tokens), tuple(tokens))

    def score_tokens(self, tokens: Sequence[str]) -> np.ndarray:
        """BM25 scores for already analysed tokens (unknown tokens are ignored)."""
        known = [t for t in tokens if t in self._vocab]
        if not known:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)

    def matched_terms(self, query_tokens: Sequence[str], doc_index: int) -> tuple[str, ...]:
        """The query's words found in the document (bigrams only when no whole word matched), longest first."""
        doc = self.doc_tokens[doc_index]
        words = [t for t in dict.fromkeys(query_tokens) if is_word(t) and t in doc]
        # drop a word contained in a longer matched word ('标识' inside '标识解析')
        words = [w for w in words if not any(w != o and w in o for o in words)]
        if not words:
            words = [t[1:] for t in dict.fromkeys(query_tokens) if t.startswith("#") and t in doc]
        return tuple(sorted(words, key=len, reverse=True))
