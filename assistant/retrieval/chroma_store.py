"""What the Chroma store does the same way for a local generation and for a server: open a local Chroma folder,
apply a sync plan to a collection (delete what is gone or stale, embed and upsert the stale policies), and report
the :class:`~assistant.retrieval.index_status.IndexStatus`.

:class:`ChromaStore` is a base of :class:`~assistant.retrieval.chroma_index.ChromaIndex`, which sets every
attribute declared here.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant.config import Settings
from assistant.retrieval.chroma_collection import _chroma_settings, _Collection
from assistant.retrieval.embedders import Embedder
from assistant.retrieval.index_status import IndexStatus
from assistant.retrieval.local_generations import LocalGenerations
from assistant.retrieval.records import Record
from assistant.retrieval.sync_plan import Progress, _batches, _embed, _Plan


class ChromaStore:
    """The parts of :class:`~assistant.retrieval.chroma_index.ChromaIndex` that every way of syncing uses."""

    settings: Settings
    remote: bool
    location: str
    notice: str | None
    generations: LocalGenerations
    generation: Path | None
    _client: Any

    @staticmethod
    def _open_local(path: Path) -> Any:
        import chromadb

        return chromadb.PersistentClient(path=str(path), settings=_chroma_settings())

    def _apply(
        self,
        store: _Collection,
        collection: Any,
        plan: _Plan,
        records: Sequence[Record],
        embedder: Embedder,
        wanted: dict[str, str],
        stored: tuple[dict[str, str], dict[str, np.ndarray], dict[str, list[str]]],
        progress: Progress | None,
    ) -> dict[str, np.ndarray]:
        """Delete removed and stale records, embed and upsert the stale policies; return all vectors by id."""
        _, vectors, ids_by_policy = stored
        stale = set(plan.stale)
        todo = [r for r in records if r.clause.policy_id in stale]
        keep = {r.id for r in todo}
        doomed = [rid for pid in (*plan.removed, *plan.stale) for rid in ids_by_policy.get(pid, []) if rid not in keep]
        for start, end in _batches(len(doomed), 512):
            collection.delete(ids=doomed[start:end])
        fresh = _embed(embedder, todo, progress, len(todo))
        store.write(collection, todo, fresh, wanted)
        gone = set(doomed)
        out = {rid: v for rid, v in vectors.items() if rid not in gone}
        out.update({r.id: fresh[n] for n, r in enumerate(todo)})
        return out

    def _status(self, name: str, records: Sequence[Record], plan: _Plan) -> IndexStatus:
        return IndexStatus(
            collection=name,
            content_hash="",
            count=len(records),
            rebuilt=plan.rebuild,
            reason=plan.reason,
            location=self.location,
            updated=() if plan.rebuild else tuple(plan.stale),
            removed=tuple(plan.removed),
        )
