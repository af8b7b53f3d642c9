"""The Chroma clause index: one record per clause (a long clause split at sentence boundaries keeps its id).

Chroma is the store of record for the clause vectors. The collection carries a content hash of the records
(texts + metadata), the embedder's fingerprint and this module's layout version; when the corpus or the model
changes the hash no longer matches and the index is rebuilt, with a message — it is never silently stale.

* Local folder (``settings.index_dir``) through ``chromadb.PersistentClient`` by default; a missing or corrupt
  folder is rebuilt with a message.
* ``CHROMA_HOST``/``CHROMA_PORT`` switch the same code to ``chromadb.HttpClient``; an unreachable server raises
  :class:`~assistant.errors.IndexUnavailable`.

We never let Chroma embed anything (its default embedding function downloads a model): collections are
opened with ``embedding_function=None`` and always given our own vectors.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from assistant.config import Settings
from assistant.corpus import Clause, Corpus, Policy
from assistant.errors import IndexUnavailable
from assistant.retrieval.embedders import Embedder, slug

log = logging.getLogger(__name__)

#: Bump when the record layout (texts, metadata, chunking) changes: it is part of the content hash.
INDEX_LAYOUT_VERSION = 1
#: Longest chunk, in characters, before a clause is split at sentence boundaries. Both models embed a short
#: passage better than a long one (mean pooling dilutes), and the longest clause (第5条) is ~330 characters.
MAX_CHUNK_CHARS = 200
#: ``valid_until`` stored for a policy without an end date (Chroma filters compare numbers only).
OPEN_END = 99991231
COLLECTION_PREFIX = "clauses"

Progress = Callable[[int, int], None]
"""Called with (records done, records total) while the index is being built."""

_SENTENCE_END = re.compile(r"(?<=[。；！？!?;])|\n+")


def date_int(value: date | None, default: int = OPEN_END) -> int:
    """A date as YYYYMMDD integer (``default`` for None)."""
    return value.year * 10000 + value.month * 100 + value.day if value else default


@dataclass(frozen=True)
class Record:
    """One Chroma record: a clause, or one sentence-aligned chunk of a long clause."""

    id: str
    clause: Clause
    chunk: int
    document: str
    """The text embedded: the parent chain of headings, then the clause label and (this chunk of) its text."""
    metadata: dict[str, str | int]


def own_text(clause: Clause) -> str:
    """The clause's text without its heading line (empty for a heading-only section)."""
    text = clause.text.strip()
    if clause.heading and text.startswith(clause.heading.strip()):
        text = text[len(clause.heading.strip()) :].strip()
    return text


def clause_text(policy: Policy, clause: Clause) -> str:
    """What a record says for a clause. A section or subsection that is only a heading ("二、支持范围及标准") is
    described by its heading and the titles of its children, so "附则讲了什么" can find "三、附则"."""
    if own_text(clause):
        return clause.text.strip()
    children = policy.children(clause.clause_id)
    if not children:
        return clause.text.strip()
    return f"{clause.heading.strip()}：" + "；".join(_child_line(c) for c in children) + "。"


def _child_line(child: Clause) -> str:
    if child.kind in ("item", "article"):
        return f"{child.label} {child.title.rstrip('…')}"
    return child.heading.strip()


def split_sentences(text: str, max_chars: int = MAX_CHUNK_CHARS) -> list[str]:
    """Greedy packing of whole sentences into chunks of at most ``max_chars`` (a longer sentence stays whole)."""
    sentences = [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]
    chunks: list[str] = []
    current = ""
    for sentence in sentences:
        if current and len(current) + len(sentence) > max_chars:
            chunks.append(current)
            current = ""
        current += sentence
    if current:
        chunks.append(current)
    return chunks or [text.strip()]


#: What a preamble is for, in the genre's words: a Chinese policy opens with why it is made and on which documents
#: it rests ("为贯彻落实《…》…精神，…，制定本实施细则"), under no heading of its own.
PREAMBLE_ROLE = "制定目的和依据"


def lexical_fields(policy: Policy, clause: Clause) -> dict[str, str]:
    """The clause's BM25 fields (see :mod:`assistant.retrieval.bm25`): its own heading, its own text, and the
    headings above it plus (for a heading-only section) its children's titles."""
    children = policy.children(clause.clause_id)
    body = own_text(clause)
    if clause.kind == "preamble":
        title = f"{clause.label} {PREAMBLE_ROLE}"
        body = clause.text.strip()
    else:
        title = f"{clause.label} {clause.title.rstrip('…')}"
    context = [*clause.path[:-1]]
    if not body and children:
        context += [_child_line(c) for c in children]
    return {"title": title, "body": body, "context": "\n".join(context)}


def parent_chain(clause: Clause) -> str:
    """Headings above the clause (its path without its own heading)."""
    return " › ".join(clause.path[:-1])


def records_for(corpus: Corpus | Iterable[Policy], max_chars: int = MAX_CHUNK_CHARS) -> list[Record]:
    """All records of the corpus, in document order."""
    policies = corpus.policies.values() if isinstance(corpus, Corpus) else corpus
    records: list[Record] = []
    for policy in policies:
        meta = policy.meta
        for clause in policy.clauses:
            chain = parent_chain(clause)
            for n, chunk in enumerate(split_sentences(clause_text(policy, clause), max_chars)):
                lead = f"{chain}\n" if chain else ""
                # a later chunk repeats the clause's title so it still says what it is about
                head = f"{clause.label} {clause.title}：" if n else f"{clause.label} "
                document = f"{lead}{head}{chunk}"
                metadata: dict[str, str | int] = {
                    "policy_id": clause.policy_id,
                    "clause_id": clause.clause_id,
                    "label": clause.label,
                    "path": clause.path_str,
                    "kind": clause.kind,
                    "chunk": n,
                    "effective_from": date_int(meta.effective_from, 0),
                    "valid_until": date_int(meta.valid_until),
                    "region": meta.region,
                }
                records.append(
                    Record(f"{clause.policy_id}:{clause.clause_id}:{n}", clause, n, document, metadata)
                )
    return records


def content_hash(records: Sequence[Record], embedder: Embedder) -> str:
    """What the collection was built from: layout, model and every record. The policies' retrieval vocabulary
    (retrieval.yaml) is not in it on purpose: it changes no record text and so no vector; it shapes only the
    in-memory BM25 index and the query, which every :class:`~assistant.retrieval.retriever.Retriever` rebuilds
    from the current files."""
    payload = json.dumps(
        [INDEX_LAYOUT_VERSION, embedder.fingerprint, [(r.id, r.document, r.metadata) for r in records]],
        ensure_ascii=False,
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def collection_name(embedder: Embedder) -> str:
    return f"{COLLECTION_PREFIX}-{slug(embedder.name)}"


@dataclass
class IndexStatus:
    """What :meth:`ChromaIndex.ensure` found and did."""

    collection: str
    content_hash: str
    count: int
    rebuilt: bool
    reason: str | None = None
    """Why it was rebuilt ('索引不存在', '语料或模型已变化', …), in Chinese."""
    build_seconds: float | None = None
    location: str = ""

    def message(self) -> str:
        if not self.rebuilt:
            return f"索引是最新的：{self.count} 条记录（{self.location}，集合 {self.collection}）。"
        return (
            f"已重建索引（{self.reason}）：{self.count} 条记录，用时 {self.build_seconds:.1f} 秒"
            f"（{self.location}，集合 {self.collection}）。"
        )


@dataclass
class DenseMatrix:
    """The clause vectors read back from Chroma, kept in memory for a fast exact dense ranking."""

    ids: list[str]
    vectors: np.ndarray
    metadatas: list[dict[str, Any]] = field(default_factory=list)


def _chroma_settings():
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


class ChromaIndex:
    """A Chroma client (local folder or HTTP server) holding one clause collection per embedder."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.remote = bool(settings.chroma_host)
        self.location = (
            f"Chroma 服务 {settings.chroma_host}:{settings.chroma_port}"
            if self.remote
            else f"本地索引 {settings.index_dir}"
        )
        self.notice: str | None = None
        """Set when the local index was found corrupt and wiped."""
        self._client = self._connect()

    # -- connection -------------------------------------------------------------------------------------------
    def _connect(self):
        import chromadb

        if self.remote:
            try:
                client = chromadb.HttpClient(
                    host=self.settings.chroma_host or "localhost",
                    port=self.settings.chroma_port,
                    settings=_chroma_settings(),
                )
                client.heartbeat()
                return client
            except Exception as err:
                raise IndexUnavailable(self._unreachable(err)) from err
        folder = self.settings.index_dir
        try:
            folder.mkdir(parents=True, exist_ok=True)
            client = chromadb.PersistentClient(path=str(folder), settings=_chroma_settings())
            client.list_collections()
            return client
        except Exception as err:
            self._wipe_local(f"本地索引无法打开（{type(err).__name__}），已删除并将重建")
            try:
                return chromadb.PersistentClient(path=str(folder), settings=_chroma_settings())
            except Exception as err2:
                raise IndexUnavailable(f"无法创建本地索引 {folder}：{err2}") from err2

    def _unreachable(self, err: Exception) -> str:
        return (
            f"无法连接检索服务 Chroma（{self.settings.chroma_host}:{self.settings.chroma_port}）。"
            "请确认服务已启动（例如：chroma run --path 索引目录 --host 主机 --port 端口），"
            f"或清除 CHROMA_HOST 改用本地索引。（{type(err).__name__}）"
        )

    def _wipe_local(self, notice: str) -> None:
        from chromadb.api.shared_system_client import SharedSystemClient

        folder = self.settings.index_dir
        log.warning("%s：%s", notice, folder)
        self.notice = notice
        SharedSystemClient.clear_system_cache()
        if folder.exists() and folder.resolve() != Path.home().resolve():
            shutil.rmtree(folder)
        folder.mkdir(parents=True, exist_ok=True)

    # -- collections ------------------------------------------------------------------------------------------
    def _get(self, name: str):
        try:
            return self._client.get_collection(name, embedding_function=None)
        except Exception as err:
            if _is_not_found(err):
                return None
            raise

    def ensure(
        self,
        records: Sequence[Record],
        embedder: Embedder,
        rebuild: bool = False,
        progress: Progress | None = None,
    ) -> IndexStatus:
        """Make the embedder's collection hold exactly ``records``; rebuild when missing, stale or asked."""
        name = collection_name(embedder)
        expected = content_hash(records, embedder)
        try:
            return self._ensure(name, expected, records, embedder, rebuild, progress)
        except IndexUnavailable:
            raise
        except Exception as err:
            if self.remote:
                raise IndexUnavailable(self._unreachable(err)) from err
            # A corrupt local folder can fail only when a collection is read: wipe it and build again.
            self._wipe_local(f"本地索引已损坏（{type(err).__name__}: {err}），已删除并将重建")
            self._client = self._connect()
            status = self._ensure(name, expected, records, embedder, True, progress)
            status.reason = "本地索引已损坏"
            return status

    def _ensure(
        self,
        name: str,
        expected: str,
        records: Sequence[Record],
        embedder: Embedder,
        rebuild: bool,
        progress: Progress | None,
    ) -> IndexStatus:
        collection = self._get(name)
        reason: str | None
        if rebuild:
            reason = "按要求重建"
        elif collection is None:
            reason = "索引不存在" if self.notice is None else self.notice
        elif (collection.metadata or {}).get("content_hash") != expected:
            reason = "语料或嵌入模型已变化"
        elif collection.count() != len(records):
            reason = "记录数与语料不符"
        else:
            return IndexStatus(name, expected, len(records), False, location=self.location)
        log.info("重建索引 %s：%s", name, reason)
        started = time.perf_counter()
        self._build(name, expected, records, embedder, progress)
        return IndexStatus(
            name, expected, len(records), True, reason, time.perf_counter() - started, self.location
        )

    def _build(
        self,
        name: str,
        expected: str,
        records: Sequence[Record],
        embedder: Embedder,
        progress: Progress | None,
    ) -> None:
        if self._get(name) is not None:
            self._client.delete_collection(name)
        # The content hash is written last: a build that dies half-way leaves no hash and is redone next time.
        collection = self._client.create_collection(
            name,
            embedding_function=None,
            configuration={"hnsw": {"space": "cosine"}},
            metadata={"embedder": embedder.name, "layout": INDEX_LAYOUT_VERSION},
        )
        batch = min(64, max(1, self._client.get_max_batch_size()))
        total = len(records)
        if progress:
            progress(0, total)
        for start in range(0, total, batch):
            part = records[start : start + batch]
            vectors = embedder.encode([r.document for r in part])
            collection.add(
                ids=[r.id for r in part],
                embeddings=vectors,
                documents=[r.document for r in part],
                metadatas=[dict(r.metadata) for r in part],
            )
            if progress:
                progress(min(start + batch, total), total)
        collection.modify(
            metadata={"embedder": embedder.name, "layout": INDEX_LAYOUT_VERSION, "content_hash": expected}
        )

    def add_precomputed(
        self,
        name: str,
        ids: Sequence[str],
        vectors: np.ndarray,
        documents: Sequence[str],
        metadatas: Sequence[dict],
    ) -> None:
        """Write records with vectors computed elsewhere (the benchmark's synthetic clauses)."""
        if self._get(name) is not None:
            self._client.delete_collection(name)
        collection = self._client.create_collection(
            name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
        )
        batch = max(1, min(4096, self._client.get_max_batch_size()))
        for start in range(0, len(ids), batch):
            end = start + batch
            collection.add(
                ids=list(ids[start:end]),
                embeddings=vectors[start:end],
                documents=list(documents[start:end]),
                metadatas=[dict(m) for m in metadatas[start:end]],
            )

    def delete(self, name: str) -> None:
        if self._get(name) is not None:
            self._client.delete_collection(name)

    def load_matrix(self, name: str) -> DenseMatrix:
        """All vectors of a collection, read back from Chroma (the store of record)."""
        collection = self._get(name)
        if collection is None:
            raise IndexUnavailable(f"索引集合 {name} 不存在，请运行 policy-qa index。")
        got = collection.get(include=["embeddings", "metadatas"])
        vectors = np.asarray(got["embeddings"], dtype=np.float32)
        return DenseMatrix(list(got["ids"]), vectors, list(got["metadatas"] or []))

    def query(
        self, name: str, vector: np.ndarray, n_results: int, where: dict[str, Any] | None = None
    ) -> list[tuple[str, float]]:
        """Chroma's own nearest-neighbour query: (record id, cosine similarity), best first."""
        collection = self._get(name)
        if collection is None:
            raise IndexUnavailable(f"索引集合 {name} 不存在，请运行 policy-qa index。")
        n = max(1, min(n_results, collection.count()))
        result = collection.query(
            query_embeddings=np.asarray(vector, dtype=np.float32)[None, :],
            n_results=n,
            where=where,
            include=["distances"],
        )
        return [(i, 1.0 - float(d)) for i, d in zip(result["ids"][0], result["distances"][0], strict=True)]


def _is_not_found(err: Exception) -> bool:
    text = f"{type(err).__name__} {err}".lower()
    return "notfound" in text or "does not exist" in text or "not found" in text
