"""The lexical half: field-weighted BM25 over :mod:`assistant.retrieval.lexicon` tokens, one document per clause.

A clause is described by three fields, because a word means more in some places than in others:

* ``title`` — the clause's own heading ("一、支持对象", "8、加强与大院大所合作"): a question that names the
  heading is about this clause, not about its neighbours;
* ``body`` — the clause's own text;
* ``context`` — the headings above it and, for a heading-only section, the titles of its children. These words
  make "附则" or "大院大所" findable from every clause they cover, but the section itself ("三、附则") or the
  item whose title it is ("8、加强与大院大所合作") must win over the clauses that only inherit them.

Each field is scored by BM25 with its own length normalisation and the clause's IDF (Lucene's formula, counted
over all fields), and the fields are summed with :data:`FIELD_WEIGHTS`. Query tokens carry weights (see
:meth:`~assistant.retrieval.lexicon.Analyzer.weighted_query_tokens`), so a function word or a generic verb adds
little and a policy term adds a lot.

The per-token scores are computed once at start-up (a posting list per token), so a query costs one vector
addition per query token. Kept in memory and rebuilt from the corpus at start-up (milliseconds for a policy;
about a second for 20 000 clauses), so it can never disagree with the clause texts it was built from.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.retrieval.lexicon import Analyzer, is_word

FIELDS: tuple[str, ...] = ("title", "body", "context")
#: A word in the clause's own heading counts one and a half times a word of its text; a word it only inherits
#: from the headings above it (or, for a section, from its children's titles) counts a third.
FIELD_WEIGHTS: dict[str, float] = {"title": 2.0, "body": 1.0, "context": 0.35}


@dataclass(frozen=True)
class LexicalScores:
    scores: np.ndarray
    """BM25 score per document (0 where no query token occurs)."""
    query_tokens: tuple[str, ...]
    weights: tuple[float, ...]
    """The weight of each query token (same order)."""


class BM25Index:
    """Field-weighted BM25 over a fixed list of documents (one dict of field texts per clause)."""

    def __init__(
        self,
        documents: Sequence[Mapping[str, str]],
        analyzer: Analyzer,
        k1: float = 1.2,
        b: float = 0.75,
        field_weights: Mapping[str, float] | None = None,
    ) -> None:
        self.analyzer = analyzer
        self.field_weights = dict(field_weights or FIELD_WEIGHTS)
        self.size = len(documents)
        self.doc_tokens: list[frozenset[str]] = [frozenset() for _ in documents]
        # the IDF is the clause's, over all its fields: a word common in the clauses' texts ("补助") is no rarer
        # for appearing in one heading
        fields = {name: [analyzer.tokens(doc.get(name, "")) for doc in documents] for name in self.field_weights}
        for token_lists in fields.values():
            for d, tokens in enumerate(token_lists):
                self.doc_tokens[d] = self.doc_tokens[d] | frozenset(tokens)
        df = Counter(token for tokens in self.doc_tokens for token in tokens)
        idf = {t: math.log(1 + (self.size - n + 0.5) / (n + 0.5)) for t, n in df.items()}
        postings: dict[str, dict[int, float]] = {}
        for name, token_lists in fields.items():
            weight = self.field_weights[name]
            lengths = np.array([len(t) for t in token_lists], dtype=np.float64)
            if not lengths.sum() or weight <= 0:
                continue
            avg = lengths.mean()
            for d, tokens in enumerate(token_lists):
                norm = k1 * (1 - b + b * lengths[d] / avg)
                for token, tf in Counter(tokens).items():
                    row = postings.setdefault(token, {})
                    row[d] = row.get(d, 0.0) + weight * idf[token] * tf / (tf + norm)
        self._postings: dict[str, tuple[np.ndarray, np.ndarray]] = {
            token: (np.fromiter(row.keys(), np.int64, len(row)), np.fromiter(row.values(), np.float32, len(row)))
            for token, row in postings.items()
        }

    def score(self, query: str) -> LexicalScores:
        weighted = self.analyzer.weighted_query_tokens(query)
        tokens = tuple(t for t, _ in weighted)
        weights = tuple(w for _, w in weighted)
        return LexicalScores(self.score_tokens(tokens, weights), tokens, weights)

    def score_tokens(self, tokens: Sequence[str], weights: Sequence[float] | None = None) -> np.ndarray:
        """BM25 scores for already analysed tokens, each scaled by its weight (unknown tokens are ignored)."""
        scores = np.zeros(self.size, dtype=np.float32)
        for n, token in enumerate(tokens):
            weight = 1.0 if weights is None else weights[n]
            posting = self._postings.get(token)
            if posting is None or weight <= 0:
                continue
            docs, values = posting
            scores[docs] += weight * values
        return scores

    def matched_terms(
        self, query_tokens: Sequence[str], doc_index: int, weights: Sequence[float] | None = None
    ) -> tuple[str, ...]:
        """The query's words found in the document (bigrams only when no whole word matched), longest first.
        Words the query weighting ignores (function words, a single character) are not evidence."""
        doc = self.doc_tokens[doc_index]
        weight = dict(zip(query_tokens, weights, strict=True)) if weights is not None else {}
        candidates = [t for t in dict.fromkeys(query_tokens) if t in doc and weight.get(t, 1.0) > 0]
        words = [t for t in candidates if is_word(t)]
        # drop a word contained in a longer matched word ('标识' inside '标识解析')
        words = [w for w in words if not any(w != o and w in o for o in words)]
        if not words:
            words = [t[1:] for t in candidates if t.startswith("#")]
        return tuple(sorted(words, key=len, reverse=True))
