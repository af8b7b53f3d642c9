"""Hybrid clause retrieval: BM25 over jieba tokens + dense vectors, fused by score, validity-aware.

``Retriever.search(query, k=5, as_of=None, policy_id=None) -> list[Hit]`` ranks clauses (not chunks: a long
clause's chunks count as one clause, scored by its best chunk). ``policy_id`` is one id or several. Each hit
carries its policy id and says whether its policy is in force on ``as_of`` (today by default); the answer layer
decides what to do with a clause that is not.

``Retriever.answerable(query_or_hits)`` applies the relevance floor: "nothing in the corpus answers this".
``Retriever.add_policy(policy)`` adds or replaces one policy incrementally. :class:`InMemoryRetriever` is the same
retriever without Chroma or a model (tests).

The retriever is in several modules: :mod:`~assistant.retrieval.ranking` (methods, a ranking, fusion constants),
:mod:`~assistant.retrieval.relevance` (the relevance floor), :mod:`~assistant.retrieval.hits` (:class:`Hit`),
:mod:`~assistant.retrieval.search_state` (what a search reads, and appending records to it),
:mod:`~assistant.retrieval.lexical_cache` (the BM25 index saved between starts) and
:mod:`~assistant.retrieval.search` (:class:`~assistant.retrieval.search.Searcher`, the searching half of
:class:`Retriever`). This module builds and updates the retriever and re-exports their public names.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any, Literal

import numpy as np

from assistant.config import Settings
from assistant.corpus import Corpus, Policy, load_corpus
from assistant.errors import IndexUnavailable, RetrievalUnavailable
from assistant.retrieval.bm25 import FIELD_WEIGHTS, BM25Index
from assistant.retrieval.chroma_index import ChromaIndex
from assistant.retrieval.embedders import FAKE, Embedder, load_embedder
from assistant.retrieval.hits import Hit
from assistant.retrieval.index_status import IndexStatus, collection_name, combined_hash, policy_hashes
from assistant.retrieval.learned import LearnedReranker
from assistant.retrieval.lexical_cache import (
    LEXICAL_FOLDER,
    LEXICAL_KEEP,
    LEXICAL_VERSION,
    _load_bm25,
    _save_bm25,
    example_vectors,
)
from assistant.retrieval.lexical_cache import log as log
from assistant.retrieval.lexicon import analyzer_for
from assistant.retrieval.memory_store import MemoryStore
from assistant.retrieval.ranking import DENSE_WEIGHT, METHODS, RRF_K, Fusion, Method
from assistant.retrieval.records import records_for
from assistant.retrieval.relevance import RELEVANCE_FLOORS, UNCALIBRATED_FLOOR, RelevanceFloor
from assistant.retrieval.search import Searcher
from assistant.retrieval.search_state import _State, appended, clause_senses
from assistant.retrieval.sync_plan import Progress
from assistant.retrieval.vocabulary import Vocabulary, corpus_vocabulary

__all__ = [
    "DENSE_WEIGHT",
    "LEXICAL_FOLDER",
    "LEXICAL_KEEP",
    "LEXICAL_VERSION",
    "METHODS",
    "RELEVANCE_FLOORS",
    "RETRY_AFTER_S",
    "RRF_K",
    "UNCALIBRATED_FLOOR",
    "Fusion",
    "Hit",
    "InMemoryRetriever",
    "Method",
    "RelevanceFloor",
    "Retriever",
    "clause_senses",
    "get_retriever",
]


class Retriever(Searcher):
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
        learned: bool | None = None,
    ) -> None:
        self.settings = settings
        self.learned = settings.learned_reranker if learned is None else learned
        corpus = corpus if corpus is not None else load_corpus(settings.corpus_dir, extra=settings.extra_corpus_dirs)
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
        self._state = appended(self._state, corpus, records, vectors, prebuilt)
        if cache is not None and prebuilt is None:
            _save_bm25(self._state.bm25, cache)
        self._state = self._with_learned(self._state)
        self.floor = RELEVANCE_FLOORS.get(self.embedder.name, UNCALIBRATED_FLOOR)
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._query_vectors: dict[str, np.ndarray] = {}

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

    def _with_learned(self, state: _State, previous: LearnedReranker | None = None) -> _State:
        """The state with its learned reranker trained on the live clauses (none if ``learned`` is off); the models
        of ``previous`` for unchanged policies are kept."""
        if not self.learned:
            return state
        folder = self.settings.home / LEXICAL_FOLDER if isinstance(self.index, ChromaIndex) else None
        embed = partial(example_vectors, folder, self.embedder)
        learned = LearnedReranker.fit(state.clauses, state.alive, state.corpus.policies, embed, previous)
        return replace(state, learned=learned)

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
            self._state = self._with_learned(appended(base, corpus, records, vectors), state.learned)
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
        settings.extra_corpus_dirs,
        embedder or settings.embedding_model,
        settings.learned_reranker,
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
