"""Hybrid clause retrieval: BM25 over jieba tokens + dense vectors, fused by reciprocal rank, validity-aware.

``Retriever.search(query, k=5, as_of=None, policy_id=None) -> list[Hit]`` ranks clauses (not chunks: a long
clause's chunks count as one clause, scored by its best chunk). Each hit says whether its policy is in force on
``as_of`` (today by default); the answer layer decides what to do with a clause that is not.

``Retriever.answerable(query_or_hits)`` applies the relevance floor: "nothing in the corpus answers this".
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

import numpy as np

from assistant.config import Settings
from assistant.corpus import Clause, Corpus, load_corpus
from assistant.errors import IndexUnavailable, InputError
from assistant.retrieval.bm25 import BM25Index, LexicalScores
from assistant.retrieval.embedders import Embedder, load_embedder
from assistant.retrieval.index import (
    ChromaIndex,
    IndexStatus,
    Progress,
    Record,
    collection_name,
    lexical_fields,
    records_for,
)
from assistant.retrieval.lexicon import analyzer_for, is_word, normalise
from assistant.retrieval.vocabulary import corpus_vocabulary

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

@dataclass(frozen=True)
class RelevanceFloor:
    """Below both thresholds, nothing in the corpus answers the query.

    ``dense``: cosine similarity of the best clause chunk; ``bm25``: BM25 score of the best clause counting
    whole words only (character bigrams alone are too weak to say a query is about the policy).
    """

    dense: float
    bm25: float

    def passes(self, dense: float, bm25: float) -> bool:
        return dense >= self.dense or bm25 >= self.bm25


#: Floors per embedder, from ``python -m assistant.retrieval.evaluation`` (the "建议" line): the highest floor that
#: keeps every in-scope query of evals/retrieval.yaml (133), checked against assistant/retrieval/out_of_scope.yaml
#: (30 questions this corpus does not answer; m3e-small refuses 19 of them, use-multilingual 18; recalibrated
#: after the weighted, field-aware BM25, whose whole-word scores are on a new scale). A wrong refusal
#: costs more than retrieving weak evidence, which the answer layer's guard still checks.
RELEVANCE_FLOORS: dict[str, RelevanceFloor] = {
    "m3e-small": RelevanceFloor(dense=0.728, bm25=0.97),
    "use-multilingual": RelevanceFloor(dense=0.198, bm25=1.35),
}
#: For a model not calibrated here: the lexical floor alone (a dense floor of 1.01 never passes).
UNCALIBRATED_FLOOR = RelevanceFloor(dense=1.01, bm25=4.0)


@dataclass(frozen=True)
class Hit:
    """One retrieved clause."""

    clause: Clause
    score: float
    """The ranking score of the method (hybrid: reciprocal-rank-fusion score)."""
    in_force: bool
    """Whether the clause's policy is in force on the search's as-of date."""
    valid_until: date | None
    matched_terms: tuple[str, ...]
    """Query words found in the clause (lexical evidence), longest first."""
    ranks: dict[str, int | None] = field(default_factory=dict)
    """1-based rank of the clause in each ranking ('bm25', 'dense'); None where it was not ranked."""
    scores: dict[str, float] = field(default_factory=dict)
    """Raw scores: 'bm25' (BM25), 'bm25_words' (BM25 of whole words only), 'dense' (cosine of best chunk)."""

    @property
    def clause_id(self) -> str:
        return self.clause.clause_id

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


@dataclass
class _Ranking:
    order: np.ndarray
    """Clause indices, best first (only clauses the method scored)."""
    scores: np.ndarray

    def rank_of(self, ci: int) -> int | None:
        found = np.flatnonzero(self.order == ci)
        return int(found[0]) + 1 if found.size else None


class Retriever:
    """Hybrid retrieval over every clause of the corpus, backed by the Chroma index."""

    def __init__(
        self,
        settings: Settings,
        *,
        embedder: str | Embedder | None = None,
        corpus: Corpus | None = None,
        rebuild: bool = False,
        progress: Progress | None = None,
        dense_backend: Literal["memory", "chroma"] = "memory",
        dense_weight: float = DENSE_WEIGHT,
        fusion: Fusion = "score",
    ) -> None:
        self.settings = settings
        self.corpus = corpus if corpus is not None else load_corpus(settings.corpus_dir)
        if embedder is None or isinstance(embedder, str):
            self.embedder: Embedder = load_embedder(embedder or settings.embedding_model)
        else:
            self.embedder = embedder
        self.dense_backend = dense_backend
        self.dense_weight = dense_weight
        self.fusion = fusion
        # the policies' vocabulary first: a malformed retrieval.yaml stops us before any index work
        self.analyzer = analyzer_for(corpus_vocabulary(self.corpus))
        self.records: list[Record] = records_for(self.corpus)
        self.clauses: list[Clause] = list(dict.fromkeys(r.clause for r in self.records))
        self._clause_index = {(c.policy_id, c.clause_id): i for i, c in enumerate(self.clauses)}
        self._record_clause = np.array(
            [self._clause_index[(r.clause.policy_id, r.clause.clause_id)] for r in self.records],
            dtype=np.int64,
        )
        self._record_position = {r.id: i for i, r in enumerate(self.records)}
        self.index = ChromaIndex(settings)
        self.status: IndexStatus = self.index.ensure(
            self.records, self.embedder, rebuild=rebuild, progress=progress
        )
        self.collection = collection_name(self.embedder)
        self._vectors = self._load_vectors()
        self.bm25 = BM25Index(
            [lexical_fields(self.corpus.policy(c.policy_id), c) for c in self.clauses], self.analyzer
        )
        self.floor = RELEVANCE_FLOORS.get(self.embedder.name, UNCALIBRATED_FLOOR)
        self._policy_masks = {
            pid: np.array([c.policy_id == pid for c in self.clauses]) for pid in self.corpus.policies
        }
        self._lock = threading.Lock()
        self._query_vectors: dict[str, np.ndarray] = {}

    # -- set-up -------------------------------------------------------------------------------------------------
    def _load_vectors(self) -> np.ndarray:
        """The record vectors in record order, read back from Chroma (the store of record)."""
        matrix = self.index.load_matrix(self.collection)
        position = {rid: i for i, rid in enumerate(matrix.ids)}
        missing = [r.id for r in self.records if r.id not in position]
        if missing:
            raise IndexUnavailable(
                f"索引缺少 {len(missing)} 条记录（如 {missing[0]}），请运行 policy-qa index --rebuild。"
            )
        return matrix.vectors[[position[r.id] for r in self.records]]

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

    def _dense(self, query: str) -> _Ranking:
        vector = self.embed_query(query)
        if self.dense_backend == "chroma":
            # Chroma's approximate nearest neighbours: enough records for the top clauses, not all of them
            sims = np.full(len(self.clauses), -1.0, dtype=np.float32)
            ranked = self.index.query(self.collection, vector, n_results=min(len(self.records), 100))
            seen: list[int] = []
            for rid, sim in ranked:
                ci = int(self._record_clause[self._record_position[rid]])
                if sims[ci] < sim:
                    sims[ci] = sim
                if ci not in seen:
                    seen.append(ci)
            return _Ranking(np.array(seen, dtype=np.int64), sims)
        record_sims = self._vectors @ vector
        sims = np.full(len(self.clauses), -1.0, dtype=np.float32)
        np.maximum.at(sims, self._record_clause, record_sims)
        return _Ranking(np.argsort(-sims, kind="stable"), sims)

    def _lexical(self, query: str) -> tuple[_Ranking, LexicalScores, np.ndarray]:
        lexical = self.bm25.score(query)
        scores = lexical.scores
        order = np.argsort(-scores, kind="stable")
        order = order[scores[order] > 0]
        words = [(t, w) for t, w in zip(lexical.query_tokens, lexical.weights, strict=True) if is_word(t)]
        word_scores = self.bm25.score_tokens([t for t, _ in words], [w for _, w in words])
        return _Ranking(order, scores), lexical, word_scores

    def _fuse(self, rankings: dict[str, _Ranking]) -> _Ranking:
        if self.fusion == "rrf":
            return self._fuse_rrf(rankings)
        lexical, dense = rankings["bm25"].scores.astype(np.float64), rankings["dense"].scores.astype(np.float64)
        best = lexical.max(initial=0.0)
        fused = lexical / best if best > 0 else np.zeros_like(lexical)
        median = float(np.median(dense))
        spread = float(dense.max(initial=median)) - median
        if spread > 0:
            fused += self.dense_weight * np.clip((dense - median) / spread, 0.0, 1.0)
        # ties (e.g. clauses BM25 does not score and the dense half puts below the median) go to the dense score
        order = np.lexsort((-dense, -fused))
        return _Ranking(order, fused.astype(np.float32))

    def _fuse_rrf(self, rankings: dict[str, _Ranking]) -> _Ranking:
        """Reciprocal rank fusion of the two rankings (clauses a ranking omits get no share from it)."""
        fused = np.zeros(len(self.clauses), dtype=np.float64)
        for ranking in rankings.values():
            for rank, ci in enumerate(ranking.order, start=1):
                fused[ci] += 1.0 / (RRF_K + rank)
        order = np.argsort(-fused, kind="stable")
        return _Ranking(order, fused.astype(np.float32))

    def rank(self, query: str, methods: Sequence[Method] = METHODS) -> dict[str, list[Hit]]:
        """Every clause ranked by each method (no k, no filter): for evaluation and calibration."""
        query = self._check(query)
        return {m: hits for m, hits in self._search(query, len(self.clauses), None, None, methods).items()}

    def search(
        self,
        query: str,
        k: int = 5,
        as_of: date | None = None,
        policy_id: str | None = None,
        method: Method = "hybrid",
    ) -> list[Hit]:
        """The ``k`` best clauses for ``query``, best first. ``policy_id`` restricts to one policy; ``as_of``
        (default: today) sets each hit's ``in_force``."""
        query = self._check(query)
        if policy_id is not None:
            self.corpus.policy(policy_id)  # raises PolicyNotFound with a Chinese message
        return self._search(query, k, as_of, policy_id, (method,))[method]

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

    def _search(
        self, query: str, k: int, as_of: date | None, policy_id: str | None, methods: Sequence[Method]
    ) -> dict[str, list[Hit]]:
        as_of = as_of or date.today()
        lexical, query_tokens, word_scores = self._lexical(query)  # query_tokens: the weighted tokens
        dense = self._dense(query) if any(m != "bm25" for m in methods) else None
        mask = self._policy_masks.get(policy_id) if policy_id else None
        out: dict[str, list[Hit]] = {}
        for method in methods:
            if method == "bm25":
                ranking = lexical
            elif method == "dense":
                assert dense is not None
                ranking = dense
            else:
                assert dense is not None
                ranking = self._fuse({"bm25": lexical, "dense": dense})
            order = ranking.order if mask is None else ranking.order[mask[ranking.order]]
            order = order[:k]
            out[method] = [
                self._hit(int(i), float(ranking.scores[i]), lexical, dense, query_tokens, word_scores, as_of)
                for i in order
            ]
        return out

    def _hit(
        self,
        ci: int,
        score: float,
        lexical: _Ranking,
        dense: _Ranking | None,
        query_tokens: LexicalScores,
        word_scores: np.ndarray,
        as_of: date,
    ) -> Hit:
        clause = self.clauses[ci]
        meta = self.corpus.policy(clause.policy_id).meta
        ranks: dict[str, int | None] = {"bm25": lexical.rank_of(ci)}
        scores = {"bm25": float(lexical.scores[ci]), "bm25_words": float(word_scores.max(initial=0.0))}
        if dense is not None:
            ranks["dense"] = dense.rank_of(ci)
            scores["dense"] = float(dense.scores[ci])
            scores["dense_best"] = float(dense.scores.max(initial=-1.0))
        return Hit(
            clause=clause,
            score=score,
            in_force=meta.in_force(as_of),
            valid_until=meta.valid_until,
            matched_terms=self.bm25.matched_terms(query_tokens.query_tokens, ci, query_tokens.weights),
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


_retrievers: dict[tuple[Any, ...], Retriever] = {}
_retrievers_lock = threading.Lock()


def get_retriever(settings: Settings, embedder: str | None = None) -> Retriever:
    """One shared :class:`Retriever` per (state folder, corpus, model, Chroma server) in this process."""
    key = (
        settings.home,
        settings.corpus_dir,
        embedder or settings.embedding_model,
        settings.chroma_host,
        settings.chroma_port,
    )
    with _retrievers_lock:
        if key not in _retrievers:
            _retrievers[key] = Retriever(settings, embedder=embedder)
        return _retrievers[key]
