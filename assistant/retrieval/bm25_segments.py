"""The postings of the BM25 index, stored compactly: immutable *segments* of CSR arrays (for each token id the
documents holding it and the term frequency per field, ``uint16``), built from a batch of documents and merged
when they pile up. See :mod:`assistant.retrieval.bm25`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


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
