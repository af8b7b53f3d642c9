"""Searching the retriever's current state: the BM25 and dense rankings, their fusion, the hits with their
evidence, and the relevance floor.

:class:`Searcher` is the base of :class:`~assistant.retrieval.retriever.Retriever`, which builds and updates the
state and sets every attribute declared here.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, Literal

import numpy as np

from assistant.config import Settings
from assistant.corpus import Clause, Corpus
from assistant.errors import InputError
from assistant.retrieval.blas import blas_threads
from assistant.retrieval.bm25 import BM25Index, LexicalScores
from assistant.retrieval.chroma_index import ChromaIndex
from assistant.retrieval.embedders import Embedder
from assistant.retrieval.hits import Hit
from assistant.retrieval.learned import lexical_gate
from assistant.retrieval.lexicon import Analyzer, normalise
from assistant.retrieval.memory_store import MemoryStore
from assistant.retrieval.parts import asked_part, prefer_common_part, prefer_named_part, prefer_placed_part
from assistant.retrieval.ranking import METHODS, RRF_K, Fusion, Method, _Ranking
from assistant.retrieval.records import Record
from assistant.retrieval.relevance import RelevanceFloor
from assistant.retrieval.search_state import _State
from assistant.retrieval.vocabulary import place_tokens


class Searcher:
    """Search, rank and the relevance floor over the state of a
    :class:`~assistant.retrieval.retriever.Retriever`."""

    settings: Settings
    index: ChromaIndex | MemoryStore
    embedder: Embedder
    dense_backend: Literal["memory", "chroma"]
    dense_weight: float
    fusion: Fusion
    collection: str
    floor: RelevanceFloor
    _state: _State
    _lock: threading.Lock
    _query_vectors: dict[str, np.ndarray]

    # -- state ----------------------------------------------------------------------------------------------------
    @property
    def corpus(self) -> Corpus:
        return self._state.corpus

    @property
    def analyzer(self) -> Analyzer:
        return self._state.analyzer

    @property
    def bm25(self) -> BM25Index:
        return self._state.bm25

    @property
    def clauses(self) -> list[Clause]:
        """The live clauses, in index order."""
        state = self._state
        return [c for c, alive in zip(state.clauses, state.alive, strict=True) if alive]

    @property
    def records(self) -> list[Record]:
        state = self._state
        if bool(state.alive.all()):
            return list(state.records)
        return [r for r, ci in zip(state.records, state.record_clause, strict=True) if state.alive[ci]]

    def clear_caches(self) -> None:
        """Forget cached query vectors and query analyses (benchmarks: every question as if new)."""
        self._query_vectors.clear()
        self._state.analyzer._match_cache.clear()
        recent = getattr(self.embedder, "recent", None)
        if recent is not None:
            recent.clear()

    # -- rankings -----------------------------------------------------------------------------------------------
    def embed_query(self, query: str) -> np.ndarray:
        """The query's vector (abbreviations and English terms expanded), cached per query text."""
        text = self.analyzer.expand_query(normalise(query))
        vector = self._query_vectors.get(text)
        if vector is None:
            vector = self.embedder.encode([text])[0]
            with self._lock:
                if len(self._query_vectors) > 4096:
                    self._query_vectors.clear()
                self._query_vectors[text] = vector
        return vector

    def _dense(self, state: _State, query: str, candidates: np.ndarray, policy_ids: Sequence[str] | None) -> _Ranking:
        vector = self.embed_query(query)
        if self.dense_backend == "chroma":
            # Chroma's approximate nearest neighbours: enough records for the top clauses, not all of them
            sims = np.full(len(state.clauses), -1.0, dtype=np.float32)
            where = {"policy_id": {"$in": list(policy_ids)}} if policy_ids else None
            position = {r.id: i for i, r in enumerate(state.records)}
            valid = np.zeros(len(state.clauses), dtype=bool)
            for rid, sim in self.index.query(self.collection, vector, min(len(state.records), 100), where):
                if rid not in position:
                    continue
                ci = int(state.record_clause[position[rid]])
                sims[ci] = max(sims[ci], sim)
                valid[ci] = True
            return _Ranking(sims, valid & candidates)
        if not len(state.records):
            return _Ranking(np.zeros(0, dtype=np.float32), np.zeros(0, dtype=bool))
        with blas_threads(self.settings.embed_threads):
            # one matrix-vector product: more BLAS threads only wait for each other on a shared CPU
            record_sims = state.vectors @ vector
        sims = np.maximum.reduceat(record_sims, state.first_record).astype(np.float32)
        return _Ranking(sims, candidates.copy())

    def _lexical(self, state: _State, query: str, candidates: np.ndarray) -> tuple[_Ranking, LexicalScores, np.ndarray]:
        lexical = state.bm25.score(query)
        scores = lexical.scores
        # the floor's lexical evidence: whole words and senses (a caller's "还能用吗" is about the policy as
        # surely as its words are), not character or pinyin bigrams
        word_scores = lexical.evidence if lexical.evidence is not None else np.zeros_like(scores)
        return _Ranking(scores, candidates & (scores > 0)), lexical, word_scores

    def _fuse(self, lexical: _Ranking, dense: _Ranking, candidates: np.ndarray) -> _Ranking:
        if self.fusion == "rrf":
            return self._fuse_rrf(lexical, dense, candidates)
        fused = np.zeros(len(candidates), dtype=np.float64)
        if candidates.any():
            lex = lexical.scores.astype(np.float64)
            best = float(lex[candidates].max(initial=0.0))
            if best > 0:
                fused = np.where(candidates, lex / best, 0.0)
            sims = dense.scores.astype(np.float64)
            median = float(np.median(sims[candidates]))
            spread = float(sims[candidates].max()) - median
            if spread > 0:
                fused += self.dense_weight * np.clip((sims - median) / spread, 0.0, 1.0)
        return _Ranking(fused.astype(np.float32), candidates.copy())

    def _fuse_rrf(self, lexical: _Ranking, dense: _Ranking, candidates: np.ndarray) -> _Ranking:
        """Reciprocal rank fusion of the two rankings (clauses a ranking omits get no share from it)."""
        fused = np.zeros(len(candidates), dtype=np.float64)
        for ranking in (lexical, dense):
            order = ranking.top(int(ranking.valid.sum()))
            fused[order] += 1.0 / (RRF_K + np.arange(1, len(order) + 1))
        return _Ranking(fused.astype(np.float32), candidates.copy())

    def rank(self, query: str, methods: Sequence[Method] = METHODS) -> dict[str, list[Hit]]:
        """Every clause ranked by each method (no k, no filter): for evaluation and calibration."""
        query = self._check(query)
        return dict(self._search(self._state, query, len(self._state.clauses), None, None, methods))

    def search(
        self,
        query: str,
        k: int = 5,
        as_of: date | None = None,
        policy_id: str | Iterable[str] | None = None,
        method: Method = "hybrid",
    ) -> list[Hit]:
        """The ``k`` best clauses for ``query``, best first. ``policy_id`` restricts to one policy or to several
        (any iterable of ids); ``as_of`` (default: today) sets each hit's ``in_force``."""
        query = self._check(query)
        state = self._state
        ids: tuple[str, ...] | None = None
        if policy_id is not None:
            ids = (policy_id,) if isinstance(policy_id, str) else tuple(dict.fromkeys(policy_id))
            for pid in ids:
                state.corpus.policy(pid)  # raises PolicyNotFound with a Chinese message
        return self._search(state, query, k, as_of, ids, (method,))[method]

    def search_many(self, queries: Sequence[str], k: int = 5, **kwargs: Any) -> list[list[Hit]]:
        return [self.search(q, k, **kwargs) for q in queries]

    def _check(self, query: str) -> str:
        query = (query or "").strip()
        if not query:
            raise InputError("请输入要检索的问题。")
        if len(query) > self.settings.max_question_chars:
            raise InputError(
                f"问题太长了（{len(query)} 字），请控制在 {self.settings.max_question_chars} 字以内。"
            )
        return query

    def _candidates(self, state: _State, policy_ids: Sequence[str] | None) -> np.ndarray:
        if not policy_ids:
            return state.alive.copy()
        wanted = np.array([state.policy_ids[p] for p in policy_ids if p in state.policy_ids], dtype=np.int32)
        return state.alive & np.isin(state.clause_policy, wanted)

    def _search(
        self,
        state: _State,
        query: str,
        k: int,
        as_of: date | None,
        policy_ids: Sequence[str] | None,
        methods: Sequence[Method],
    ) -> dict[str, list[Hit]]:
        as_of = as_of or date.today()
        candidates = self._candidates(state, policy_ids)
        lexical, query_tokens, word_scores = self._lexical(state, query, candidates)
        dense = self._dense(state, query, candidates, policy_ids) if any(m != "bm25" for m in methods) else None
        norm = normalise(query)
        senses = {t: p for p, tokens in state.analyzer.matches(norm).senses for t in tokens}
        places = {p for t, p in senses.items() if t in place_tokens(state.analyzer.vocabulary)}
        out: dict[str, list[Hit]] = {}
        boost: np.ndarray | None = None
        for method in methods:
            tie_break = None
            if method == "bm25":
                ranking = lexical
            elif method == "dense":
                assert dense is not None
                ranking = dense
            else:
                assert dense is not None
                ranking = self._fuse(lexical, dense, candidates)
                if state.learned is not None and not state.learned.empty:
                    gate = lexical_gate(lexical.scores[candidates])  # a decisive word outweighs the question's form
                    boost = np.where(candidates, gate * state.learned.scores(query, self.embed_query(query)), 0.0)
                    ranking = _Ranking((ranking.scores + boost).astype(np.float32), ranking.valid)
                tie_break = dense.scores  # ties (e.g. clauses BM25 does not score) go to the dense score
            hits = [
                self._hit(state, int(i), float(ranking.scores[i]), lexical, dense, query_tokens, word_scores, senses, as_of)
                for i in ranking.top(max(k, 4) if method == "hybrid" else k, tie_break)
            ]
            if method == "hybrid":
                hits = prefer_placed_part(prefer_common_part(prefer_named_part(hits)), places, state.parent_of)
                asked = asked_part(hits, state.analyzer.parts, norm, places)
                if (part := state.clause_index.get(asked) if asked else None) is not None and candidates[part]:
                    first = self._hit(state, part, float(ranking.scores[part]), lexical, dense, query_tokens,
                                      word_scores, senses, as_of)
                    hits = [first, *[h for h in hits if h.clause is not first.clause]]
                if boost is not None:
                    for hit in hits:  # the learned share of each hit's score
                        hit.scores["learned"] = float(boost[state.clause_index[(hit.policy_id, hit.clause_id)]])
            out[method] = hits[:k]
        return out

    def _hit(
        self,
        state: _State,
        ci: int,
        score: float,
        lexical: _Ranking,
        dense: _Ranking | None,
        query_tokens: LexicalScores,
        word_scores: np.ndarray,
        senses: dict[str, str],
        as_of: date,
    ) -> Hit:
        clause = state.clauses[ci]
        meta = state.corpus.policy(clause.policy_id).meta
        ranks: dict[str, int | None] = {"bm25": lexical.rank_of(ci)}
        scores = {"bm25": float(lexical.scores[ci]), "bm25_words": float(word_scores.max(initial=0.0))}
        if dense is not None:
            ranks["dense"] = dense.rank_of(ci)
            scores["dense"] = float(dense.scores[ci])
            scores["dense_best"] = float(dense.scores[dense.valid].max(initial=-1.0))
        terms = list(state.bm25.matched_terms(query_tokens.query_tokens, ci, query_tokens.weights, query_tokens))
        for token, phrasing in senses.items():
            if phrasing not in terms and query_tokens.holds(ci, token):
                terms.append(phrasing)
        return Hit(
            clause=clause,
            score=score,
            in_force=meta.in_force(as_of),
            valid_until=meta.valid_until,
            matched_terms=tuple(terms),
            ranks=ranks,
            scores=scores,
        )

    # -- relevance floor --------------------------------------------------------------------------------------
    def relevance(self, query_or_hits: str | Sequence[Hit]) -> tuple[float, float]:
        """(best dense cosine, best whole-word BM25 score) of a query or of its hits."""
        hits = self.search(query_or_hits, k=1) if isinstance(query_or_hits, str) else list(query_or_hits)
        if not hits:
            return (-1.0, 0.0)
        scores = hits[0].scores
        return (scores.get("dense_best", scores.get("dense", -1.0)), scores.get("bm25_words", 0.0))

    def answerable(self, query_or_hits: str | Sequence[Hit]) -> bool:
        """Whether anything in the corpus is relevant enough to answer (the calibrated relevance floor)."""
        dense, words = self.relevance(query_or_hits)
        return self.floor.passes(dense, words)
