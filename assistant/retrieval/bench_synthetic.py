"""Synthetic policies for the retrieval benchmark's scale-out: copies of the real policies under synthetic ids,
each clause salted with a few words of other clauses (so BM25 sees distinct documents), and for each synthetic
record the real record's vector plus a little Gaussian noise (so the model is not run on 25 000 texts); queries are
still embedded by the real model. See :mod:`assistant.retrieval.bench`, which re-exports :func:`synthetic_corpus`.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from assistant.corpus import Corpus, Policy
from assistant.retrieval.embedders import Embedder
from assistant.retrieval.records import records_for


class _SyntheticEmbedder:
    """Looks up precomputed vectors for the synthetic clause texts; embeds anything else (queries) for real."""

    def __init__(self, real: Embedder, vectors: dict[str, np.ndarray]) -> None:
        self.real = real
        self.name = f"{real.name}-synthetic"
        self.dim = real.dim
        self._vectors = vectors

    @property
    def fingerprint(self) -> str:
        return f"synthetic:{self.real.fingerprint}:{len(self._vectors)}"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        known = [self._vectors.get(t) for t in texts]
        if all(v is not None for v in known):
            return np.stack(known)  # type: ignore[arg-type]
        return self.real.encode(texts)


def synthetic_corpus(corpus: Corpus, copies: int, seed: int = 7) -> Corpus:
    """``copies`` copies of every policy under synthetic ids, each clause text salted with other clauses' words."""
    rng = random.Random(seed)
    words = [w for c in corpus.clauses() for w in c.text.replace("，", " ").replace("。", " ").split() if w]
    policies: dict[str, Policy] = {}
    for policy in corpus:
        for n in range(copies):
            pid = policy.policy_id if n == 0 else f"{policy.policy_id}-synthetic-{n:04d}"
            clauses = tuple(
                c
                if n == 0
                else replace(c, policy_id=pid, text=c.text + "".join(rng.sample(words, k=min(3, len(words)))))
                for c in policy.clauses
            )
            policies[pid] = Policy(
                meta=replace(policy.meta, policy_id=pid), text=policy.text, clauses=clauses
            )
    return Corpus(policies=policies, root=corpus.root)


def _synthetic_vectors(corpus: Corpus, big: Corpus, real: Embedder, copies: int) -> dict[str, np.ndarray]:
    """A vector per synthetic record: the real record's (same clause id and chunk) plus a little noise."""
    originals = records_for(corpus)
    base = {
        (r.clause.clause_id, r.chunk): v
        for r, v in zip(originals, real.encode([r.document for r in originals]), strict=True)
    }
    rng = np.random.default_rng(copies)
    vectors: dict[str, np.ndarray] = {}
    for record in records_for(big):
        key = (record.clause.clause_id, record.chunk)
        vector = base[key] if key in base else base[(record.clause.clause_id, 0)]
        if record.clause.policy_id not in corpus.policies:
            vector = vector + rng.normal(0, 0.05, size=vector.shape).astype(np.float32)
        vectors[record.document] = (vector / np.linalg.norm(vector)).astype(np.float32)
    return vectors
