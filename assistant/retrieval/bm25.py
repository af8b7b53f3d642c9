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

The postings are stored in :mod:`assistant.retrieval.bm25_segments` and read (statistics, scores, matched terms)
by :class:`~assistant.retrieval.bm25_scoring.BM25Scoring`, the base of :class:`BM25Index`; this module builds,
grows and saves them.
"""

from __future__ import annotations

import copy
import os
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np

from assistant.retrieval.bm25_scoring import BM25Scoring
from assistant.retrieval.bm25_scoring import LexicalScores as LexicalScores
from assistant.retrieval.bm25_scoring import is_evidence as is_evidence
from assistant.retrieval.bm25_segments import _merge, _Segment, _segment
from assistant.retrieval.lexicon import Analyzer

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


class BM25Index(BM25Scoring):
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
