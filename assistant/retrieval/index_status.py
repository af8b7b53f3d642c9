"""What a vector store holds and what bringing it up to date did: each policy's hash (its records, the
embedder's fingerprint, the record layout version), the content hash of the whole store, the collection's name,
and :class:`IndexStatus`.

Part of :mod:`assistant.retrieval.index`, which re-exports every public name here.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.retrieval.embedders import Embedder, slug
from assistant.retrieval.records import Record

#: Bump when the record layout (texts, metadata, chunking) changes: it is part of every policy hash.
INDEX_LAYOUT_VERSION = 2
COLLECTION_PREFIX = "clauses"


def policy_hashes(records: Sequence[Record], embedder: Embedder) -> dict[str, str]:
    """Each policy's hash: layout, model and every record of the policy (in order)."""
    grouped: dict[str, list[Record]] = {}
    for record in records:
        grouped.setdefault(record.clause.policy_id, []).append(record)
    return {
        pid: hashlib.sha256(
            json.dumps(
                [INDEX_LAYOUT_VERSION, embedder.fingerprint, [(r.id, r.document, r.metadata) for r in recs]],
                ensure_ascii=False,
                sort_keys=True,
            ).encode()
        ).hexdigest()[:32]
        for pid, recs in grouped.items()
    }


def content_hash(records: Sequence[Record], embedder: Embedder) -> str:
    """What the whole store holds: the policy hashes of every policy. The policies' retrieval vocabulary
    (retrieval.yaml) is not in it on purpose: it changes no record text and so no vector; it shapes only the
    in-memory BM25 index and the query, which every :class:`~assistant.retrieval.retriever.Retriever` rebuilds
    from the current files."""
    return combined_hash(policy_hashes(records, embedder))


def combined_hash(hashes: dict[str, str]) -> str:
    """The content hash of a store holding these policies (see :func:`content_hash`)."""
    return hashlib.sha256(json.dumps(sorted(hashes.items())).encode()).hexdigest()


def collection_name(embedder: Embedder) -> str:
    return f"{COLLECTION_PREFIX}-{slug(embedder.name)}"


@dataclass
class IndexStatus:
    """What :meth:`ChromaIndex.sync` found and did."""

    collection: str
    content_hash: str
    count: int
    rebuilt: bool
    """True when every record was embedded again (a new index, a new model or layout, a corrupt or asked rebuild)."""
    reason: str | None = None
    """Why it was rebuilt or updated ('索引不存在', '语料或模型已变化', …), in Chinese."""
    build_seconds: float | None = None
    location: str = ""
    updated: tuple[str, ...] = ()
    """Policies embedded and upserted (new or changed) without a rebuild."""
    removed: tuple[str, ...] = ()
    """Policies whose records were deleted (no longer in the corpus)."""
    notice: str | None = None
    """Something the user should know (a read-only state folder, a corrupt index moved aside), in Chinese."""
    persisted: bool = True
    """False when some vectors were computed in this process only (the state folder cannot be written)."""
    policy_hashes: dict[str, str] = field(default_factory=dict)
    """Each policy's hash, as the store now holds it."""

    @property
    def changed(self) -> bool:
        return self.rebuilt or bool(self.updated or self.removed)

    def message(self) -> str:
        notice = f"{self.notice}。" if self.notice else ""
        where = f"（{self.location}，集合 {self.collection}）"
        if not self.persisted:
            return f"{notice}检索照常可用：{self.count} 条记录{where}。"
        if self.rebuilt:
            return (
                f"{notice}已重建索引（{self.reason}）：{self.count} 条记录，用时 {self.build_seconds or 0:.1f} 秒{where}。"
            )
        if self.updated or self.removed:
            parts = []
            if self.updated:
                parts.append(f"更新 {len(self.updated)} 个政策（{'、'.join(self.updated[:3])}{'…' if len(self.updated) > 3 else ''}）")
            if self.removed:
                parts.append(f"删除 {len(self.removed)} 个政策")
            return f"{notice}已增量更新索引：{'，'.join(parts)}；共 {self.count} 条记录，用时 {self.build_seconds or 0:.1f} 秒{where}。"
        return f"{notice}索引是最新的：{self.count} 条记录{where}。"
