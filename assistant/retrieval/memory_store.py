"""Vectors in a dict: the store of :class:`~assistant.retrieval.retriever.InMemoryRetriever` (tests, fakes), with
the same ``sync``/``update_policy`` contract as :class:`~assistant.retrieval.chroma_index.ChromaIndex`.

Part of :mod:`assistant.retrieval.index`, which re-exports :class:`MemoryStore`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from assistant.errors import IndexUnavailable
from assistant.retrieval.embedders import Embedder
from assistant.retrieval.index_status import IndexStatus, collection_name, combined_hash, policy_hashes
from assistant.retrieval.records import Record
from assistant.retrieval.sync_plan import Progress, _embed, _plan


class MemoryStore:
    """Vectors in a dict: the store of :class:`~assistant.retrieval.retriever.InMemoryRetriever` (tests, fakes).
    Same ``sync``/``update_policy`` contract as :class:`ChromaIndex`, no files, no server."""

    location = "内存"

    def __init__(self) -> None:
        self.notice: str | None = None
        self.remote = False
        self._vectors: dict[str, np.ndarray] = {}
        self._hashes: dict[str, str] = {}

    def sync(
        self,
        records: Sequence[Record],
        embedder: Embedder,
        rebuild: bool = False,
        progress: Progress | None = None,
    ) -> tuple[IndexStatus, np.ndarray]:
        wanted = policy_hashes(records, embedder)
        plan = _plan(wanted, self._hashes, rebuild, "按要求重建" if rebuild else None)
        if not self._hashes and wanted and not rebuild:
            plan = _plan(wanted, {}, True, "索引不存在")
        stale = set(plan.stale)
        todo = [r for r in records if r.clause.policy_id in stale]
        fresh = _embed(embedder, todo, progress, len(todo))
        self._vectors.update({r.id: fresh[n] for n, r in enumerate(todo)})
        self._hashes = dict(wanted)
        status = IndexStatus(collection_name(embedder), combined_hash(wanted), len(records),
                             plan.rebuild, plan.reason, None, self.location,
                             () if plan.rebuild else tuple(plan.stale), tuple(plan.removed),
                             policy_hashes=dict(wanted))
        matrix = np.stack([self._vectors[r.id] for r in records]) if records else np.zeros((0, embedder.dim), np.float32)
        return status, matrix.astype(np.float32)

    def update_policy(
        self, records: Sequence[Record], embedder: Embedder, policy_id: str
    ) -> tuple[IndexStatus, np.ndarray]:
        fresh = _embed(embedder, records, None, len(records))
        self._vectors.update({r.id: fresh[n] for n, r in enumerate(records)})
        self._hashes.update(policy_hashes(records, embedder))
        status = IndexStatus(collection_name(embedder), "", len(records), False, "新增或更新政策", None, self.location,
                             (policy_id,))
        return status, fresh

    def query(
        self, name: str, vector: np.ndarray, n_results: int, where: dict[str, Any] | None = None
    ) -> list[tuple[str, float]]:
        raise IndexUnavailable("内存索引不支持 Chroma 查询；请用 dense_backend='memory'。")

    def delete(self, name: str) -> None:
        self._vectors.clear()
        self._hashes.clear()

    def close(self) -> None:
        return None
