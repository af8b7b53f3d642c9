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
:meth:`~assistant.retrieval.lexicon.Analyzer.weighted_query_tokens`).

Storage is compact and incremental, so that a thousand policies fit in memory and one more is added without
rebuilding: tokens are interned to integer ids, and the postings live in a few immutable *segments* (CSR arrays:
for each token id the documents holding it and the term frequency per field, ``uint16``). Only raw counts are
stored; the IDF, the document count and the average field lengths are computed at query time, so
:meth:`BM25Index.add` appends a segment for the new documents and :meth:`BM25Index.remove` marks documents dead,
and every score afterwards is exactly what a full rebuild would give. Segments are merged when they pile up.
"""

from __future__ import annotations

import copy
import math
import os
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.retrieval.lexicon import Analyzer, is_word


def is_evidence(token: str) -> bool:
    """Whole words and senses: what says a question is about the policy (character bigrams alone do not)."""
    return is_word(token) or token.startswith("<sense:")

FIELDS: tuple[str, ...] = ("title", "body", "context", "sense")
#: A word in the clause's own heading counts twice a word of its text; a word it only inherits from the headings
#: above it (or, for a section, from its children's titles) counts a third. ``sense`` holds the tokens of the
#: senses the clause carries (see :func:`~assistant.retrieval.retriever.clause_senses`).
FIELD_WEIGHTS: dict[str, float] = {"title": 2.0, "body": 1.0, "context": 0.35, "sense": 2.0}
#: BM25's length normalisation per field; a clause's senses are a set, not a text, so their count does not dilute.
FIELD_B: dict[str, float] = {"sense": 0.0}
#: Query-token weights are multiplied by (IDF / highest IDF) ** SPECIFICITY, the IDF counted over the clauses:
#: a word in most clauses ("工业互联网", "企业", "项目") says little about which one answers, however specific it
#: is in general Chinese or to the policy, so it cannot outweigh the one decisive word of a question.
SPECIFICITY = 1.0
#: More segments than this are merged into one (an add costs a small segment; a query loops over segments).
MAX_SEGMENTS = 8
#: Documents analysed and turned into one segment at a time while adding (bounds the memory of a large build).
BATCH = 2048


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


@dataclass(frozen=True)
class _Segment:
    """Postings of a batch of documents: for token ``token_ids[i]``, rows ``starts[i]:starts[i+1]``."""

    token_ids: np.ndarray  # int32, sorted, unique
    starts: np.ndarray  # int64, len(token_ids) + 1
    docs: np.ndarray  # int32 (global document ids), sorted within a token
    tf: np.ndarray  # uint16, shape (postings, fields)

    def posting(self, token_id: int) -> tuple[np.ndarray, np.ndarray] | None:
        i = int(np.searchsorted(self.token_ids, token_id))
        if i >= len(self.token_ids) or self.token_ids[i] != token_id:
            return None
        start, end = self.starts[i], self.starts[i + 1]
        return self.docs[start:end], self.tf[start:end]

    @property
    def nbytes(self) -> int:
        return self.token_ids.nbytes + self.starts.nbytes + self.docs.nbytes + self.tf.nbytes


def _segment(triples: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray], fields: int) -> _Segment:
    """A segment from parallel arrays (token id, document id, field index, term frequency)."""
    tokens, docs, field, tf = triples
    order = np.lexsort((docs, tokens))
    tokens, docs, field, tf = tokens[order], docs[order], field[order], tf[order]
    # one row per (token, document); the fields of that pair fill its columns
    new_pair = np.ones(len(tokens), dtype=bool)
    if len(tokens) > 1:
        new_pair[1:] = (tokens[1:] != tokens[:-1]) | (docs[1:] != docs[:-1])
    row = np.cumsum(new_pair) - 1
    rows = int(row[-1]) + 1 if len(row) else 0
    matrix = np.zeros((rows, fields), dtype=np.uint16)
    np.add.at(matrix, (row, field), np.minimum(tf, 65535).astype(np.uint16))
    pair_tokens, pair_docs = tokens[new_pair], docs[new_pair]
    token_ids, first = np.unique(pair_tokens, return_index=True)
    starts = np.append(first, rows).astype(np.int64)
    return _Segment(token_ids.astype(np.int32), starts, pair_docs.astype(np.int32), matrix)


def _merge(segments: Sequence[_Segment], fields: int) -> _Segment:
    """One segment from several. Each is sorted by (token, document) and later segments hold later documents, so a
    stable sort by token alone keeps documents in order: postings are permuted, not rebuilt."""
    tokens = np.concatenate([np.repeat(seg.token_ids, np.diff(seg.starts)) for seg in segments])
    order = np.argsort(tokens, kind="stable")
    tokens = tokens[order]
    docs = np.concatenate([seg.docs for seg in segments])[order]
    tf = np.concatenate([seg.tf for seg in segments])[order]
    del order
    token_ids, first = np.unique(tokens, return_index=True)
    starts = np.append(first, len(tokens)).astype(np.int64)
    return _Segment(token_ids.astype(np.int32), starts, docs, tf)


class BM25Index:
    """Field-weighted BM25 over documents given as dicts of field texts (one per clause), growable."""

    def __init__(
        self,
        documents: Sequence[Mapping[str, str]],
        analyzer: Analyzer,
        k1: float = 1.2,
        b: float = 0.75,
        field_weights: Mapping[str, float] | None = None,
    ) -> None:
        self.analyzer = analyzer
        self.k1, self.b = k1, b
        self.field_weights = dict(field_weights or FIELD_WEIGHTS)
        self.fields = tuple(self.field_weights)
        self._weights = np.array([self.field_weights[f] for f in self.fields], dtype=np.float32)
        self._b = np.array([FIELD_B.get(f, b) for f in self.fields], dtype=np.float32)
        self.specificity = SPECIFICITY
        self.vocab: dict[str, int] = {}
        self._segments: list[_Segment] = []
        self._lengths = np.zeros((0, len(self.fields)), dtype=np.float32)
        self._alive = np.zeros(0, dtype=bool)
        self._all_alive = True
        self._norm_cache: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        if documents:
            self.add(documents)

    # -- building ---------------------------------------------------------------------------------------------
    @property
    def size(self) -> int:
        """Document ids handed out so far (dead ones included: ids are never reused)."""
        return len(self._alive)

    @property
    def live(self) -> int:
        return int(self._alive.sum())

    def add(self, documents: Iterable[Mapping[str, str]]) -> range:
        """Analyse and add documents; returns their ids (consecutive, after every existing one)."""
        analysed = ({f: self.analyzer.tokens(doc.get(f, "")) for f in self.fields} for doc in documents)
        return self.add_tokens(analysed)

    def add_tokens(self, documents: Iterable[Mapping[str, Sequence[str]]]) -> range:
        """Add already analysed documents (field → tokens), streamed: every :data:`BATCH` documents become a
        segment, so memory holds one batch's tokens at a time, not the whole corpus's."""
        first = self.size
        batch: list[Mapping[str, Sequence[str]]] = []
        added = 0
        for doc in documents:
            batch.append(doc)
            if len(batch) >= BATCH:
                self._add_batch(batch)
                added += len(batch)
                batch = []
        if batch:
            self._add_batch(batch)
            added += len(batch)
        if len(self._segments) > MAX_SEGMENTS or (added > BATCH and len(self._segments) > 1):
            self.compact()
        return range(first, first + added)

    def _add_batch(self, documents: Sequence[Mapping[str, Sequence[str]]]) -> None:
        first = self.size
        tokens, docs, field, counts = array("q"), array("q"), array("b"), array("q")
        lengths = np.zeros((len(documents), len(self.fields)), dtype=np.float32)
        vocab = self.vocab
        for n, doc in enumerate(documents):
            for f, name in enumerate(self.fields):
                field_tokens = doc.get(name, ())
                lengths[n, f] = len(field_tokens)
                for token, tf in Counter(field_tokens).items():
                    tid = vocab.get(token)
                    if tid is None:
                        tid = vocab[token] = len(vocab)
                    tokens.append(tid)
                    docs.append(first + n)
                    field.append(f)
                    counts.append(tf)
        if tokens:
            arrays = (np.frombuffer(tokens, np.int64), np.frombuffer(docs, np.int64),
                      np.frombuffer(field, np.int8), np.frombuffer(counts, np.int64))
            self._segments = [*self._segments, _segment(arrays, len(self.fields))]
        self._lengths = np.concatenate([self._lengths, lengths])
        self._alive = np.concatenate([self._alive, np.ones(len(documents), dtype=bool)])
        self._all_alive = bool(self._alive.all())

    def remove(self, doc_ids: Iterable[int]) -> None:
        """Mark documents dead: they score 0 and no longer count in the IDF or the average lengths."""
        ids = np.fromiter(doc_ids, dtype=np.int64)
        alive = self._alive.copy()
        alive[ids] = False
        self._alive = alive
        self._all_alive = bool(alive.all())

    def clone(self) -> BM25Index:
        """A copy that shares the (immutable) segments: adding to or removing from it leaves this one as it is."""
        twin = copy.copy(self)
        twin.vocab = self.vocab  # grows in place: new tokens only, which this index never looks up
        return twin

    def compact(self) -> None:
        """Merge every segment into one (document ids are kept; dead documents' postings stay but never count)."""
        if len(self._segments) > 1:
            self._segments = [_merge(self._segments, len(self.fields))]

    # -- persistence --------------------------------------------------------------------------------------------
    def save(self, path: Path) -> None:
        """Write the index (one merged segment, lengths, liveness, vocabulary) to ``path`` atomically."""
        self.compact()
        segment = self._segments[0] if self._segments else _segment(
            (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int8), np.zeros(0, np.int64)), len(self.fields)
        )
        vocabulary = "\n".join(sorted(self.vocab, key=self.vocab.__getitem__)).encode("utf-8")
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as handle:
            np.savez(
                handle,
                token_ids=segment.token_ids,
                starts=segment.starts,
                docs=segment.docs,
                tf=segment.tf,
                lengths=self._lengths,
                alive=self._alive,
                vocabulary=np.frombuffer(vocabulary, dtype=np.uint8),
                fields=np.array(self.fields),
            )
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path, analyzer: Analyzer) -> BM25Index:
        """An index written by :meth:`save` (the caller makes sure it was built from the same texts and words)."""
        with np.load(path) as data:
            index = cls([], analyzer)
            if tuple(str(f) for f in data["fields"]) != index.fields:
                raise ValueError(f"{path}: fields differ")
            words = bytes(data["vocabulary"]).decode("utf-8")
            index.vocab = {w: n for n, w in enumerate(words.split("\n"))} if words else {}
            if len(data["docs"]):
                index._segments = [_Segment(data["token_ids"], data["starts"], data["docs"], data["tf"])]
            index._lengths = data["lengths"]
            index._alive = data["alive"]
            index._all_alive = bool(index._alive.all())
        return index

    @property
    def nbytes(self) -> int:
        """Memory held by the postings and lengths (not the vocabulary's strings)."""
        return sum(s.nbytes for s in self._segments) + self._lengths.nbytes + self._alive.nbytes

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
