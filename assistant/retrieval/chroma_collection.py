"""One Chroma collection of clause vectors: opened and created with our own vectors only (never Chroma's embedding
function), checked against the embedder and record layout, read back in pages, and written in batches.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from assistant.retrieval.embedders import Embedder
from assistant.retrieval.index_status import INDEX_LAYOUT_VERSION
from assistant.retrieval.records import Record
from assistant.retrieval.sync_plan import Progress, _batches

#: Records read from Chroma per call when loading the vectors (bounds the transient memory of a large index).
PAGE = 2048


def _chroma_settings():
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


class _Collection:
    """Reads and writes one Chroma collection (own vectors only) and compares it with the wanted records."""

    def __init__(self, client: Any, name: str) -> None:
        self.client = client
        self.name = name

    def get(self) -> Any | None:
        try:
            return self.client.get_collection(self.name, embedding_function=None)
        except Exception as err:
            if _is_not_found(err):
                return None
            raise

    def create(self, embedder: Embedder) -> Any:
        return self.client.create_collection(
            self.name,
            embedding_function=None,
            configuration={"hnsw": {"space": "cosine"}},
            metadata={"embedder": embedder.name, "fingerprint": embedder.fingerprint, "layout": INDEX_LAYOUT_VERSION},
        )

    def compatible(self, collection: Any, embedder: Embedder) -> bool:
        meta = collection.metadata or {}
        return meta.get("fingerprint") == embedder.fingerprint and meta.get("layout") == INDEX_LAYOUT_VERSION

    def stored(self, collection: Any) -> tuple[dict[str, str], dict[str, np.ndarray], dict[str, list[str]]]:
        """(policy → its stored hash, record id → vector, policy → its record ids); a policy whose records
        disagree on the hash counts as changed (hash '')."""
        hashes: dict[str, str] = {}
        vectors: dict[str, np.ndarray] = {}
        ids: dict[str, list[str]] = {}
        total = collection.count()
        matrix: np.ndarray | None = None
        # read in pages, each page's vectors into one float32 matrix at once (Chroma hands out float64)
        for offset in range(0, total, PAGE):
            got = collection.get(include=["embeddings", "metadatas"], limit=PAGE, offset=offset)
            page = np.asarray(got["embeddings"], dtype=np.float32)
            if matrix is None:
                matrix = np.empty((total, page.shape[1]), dtype=np.float32)
            matrix[offset : offset + len(page)] = page
            del page, got["embeddings"]
            for n, (rid, meta) in enumerate(zip(got["ids"], got["metadatas"] or [], strict=True)):
                pid = str((meta or {}).get("policy_id", ""))
                stored_hash = str((meta or {}).get("policy_hash", ""))
                if hashes.setdefault(pid, stored_hash) != stored_hash:
                    hashes[pid] = ""
                vectors[rid] = matrix[offset + n]
                ids.setdefault(pid, []).append(rid)
        return hashes, vectors, ids

    def write(
        self,
        collection: Any,
        records: Sequence[Record],
        vectors: np.ndarray,
        hashes: dict[str, str],
        progress: Progress | None = None,
        done: int = 0,
        total: int = 0,
    ) -> None:
        batch = max(1, min(512, self.client.get_max_batch_size()))
        for start, end in _batches(len(records), batch):
            part = records[start:end]
            collection.upsert(
                ids=[r.id for r in part],
                embeddings=vectors[start:end],
                documents=[r.document for r in part],
                metadatas=[{**r.metadata, "policy_hash": hashes[r.clause.policy_id]} for r in part],
            )
            if progress:
                progress(done + end, total or len(records))


def _is_not_found(err: Exception) -> bool:
    text = f"{type(err).__name__} {err}".lower()
    return "notfound" in text or "does not exist" in text or "not found" in text
