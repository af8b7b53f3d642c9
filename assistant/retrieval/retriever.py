"""Hybrid clause retrieval: BM25 over jieba tokens + dense vectors, fused by score, validity-aware.

``Retriever.search(query, k=5, as_of=None, policy_id=None) -> list[Hit]`` ranks clauses (not chunks: a long
clause's chunks count as one clause, scored by its best chunk). ``policy_id`` is one id or several. Each hit
carries its policy id and says whether its policy is in force on ``as_of`` (today by default); the answer layer
decides what to do with a clause that is not.

``Retriever.answerable(query_or_hits)`` applies the relevance floor: "nothing in the corpus answers this".
``Retriever.add_policy(policy)`` adds or replaces one policy incrementally. :class:`InMemoryRetriever` is the same
retriever without Chroma or a model (tests).
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np

from assistant.config import Settings
from assistant.corpus import Clause, Corpus, Policy, load_corpus
from assistant.errors import IndexUnavailable, InputError, RetrievalUnavailable
from assistant.retrieval.bm25 import FIELD_WEIGHTS, BM25Index, LexicalScores
from assistant.retrieval.embedders import FAKE, Embedder, load_embedder
from assistant.retrieval.index import (
    ChromaIndex,
    IndexStatus,
    MemoryStore,
    Progress,
    Record,
    collection_name,
    combined_hash,
    lexical_fields,
    own_text,
    policy_hashes,
    records_for,
)
from assistant.retrieval.lexicon import Analyzer, analyzer_for, normalise
from assistant.retrieval.vocabulary import Sense, Vocabulary, corpus_vocabulary

log = logging.getLogger(__name__)

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
    whole words and senses only (character bigrams alone are too weak to say a query is about the policy).
    """

    dense: float
    bm25: float

    def passes(self, dense: float, bm25: float) -> bool:
        return dense >= self.dense or bm25 >= self.bm25


#: Floors per embedder, from ``python -m assistant.retrieval.evaluation`` (the "建议" line): the highest floor that
#: keeps every in-scope query of evals/retrieval.yaml (133), checked against assistant/retrieval/out_of_scope.yaml
#: (30 questions this corpus does not answer; recalibrated after query weights were scaled by the words'
#: specificity in the clauses and senses became lexical evidence, which puts the scores on a new scale). A wrong
#: refusal costs more than retrieving weak evidence, which the answer layer's guard still checks. The fake
#: embedder (tests) has no meaningful cosine: its floor is lexical only.
RELEVANCE_FLOORS: dict[str, RelevanceFloor] = {
    "m3e-small": RelevanceFloor(dense=0.728, bm25=1.89),
    "use-multilingual": RelevanceFloor(dense=0.198, bm25=1.6),
    "fake": RelevanceFloor(dense=1.01, bm25=1.6),
}
#: For a model not calibrated here: the lexical floor alone (a dense floor of 1.01 never passes), set higher.
UNCALIBRATED_FLOOR = RelevanceFloor(dense=1.01, bm25=2.5)


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
    """Raw scores: 'bm25' (BM25), 'bm25_words' (BM25 of whole words only), 'dense' (cosine of best chunk)."""

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


@dataclass(frozen=True)
class _State:
    """Everything a search reads, swapped as one object when a policy is added (searches never see half of it)."""

    corpus: Corpus
    analyzer: Analyzer
    bm25: BM25Index
    clauses: list[Clause]
    """Every clause ever indexed, in index order (a replaced policy's old clauses stay, marked dead)."""
    alive: np.ndarray
    clause_policy: np.ndarray
    """Index of each clause's policy in ``policy_ids``."""
    policy_ids: dict[str, int]
    clause_index: dict[tuple[str, str], int]
    records: list[Record]
    vectors: np.ndarray
    record_clause: np.ndarray
    first_record: np.ndarray
    """Each clause's first record (records of a clause are consecutive)."""


def clause_senses(policy: Policy, clause: Clause, senses: Sequence[Sense]) -> list[str]:
    """The tokens of the senses a clause carries: a policy's sense names its clauses; a genre sense finds its clause
    by an anchor word in the clause's own heading or text, or by the clause's kind (a heading-only section, the
    preamble)."""
    fields = lexical_fields(policy, clause)
    own = normalise(f"{fields['title']} {fields['body']}")
    heading_only = not own_text(clause)
    tokens: list[str] = []
    for sense in senses:
        if sense.policy_id is not None and sense.policy_id != clause.policy_id:
            continue
        carried = clause.clause_id in sense.clauses or any(normalise(a) in own for a in sense.anchors)
        if sense.kinds and clause.kind in sense.kinds and (clause.kind == "preamble" or heading_only):
            carried = True
        if carried:
            tokens.append(sense.token)
    return tokens


#: Bump when tokenisation or the BM25 layout changes: it is part of the saved BM25 index's file name.
LEXICAL_VERSION = 1
#: Folder under $POLICY_QA_HOME for saved BM25 indexes (a cache: any file may be deleted at any time).
LEXICAL_FOLDER = "lexical"
#: Saved BM25 indexes kept (the newest ones).
LEXICAL_KEEP = 3


def _load_bm25(path: Path | None, analyzer: Analyzer, clauses: int) -> BM25Index | None:
    """The saved BM25 index at ``path`` when it is there and whole (a bad file is ignored: it is only a cache)."""
    if path is None or not path.is_file():
        return None
    try:
        index = BM25Index.load(path, analyzer)
    except Exception as err:
        log.warning("忽略无法读取的检索缓存 %s：%s", path, err)
        return None
    if index.size != clauses:
        return None
    index.analyzer = analyzer
    return index


def _save_bm25(index: BM25Index, path: Path) -> None:
    """Save the BM25 index for the next start (skipped quietly when the state folder cannot be written)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        index.save(path)
        old = sorted(path.parent.glob("bm25-*.npz"), key=lambda p: p.stat().st_mtime, reverse=True)[LEXICAL_KEEP:]
        for stale in old:
            stale.unlink(missing_ok=True)
    except OSError as err:
        log.info("检索缓存未保存（%s）：%s", path, err)


@lru_cache(maxsize=1)
def _threadpools() -> Any:
    try:
        from threadpoolctl import ThreadpoolController

        return ThreadpoolController()
    except Exception:  # threadpoolctl missing: leave BLAS as it is
        return None


def _blas_threads(threads: int) -> AbstractContextManager[Any]:
    """Limit BLAS to ``threads`` threads for the block (a no-op without threadpoolctl)."""
    controller = _threadpools()
    return controller.limit(limits=max(1, threads), user_api="blas") if controller is not None else nullcontext()


class Retriever:
    """Hybrid retrieval over every clause of the corpus, backed by a vector store (Chroma by default)."""

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
        store: ChromaIndex | MemoryStore | None = None,
    ) -> None:
        self.settings = settings
        corpus = corpus if corpus is not None else load_corpus(settings.corpus_dir)
        # the policies' vocabulary first: a malformed retrieval.yaml stops us before any index work
        vocabulary = corpus_vocabulary(corpus)
        # then the store, before loading anything slow: a server that is down is reported at once
        self.index: ChromaIndex | MemoryStore = store if store is not None else ChromaIndex(settings)
        if embedder is None or isinstance(embedder, str):
            self.embedder: Embedder = load_embedder(embedder or settings.embedding_model, settings.embed_threads)
        else:
            self.embedder = embedder
        self.dense_backend = dense_backend
        self.dense_weight = dense_weight
        self.fusion = fusion
        analyzer = analyzer_for(vocabulary)
        records = records_for(corpus)
        self.status: IndexStatus
        self.status, vectors = self.index.sync(records, self.embedder, rebuild=rebuild, progress=progress)
        self.collection = collection_name(self.embedder)
        empty = BM25Index([], analyzer, field_weights=FIELD_WEIGHTS)
        self._state = _State(
            corpus=corpus,
            analyzer=analyzer,
            bm25=empty,
            clauses=[],
            alive=np.zeros(0, dtype=bool),
            clause_policy=np.zeros(0, dtype=np.int32),
            policy_ids={},
            clause_index={},
            records=[],
            vectors=np.zeros((0, self.embedder.dim), dtype=np.float32),
            record_clause=np.zeros(0, dtype=np.int64),
            first_record=np.zeros(0, dtype=np.int64),
        )
        self._policy_hashes = dict(self.status.policy_hashes)
        self._saver: threading.Thread | None = None
        cache = (
            self._lexical_cache(vocabulary, self.status.content_hash, list(corpus.policies))
            if isinstance(self.index, ChromaIndex)
            else None
        )
        prebuilt = _load_bm25(cache, analyzer, len({(r.clause.policy_id, r.clause.clause_id) for r in records}))
        self._state = self._appended(self._state, corpus, records, vectors, prebuilt)
        if cache is not None and prebuilt is None:
            _save_bm25(self._state.bm25, cache)
        self.floor = RELEVANCE_FLOORS.get(self.embedder.name, UNCALIBRATED_FLOOR)
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._query_vectors: dict[str, np.ndarray] = {}

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

    def _lexical_cache(self, vocabulary: Vocabulary, content: str, order: Sequence[str]) -> Path:
        """Where the BM25 index of exactly these clause records, in this policy order, with this vocabulary is
        saved: the file name is a hash of all three (and of the analyser's version), so a changed text, order,
        word list or tokenizer is a new file."""
        key = hashlib.sha256(
            json.dumps(
                [LEXICAL_VERSION, list(FIELD_WEIGHTS), repr(vocabulary), content, list(order)], ensure_ascii=False
            ).encode()
        ).hexdigest()[:24]
        return self.settings.home / LEXICAL_FOLDER / f"bm25-{key}.npz"

    def _appended(
        self,
        state: _State,
        corpus: Corpus,
        records: Sequence[Record],
        vectors: np.ndarray,
        prebuilt: BM25Index | None = None,
    ) -> _State:
        """A new state with ``records`` (whole policies, in document order) and their vectors appended. ``prebuilt``:
        the BM25 index of exactly these clauses, loaded from the cache, for a state that is still empty."""
        clauses = list(state.clauses)
        clause_index = dict(state.clause_index)
        policy_ids = dict(state.policy_ids)
        by_policy: dict[str | None, list[Sense]] = {}
        for sense in state.analyzer.vocabulary.senses:
            by_policy.setdefault(sense.policy_id, []).append(sense)
        new_clauses: list[Clause] = []
        record_clause: list[int] = []
        first_record: list[int] = []
        base = len(state.records)
        for n, record in enumerate(records):
            key = (record.clause.policy_id, record.clause.clause_id)
            ci = clause_index.get(key)
            if ci is None or ci < len(state.clauses):  # a new clause (or a new version of a replaced one)
                ci = len(clauses)
                clause_index[key] = ci
                clauses.append(record.clause)
                new_clauses.append(record.clause)
                first_record.append(base + n)
            record_clause.append(ci)
        def documents() -> Iterator[dict[str, list[str]]]:  # analysed one at a time: the BM25 index streams them
            for clause in new_clauses:
                policy = corpus.policy(clause.policy_id)
                fields = lexical_fields(policy, clause)
                tokens: dict[str, list[str]] = {name: state.analyzer.tokens(text) for name, text in fields.items()}
                senses = [*by_policy.get(None, ()), *by_policy.get(clause.policy_id, ())]
                tokens["sense"] = clause_senses(policy, clause, senses)
                yield tokens

        if prebuilt is not None and not state.clauses and prebuilt.size == len(new_clauses):
            bm25 = prebuilt
        else:
            bm25 = state.bm25.clone()
            bm25.add_tokens(documents())
        for clause in new_clauses:
            policy_ids.setdefault(clause.policy_id, len(policy_ids))
        return _State(
            corpus=corpus,
            analyzer=state.analyzer,
            bm25=bm25,
            clauses=clauses,
            alive=np.concatenate([state.alive, np.ones(len(new_clauses), dtype=bool)]),
            clause_policy=np.concatenate(
                [state.clause_policy, np.array([policy_ids[c.policy_id] for c in new_clauses], dtype=np.int32)]
            ),
            policy_ids=policy_ids,
            clause_index=clause_index,
            records=[*state.records, *records],
            vectors=np.concatenate([state.vectors, np.asarray(vectors, dtype=np.float32)]),
            record_clause=np.concatenate([state.record_clause, np.array(record_clause, dtype=np.int64)]),
            first_record=np.concatenate([state.first_record, np.array(first_record, dtype=np.int64)]),
        )

    def add_policy(self, policy: Policy) -> IndexStatus:
        """Add (or replace) one policy without rebuilding anything else: its records are embedded and upserted into
        the store, its clauses added to the BM25 index (a replaced version's clauses are marked dead), and the
        vocabulary of its folder merged. Searches running meanwhile see the old or the new state, never half."""
        with self._write_lock:
            state = self._state
            policies = dict(state.corpus.policies)
            policies[policy.policy_id] = policy
            corpus = Corpus(policies=policies, root=state.corpus.root)
            vocabulary = corpus_vocabulary(corpus)
            analyzer = state.analyzer if vocabulary == state.analyzer.vocabulary else analyzer_for(vocabulary)
            records = records_for([policy])
            status, vectors = self.index.update_policy(records, self.embedder, policy.policy_id)
            alive = state.alive
            if policy.policy_id in state.policy_ids:
                dead = state.clause_policy == state.policy_ids[policy.policy_id]
                alive = alive & ~dead
            bm25 = state.bm25.clone()
            bm25.remove(np.flatnonzero(~alive[: bm25.size]))
            bm25.analyzer = analyzer
            base = replace(state, corpus=corpus, analyzer=analyzer, bm25=bm25, alive=alive)
            self._state = self._appended(base, corpus, records, vectors)
            self._query_vectors.clear()
            self._policy_hashes.update(policy_hashes(records, self.embedder))
            if isinstance(self.index, ChromaIndex) and bool(self._state.alive.all()):
                # the next start finds this BM25 index saved under the new contents' name (written aside, so
                # the add returns at once; close() waits for it)
                path = self._lexical_cache(
                    vocabulary, combined_hash(self._policy_hashes), list(self._state.policy_ids)
                )
                self._saver = threading.Thread(target=_save_bm25, args=(self._state.bm25.clone(), path), daemon=True)
                self._saver.start()
            return status

    def clear_caches(self) -> None:
        """Forget cached query vectors and query analyses (benchmarks: every question as if new)."""
        self._query_vectors.clear()
        self._state.analyzer._match_cache.clear()

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
        with _blas_threads(self.settings.embed_threads):
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
        senses = {t: p for p, tokens in state.analyzer.matches(normalise(query)).senses for t in tokens}
        out: dict[str, list[Hit]] = {}
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
                tie_break = dense.scores  # ties (e.g. clauses BM25 does not score) go to the dense score
            out[method] = [
                self._hit(state, int(i), float(ranking.scores[i]), lexical, dense, query_tokens, word_scores, senses, as_of)
                for i in ranking.top(k, tie_break)
            ]
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

    def close(self) -> None:
        """Finish saving the BM25 index, and stop holding the local index generation (a later writer may then
        remove it once superseded)."""
        if self._saver is not None:
            self._saver.join()
        self.index.close()


class InMemoryRetriever(Retriever):
    """A retriever with no Chroma and no model: BM25 plus the fake embedder's dense half, vectors in memory.
    Same ``search``/``answerable`` API; for tests of the layers above retrieval (build one from a Corpus)."""

    def __init__(
        self,
        corpus: Corpus,
        settings: Settings | None = None,
        *,
        embedder: str | Embedder = FAKE,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            settings or Settings(home=Path(tempfile.gettempdir()) / "policy-qa-in-memory"),
            embedder=embedder,
            corpus=corpus,
            store=MemoryStore(),
            **kwargs,
        )


_retrievers: dict[tuple[Any, ...], Retriever] = {}
_retrievers_lock = threading.Lock()
#: After retrieval was found down, callers get the same error at once for this many seconds instead of each
#: waiting for a new connection attempt (a dialogue turn must stay quick while the server is away).
RETRY_AFTER_S = 10.0
_down: dict[tuple[Any, ...], tuple[float, RetrievalUnavailable]] = {}


def get_retriever(settings: Settings, embedder: str | None = None) -> Retriever:
    """One shared :class:`Retriever` per (state folder, corpus, model, Chroma server) in this process.

    Raises :class:`~assistant.errors.RetrievalUnavailable` (a Chinese message) quickly when the Chroma server
    cannot be reached or the index cannot be opened; the caller can still answer what needs no retrieval."""
    key = (
        settings.home,
        settings.corpus_dir,
        embedder or settings.embedding_model,
        settings.chroma_host,
        settings.chroma_port,
    )
    with _retrievers_lock:
        if key in _retrievers:
            return _retrievers[key]
        down = _down.get(key)
        if down is not None and time.monotonic() - down[0] < RETRY_AFTER_S:
            raise down[1]
        try:
            _retrievers[key] = Retriever(settings, embedder=embedder)
        except RetrievalUnavailable as err:
            _down[key] = (time.monotonic(), err)
            raise
        except IndexUnavailable as err:  # the local index cannot be opened: one class for callers to catch
            unavailable = RetrievalUnavailable(str(err))
            _down[key] = (time.monotonic(), unavailable)
            raise unavailable from err
        _down.pop(key, None)
        return _retrievers[key]
