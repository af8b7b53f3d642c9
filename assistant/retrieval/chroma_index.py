"""The Chroma store of the clause vectors: a local folder of generations (see
:class:`~assistant.retrieval.local_generations.LocalGenerations`) or, with ``CHROMA_HOST``/``CHROMA_PORT``, a
Chroma server (an unreachable one raises :class:`~assistant.errors.RetrievalUnavailable` within
:data:`CONNECT_TIMEOUT_S`). :meth:`ChromaIndex.sync` brings it up to date policy by policy,
:meth:`ChromaIndex.update_policy` adds or replaces one policy.

Part of :mod:`assistant.retrieval.index`, which re-exports :class:`ChromaIndex`.
"""

from __future__ import annotations

import shutil
import socket
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant.config import Settings
from assistant.errors import IndexUnavailable, RetrievalUnavailable
from assistant.retrieval.chroma_collection import _chroma_settings, _Collection
from assistant.retrieval.chroma_local import LocalSync
from assistant.retrieval.embedders import Embedder
from assistant.retrieval.index_status import IndexStatus, collection_name, combined_hash, policy_hashes
from assistant.retrieval.local_generations import LocalGenerations, _read_only
from assistant.retrieval.records import Record
from assistant.retrieval.sync_plan import Progress, _batches, _Plan, _plan

#: Seconds to wait for a Chroma server's TCP connection and heartbeat before saying retrieval is down.
CONNECT_TIMEOUT_S = 2.0


class ChromaIndex(LocalSync):
    """The store of the clause vectors: a local folder of generations, or a Chroma server."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.remote = bool(settings.chroma_host)
        self.location = (
            f"Chroma 服务 {settings.chroma_host}:{settings.chroma_port}"
            if self.remote
            else f"本地索引 {settings.index_dir}"
        )
        self.notice: str | None = None
        """Set when something went wrong that the user should hear about (read-only folder, corrupt index)."""
        self.generations = LocalGenerations(settings.index_dir)
        self.generation: Path | None = None
        """The local generation this process reads (None for a server)."""
        self._client: Any = None
        if self.remote:
            self._client = self._connect_remote()
        else:
            self.generations.check_folder()

    # -- connection -------------------------------------------------------------------------------------------
    def _connect_remote(self) -> Any:
        host, port = self.settings.chroma_host or "localhost", self.settings.chroma_port
        try:
            # a closed port answers at once; an unreachable host must not hang the caller (and importing
            # chromadb, half a second, waits until the server is known to be there)
            with socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_S):
                pass
            import chromadb

            client = chromadb.HttpClient(host=host, port=port, settings=_chroma_settings())
            client.heartbeat()
            return client
        except Exception as err:
            raise RetrievalUnavailable(self._unreachable(err)) from err

    def _unreachable(self, err: BaseException) -> str:
        return (
            f"无法连接检索服务 Chroma（{self.settings.chroma_host}:{self.settings.chroma_port}）。"
            "请确认服务已启动（例如：chroma run --path 索引目录 --host 主机 --port 端口），"
            f"或清除 CHROMA_HOST 改用本地索引。（{type(err).__name__}）"
        )

    # -- the one entry point ------------------------------------------------------------------------------------
    def sync(
        self,
        records: Sequence[Record],
        embedder: Embedder,
        rebuild: bool = False,
        progress: Progress | None = None,
    ) -> tuple[IndexStatus, np.ndarray]:
        """Bring the store up to date with ``records`` (only new or changed policies are embedded; all of them when
        ``rebuild``), and return the status and every record's vector, in record order."""
        name = collection_name(embedder)
        wanted = policy_hashes(records, embedder)
        started = time.perf_counter()
        if self.remote:
            status, vectors = self._sync_remote(name, records, embedder, wanted, rebuild, progress)
        else:
            status, vectors = self._sync_local(name, records, embedder, wanted, rebuild, progress)
        status.build_seconds = time.perf_counter() - started if status.changed else None
        status.content_hash = combined_hash(wanted)
        status.policy_hashes = dict(wanted)
        status.notice = status.notice or self.notice
        missing = [r.id for r in records if r.id not in vectors]
        if missing:
            raise IndexUnavailable(
                f"索引缺少 {len(missing)} 条记录（如 {missing[0]}），请运行 policy-qa index --rebuild。"
            )
        matrix = np.stack([vectors[r.id] for r in records]) if records else np.zeros((0, embedder.dim), np.float32)
        return status, matrix.astype(np.float32)

    def ensure(
        self,
        records: Sequence[Record],
        embedder: Embedder,
        rebuild: bool = False,
        progress: Progress | None = None,
    ) -> IndexStatus:
        """:meth:`sync` without the vectors (kept for callers that only build the index)."""
        return self.sync(records, embedder, rebuild=rebuild, progress=progress)[0]

    # -- server -------------------------------------------------------------------------------------------------
    def _sync_remote(
        self,
        name: str,
        records: Sequence[Record],
        embedder: Embedder,
        wanted: dict[str, str],
        rebuild: bool,
        progress: Progress | None,
    ) -> tuple[IndexStatus, dict[str, np.ndarray]]:
        try:
            store = _Collection(self._client, name)
            collection = store.get()
            reason = "按要求重建" if rebuild else None
            if collection is not None and (rebuild or not store.compatible(collection, embedder)):
                reason = reason or "嵌入模型或记录格式已变化"
                self._client.delete_collection(name)
                collection = None
            if collection is None:
                reason = reason or "索引不存在"
                collection = store.create(embedder)
                stored: tuple[dict[str, str], dict[str, np.ndarray], dict[str, list[str]]] = ({}, {}, {})
                plan = _plan(wanted, {}, True, reason)
            else:
                stored = store.stored(collection)
                plan = _plan(wanted, stored[0], False, None)
            vectors = self._apply(store, collection, plan, records, embedder, wanted, stored, progress)
        except IndexUnavailable:
            raise
        except Exception as err:
            raise RetrievalUnavailable(self._unreachable(err)) from err
        return self._status(name, records, plan), vectors

    # -- incremental writes ---------------------------------------------------------------------------------------
    def update_policy(
        self, records: Sequence[Record], embedder: Embedder, policy_id: str
    ) -> tuple[IndexStatus, np.ndarray]:
        """Embed and upsert one policy's records (deleting its records that no longer exist); nothing else is
        embedded. Locally this writes a new generation (a copy of the live one plus the upserts) and swaps it in."""
        name = collection_name(embedder)
        wanted = policy_hashes(records, embedder)
        started = time.perf_counter()
        plan = _Plan([policy_id], [], False, "新增或更新政策")
        if self.remote:
            try:
                store = _Collection(self._client, name)
                collection = store.get() or store.create(embedder)
                stored = self._policy_ids(collection, policy_id)
                vectors = self._apply(store, collection, plan, records, embedder, wanted, stored, None)
            except Exception as err:
                raise RetrievalUnavailable(self._unreachable(err)) from err
        else:
            gens = self.generations
            if not gens.writable():
                raise _read_only(gens.folder, PermissionError("read-only"))
            with gens.write_lock():
                live = gens.current()
                generation = gens.new_generation(live)
                try:
                    client = self._open_local(generation)
                    store = _Collection(client, name)
                    collection = store.get() or store.create(embedder)
                    stored = self._policy_ids(collection, policy_id)
                    vectors = self._apply(store, collection, plan, records, embedder, wanted, stored, None)
                except BaseException:
                    shutil.rmtree(generation, ignore_errors=True)
                    raise
                gens.publish(generation)
                gens.hold(generation)
                self._client, self.generation = client, generation
                gens.collect()
        status = self._status(name, records, plan)
        status.build_seconds = time.perf_counter() - started
        return status, np.stack([vectors[r.id] for r in records]).astype(np.float32)

    @staticmethod
    def _policy_ids(
        collection: Any, policy_id: str
    ) -> tuple[dict[str, str], dict[str, np.ndarray], dict[str, list[str]]]:
        got = collection.get(where={"policy_id": policy_id}, include=[])
        return {}, {}, {policy_id: list(got["ids"])}

    # -- reading --------------------------------------------------------------------------------------------------
    def query(
        self, name: str, vector: np.ndarray, n_results: int, where: dict[str, Any] | None = None
    ) -> list[tuple[str, float]]:
        """Chroma's own nearest-neighbour query: (record id, cosine similarity), best first."""
        try:
            collection = _Collection(self._client, name).get() if self._client is not None else None
            if collection is None:
                raise IndexUnavailable(f"索引集合 {name} 不存在，请运行 policy-qa index。")
            n = max(1, min(n_results, collection.count()))
            result = collection.query(
                query_embeddings=np.asarray(vector, dtype=np.float32)[None, :],
                n_results=n,
                where=where,
                include=["distances"],
            )
        except IndexUnavailable:
            raise
        except Exception as err:
            if self.remote:
                raise RetrievalUnavailable(self._unreachable(err)) from err
            raise RetrievalUnavailable(f"本地索引查询失败（{type(err).__name__}: {err}）。") from err
        return [(i, 1.0 - float(d)) for i, d in zip(result["ids"][0], result["distances"][0], strict=True)]

    def add_precomputed(
        self,
        name: str,
        ids: Sequence[str],
        vectors: np.ndarray,
        documents: Sequence[str],
        metadatas: Sequence[dict],
    ) -> None:
        """Write records with vectors computed elsewhere into the live client (benchmarks only)."""
        collection = self._client.get_or_create_collection(
            name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
        )
        for start, end in _batches(len(ids), 4096):
            collection.upsert(
                ids=list(ids[start:end]),
                embeddings=vectors[start:end],
                documents=list(documents[start:end]),
                metadatas=[dict(m) for m in metadatas[start:end]],
            )

    def delete(self, name: str) -> None:
        if self._client is not None and _Collection(self._client, name).get() is not None:
            self._client.delete_collection(name)

    def close(self) -> None:
        """Stop reading the local generation (lets a later writer remove it once superseded)."""
        self.generations.release()
