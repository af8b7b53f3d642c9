"""What a vector store must do to hold exactly the wanted records (:func:`_plan`: which policies to embed again,
which to delete, or a rebuild), and the embedding of the records it must write, in batches with progress.

Shared by the Chroma store (:mod:`assistant.retrieval.chroma_index`) and
:class:`~assistant.retrieval.memory_store.MemoryStore`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.retrieval.embedders import Embedder
from assistant.retrieval.records import Record

Progress = Callable[[int, int], None]
"""Called with (records done, records total) while the index is being built."""


def _batches(total: int, size: int) -> Iterator[tuple[int, int]]:
    for start in range(0, total, size):
        yield start, min(total, start + size)


def _embed(embedder: Embedder, records: Sequence[Record], progress: Progress | None, total: int) -> np.ndarray:
    if not records:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    parts = []
    for start, end in _batches(len(records), 64):
        parts.append(embedder.encode([r.document for r in records[start:end]]))
        if progress:
            progress(end, total)
    return np.concatenate(parts).astype(np.float32)


@dataclass
class _Plan:
    """What a store must do to hold exactly the wanted records."""

    stale: list[str]
    """Policies to (re-)embed: new, changed, or all of them for a rebuild."""
    removed: list[str]
    """Policies stored but no longer wanted."""
    rebuild: bool
    reason: str | None


def _plan(
    wanted: dict[str, str], stored: dict[str, str], rebuild: bool, reason: str | None
) -> _Plan:
    if rebuild:
        return _Plan(list(wanted), [], True, reason)
    stale = [pid for pid, h in wanted.items() if stored.get(pid) != h]
    removed = [pid for pid in stored if pid not in wanted]
    return _Plan(stale, removed, False, "语料或嵌入模型已变化" if stale or removed else None)
