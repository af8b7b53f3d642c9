"""The clause records and the Chroma store of their vectors (one record per clause; a long clause is split at
sentence boundaries and its chunks keep its id).

Chroma is the store of record for the clause vectors. Every record carries its policy's *policy hash* (the
policy's record texts and metadata, the embedder's fingerprint, this module's layout version), so the store is
brought up to date policy by policy: a new or changed policy is embedded and upserted, a removed one deleted,
and nothing else is touched. It is never silently stale.

* Local folder (``settings.index_dir``) by default, laid out for safe concurrent use (see :class:`LocalGenerations`):
  every write builds a new *generation* folder aside (a copy of the live one, then the upserts; or an empty one
  for a rebuild) under an exclusive file lock, then swaps it in by renaming the ``CURRENT`` pointer. Readers never
  delete or change anything: they hold a shared lock on the generation they read, and a superseded generation is
  removed only once no reader holds it. An index that cannot be opened is rebuilt only when it is really corrupt
  (it still fails under the lock), and the corrupt folder is moved aside, not deleted.
* ``CHROMA_HOST``/``CHROMA_PORT`` switch to ``chromadb.HttpClient``; an unreachable server raises
  :class:`~assistant.errors.RetrievalUnavailable` within :data:`CONNECT_TIMEOUT_S`.

We never let Chroma embed anything (its default embedding function downloads a model): collections are
opened with ``embedding_function=None`` and always given our own vectors.
"""

from __future__ import annotations

import atexit
import errno
import fcntl
import hashlib
import json
import logging
import os
import re
import shutil
import socket
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

import numpy as np

from assistant.config import Settings
from assistant.corpus import Clause, Corpus, Policy
from assistant.errors import IndexUnavailable, RetrievalUnavailable
from assistant.retrieval.embedders import Embedder, slug

log = logging.getLogger(__name__)

#: Bump when the record layout (texts, metadata, chunking) changes: it is part of every policy hash.
INDEX_LAYOUT_VERSION = 2
#: Longest chunk, in characters, before a clause is split at sentence boundaries. Both models embed a short
#: passage better than a long one (mean pooling dilutes), and the longest clause (第5条) is ~330 characters.
MAX_CHUNK_CHARS = 200
#: ``valid_until`` stored for a policy without an end date (Chroma filters compare numbers only).
OPEN_END = 99991231
COLLECTION_PREFIX = "clauses"
#: Seconds to wait for a Chroma server's TCP connection and heartbeat before saying retrieval is down.
CONNECT_TIMEOUT_S = 2.0
#: Records read from Chroma per call when loading the vectors (bounds the transient memory of a large index).
PAGE = 2048
#: Seconds a process waits for another one's index build before giving up with a message.
LOCK_TIMEOUT_S = 900.0

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


def _chroma_settings():
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


def _batches(total: int, size: int) -> Iterator[tuple[int, int]]:
    for start in range(0, total, size):
        yield start, min(total, start + size)


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


class LocalGenerations:
    """The local index folder: generations of a Chroma folder, a ``CURRENT`` pointer, and a writers' lock.

    ::

        $POLICY_QA_HOME/index/
            CURRENT           name of the live generation (replaced atomically with os.replace)
            .lock             writers hold it exclusively (flock): builds and updates are serialised
            gen-<time>-<pid>/ a Chroma folder; its .readers file is flock-shared by every process reading it
            corrupt-<…>/      a generation found corrupt, moved aside for inspection (only the newest is kept)
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._reader_lock: IO[str] | None = None

    # -- the folder -------------------------------------------------------------------------------------------
    def check_folder(self) -> None:
        """A clear message when the index path is unusable (a file, or a parent that is a file)."""
        for path in (self.folder, *self.folder.parents):
            if path.exists():
                if not path.is_dir():
                    raise IndexUnavailable(
                        f"索引位置 {path} 是一个文件，不是文件夹，无法打开或建立索引。"
                        "请移走该文件，或把 POLICY_QA_HOME 设为另一个文件夹。"
                    )
                return

    def writable(self) -> bool:
        probe = self.folder if self.folder.exists() else next(p for p in self.folder.parents if p.exists())
        return os.access(probe, os.W_OK)

    def current(self) -> Path | None:
        try:
            name = (self.folder / "CURRENT").read_text(encoding="utf-8").strip()
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as err:
            raise IndexUnavailable(f"无法读取索引指针 {self.folder / 'CURRENT'}：{err}") from err
        path = self.folder / name
        return path if name and "/" not in name and path.is_dir() else None

    # -- locks ------------------------------------------------------------------------------------------------
    @contextmanager
    def write_lock(self, timeout: float = LOCK_TIMEOUT_S) -> Iterator[None]:
        """Exclusive: one writer at a time, across processes (flock on index/.lock)."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle = open(self.folder / ".lock", "a+", encoding="utf-8")  # noqa: SIM115 (held for the block)
        except OSError as err:
            raise _read_only(self.folder, err) from err
        deadline = time.monotonic() + timeout
        try:
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise IndexUnavailable(
                            f"另一个进程正在建立索引（{self.folder}），等待 {timeout:.0f} 秒仍未完成，请稍后再试。"
                        ) from None
                    time.sleep(0.1)
            yield
        finally:
            handle.close()  # releases the lock

    def hold(self, generation: Path) -> None:
        """Take a shared lock on a generation for as long as this object reads it (released by :meth:`release`)."""
        self.release()
        lock_file = generation / ".readers"
        try:
            handle = open(lock_file, "a+" if os.access(generation, os.W_OK) else "r", encoding="utf-8")  # noqa: SIM115
        except OSError:
            return  # a read-only folder without the file: nobody can delete it either
        fcntl.flock(handle, fcntl.LOCK_SH)
        self._reader_lock = handle

    def release(self) -> None:
        if self._reader_lock is not None:
            self._reader_lock.close()
            self._reader_lock = None

    # -- writing (under the write lock) -----------------------------------------------------------------------
    def new_generation(self, copy_of: Path | None) -> Path:
        """A fresh generation folder: a copy of ``copy_of`` (reader locks excluded) or empty."""
        name = f"gen-{time.strftime('%Y%m%d%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6:06d}"
        path = self.folder / name
        if copy_of is not None:
            shutil.copytree(copy_of, path, ignore=shutil.ignore_patterns(".readers"))
        else:
            path.mkdir(parents=True)
        return path

    def publish(self, generation: Path) -> None:
        """Make ``generation`` the live one: write the pointer aside, then rename it over CURRENT (atomic)."""
        pointer = self.folder / "CURRENT"
        tmp = self.folder / f".CURRENT.{os.getpid()}"
        tmp.write_text(generation.name, encoding="utf-8")
        os.replace(tmp, pointer)
        _fsync_dir(self.folder)

    def set_aside(self, generation: Path) -> Path:
        """Move a corrupt generation aside (kept for inspection; older corrupt copies are removed)."""
        for old in self.folder.glob("corrupt-*"):
            shutil.rmtree(old, ignore_errors=True)
        target = self.folder / f"corrupt-{generation.name}"
        os.replace(generation, target)
        return target

    def collect(self) -> list[str]:
        """Remove superseded generations that no process reads any more (under the write lock)."""
        live = self.current()
        removed: list[str] = []
        for path in sorted(self.folder.glob("gen-*")):
            if live is not None and path.name == live.name or not path.is_dir():
                continue
            try:
                handle = open(path / ".readers", "a+", encoding="utf-8")  # noqa: SIM115
            except OSError:
                continue
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                continue  # a reader still holds it: a later writer removes it
            try:
                shutil.rmtree(path)
                removed.append(path.name)
            finally:
                handle.close()
        return removed


def _fsync_dir(folder: Path) -> None:
    with suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _read_only(folder: Path, err: BaseException) -> IndexUnavailable:
    return IndexUnavailable(
        f"状态文件夹不可写（{folder}：{getattr(err, 'strerror', None) or err}），无法建立或更新检索索引。"
        "请把 POLICY_QA_HOME 设为可写的文件夹，或在可写的环境中先运行 policy-qa index。"
    )


def _is_permission(err: BaseException) -> bool:
    if isinstance(err, PermissionError) or (isinstance(err, OSError) and err.errno in (errno.EACCES, errno.EROFS)):
        return True
    text = str(err).lower()
    return "readonly" in text or "read-only" in text or "permission denied" in text


class ChromaIndex:
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

    @staticmethod
    def _open_local(path: Path) -> Any:
        import chromadb

        return chromadb.PersistentClient(path=str(path), settings=_chroma_settings())

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

    # -- local generations ----------------------------------------------------------------------------------------
    def _read(self, generation: Path, name: str) -> tuple[Any, Any]:
        """Open a generation and its collection (None when the collection is not there)."""
        if not (generation / "chroma.sqlite3").is_file():
            raise IndexUnavailable(f"索引文件夹 {generation} 缺少 chroma.sqlite3。")
        client = self._open_local(generation)
        return client, _Collection(client, name).get()

    def _sync_local(
        self,
        name: str,
        records: Sequence[Record],
        embedder: Embedder,
        wanted: dict[str, str],
        rebuild: bool,
        progress: Progress | None,
    ) -> tuple[IndexStatus, dict[str, np.ndarray]]:
        gens = self.generations
        if not rebuild:
            live = self._held_current()
            if live is not None:
                try:
                    client, collection = self._read(live, name)
                    if collection is not None and _Collection(client, name).compatible(collection, embedder):
                        stored = _Collection(client, name).stored(collection)
                        plan = _plan(wanted, stored[0], False, None)
                        if not plan.stale and not plan.removed:
                            self._client, self.generation = client, live
                            return self._status(name, records, plan), stored[1]
                except Exception as err:  # judged under the lock below: another writer may have swapped it
                    if _is_permission(err):
                        return self._read_only_copy(name, records, embedder, wanted, live, err, progress)
                    log.info("本地索引 %s 打开失败（%s），将在锁内复查", live, err)
        if not gens.writable():
            return self._in_memory(name, records, embedder, wanted, gens.current(), progress)
        with gens.write_lock():
            return self._write_local(name, records, embedder, wanted, rebuild, progress)

    def _held_current(self) -> Path | None:
        """The live generation, with this process's shared lock on it (so no writer removes it under us)."""
        gens = self.generations
        for _ in range(5):
            live = gens.current()
            if live is None:
                return None
            gens.hold(live)
            if gens.current() == live and live.is_dir():
                return live
        return gens.current()

    def _write_local(
        self,
        name: str,
        records: Sequence[Record],
        embedder: Embedder,
        wanted: dict[str, str],
        rebuild: bool,
        progress: Progress | None,
    ) -> tuple[IndexStatus, dict[str, np.ndarray]]:
        """Under the write lock: look again, then build a new generation aside and publish it."""
        gens = self.generations
        live = gens.current()
        reason: str | None = "按要求重建" if rebuild else None
        base: Path | None = None
        stored: tuple[dict[str, str], dict[str, np.ndarray], dict[str, list[str]]] = ({}, {}, {})
        if live is None:
            reason = reason or ("索引不存在" if not any(gens.folder.glob("gen-*")) else "索引指针缺失")
        elif not rebuild:
            try:
                client, collection = self._read(live, name)
                if collection is None:
                    reason = "索引中没有该嵌入模型的集合"
                    base = live
                elif not _Collection(client, name).compatible(collection, embedder):
                    reason = "嵌入模型或记录格式已变化"
                    base = live
                else:
                    stored = _Collection(client, name).stored(collection)
                    plan = _plan(wanted, stored[0], False, None)
                    if not plan.stale and not plan.removed:  # another process brought it up to date meanwhile
                        gens.hold(live)
                        self._client, self.generation = client, live
                        return self._status(name, records, plan), stored[1]
                    base = live
            except Exception as err:
                if _is_permission(err):
                    raise _read_only(gens.folder, err) from err
                # still failing with no writer around: it is really corrupt. Keep it aside, build anew.
                aside = gens.set_aside(live)
                reason = "本地索引已损坏"
                self.notice = f"本地索引无法读取（{type(err).__name__}），已另建新索引；损坏的副本移到 {aside}"
                log.warning("%s", self.notice)
        generation = gens.new_generation(base)
        try:
            client = self._open_local(generation)
            store = _Collection(client, name)
            collection = store.get()
            if collection is not None and (reason is not None and base is not None and stored == ({}, {}, {})):
                # copied from a generation whose collection is unusable for this model: start it empty
                client.delete_collection(name)
                collection = None
            if collection is None:
                collection = store.create(embedder)
                plan = _plan(wanted, {}, True, reason or "索引不存在")
            else:
                plan = _plan(wanted, stored[0], rebuild, reason)
            vectors = self._apply(store, collection, plan, records, embedder, wanted, stored, progress)
        except BaseException:
            shutil.rmtree(generation, ignore_errors=True)  # our own unfinished folder: never an orphan
            raise
        gens.publish(generation)
        gens.hold(generation)
        self._client, self.generation = client, generation
        gens.collect()
        return self._status(name, records, plan), vectors

    def _read_only_copy(
        self,
        name: str,
        records: Sequence[Record],
        embedder: Embedder,
        wanted: dict[str, str],
        live: Path,
        err: BaseException,
        progress: Progress | None,
    ) -> tuple[IndexStatus, dict[str, np.ndarray]]:
        """Chroma cannot open a read-only folder: read a private temporary copy instead."""
        scratch = tempfile.mkdtemp(prefix="policy-qa-index-")
        atexit.register(shutil.rmtree, scratch, True)
        copy = Path(scratch) / live.name
        # plain file copies (not the read-only mode bits), and folders we may write: Chroma opens for writing
        shutil.copytree(live, copy, ignore=shutil.ignore_patterns(".readers"), copy_function=shutil.copyfile)
        for folder, _, _ in os.walk(copy):
            os.chmod(folder, 0o700)
        self.notice = f"状态文件夹只读（{self.generations.folder}），检索使用索引的临时副本"
        return self._in_memory(name, records, embedder, wanted, copy, progress)

    def _in_memory(
        self,
        name: str,
        records: Sequence[Record],
        embedder: Embedder,
        wanted: dict[str, str],
        live: Path | None,
        progress: Progress | None,
    ) -> tuple[IndexStatus, dict[str, np.ndarray]]:
        """The state folder cannot be written: use what the index holds and embed the rest in memory only."""
        stored: tuple[dict[str, str], dict[str, np.ndarray], dict[str, list[str]]] = ({}, {}, {})
        if live is not None:
            try:
                client, collection = self._read(live, name)
                if collection is not None and _Collection(client, name).compatible(collection, embedder):
                    stored = _Collection(client, name).stored(collection)
                    self._client, self.generation = client, live
            except Exception as err:
                log.warning("只读索引 %s 无法读取：%s", live, err)
        plan = _plan(wanted, stored[0], False, None)
        todo = [r for r in records if r.clause.policy_id in set(plan.stale)]
        vectors = dict(stored[1])
        fresh = _embed(embedder, todo, progress, len(todo))
        vectors.update({r.id: fresh[n] for n, r in enumerate(todo)})
        base = self.notice or f"状态文件夹 {self.generations.folder} 不可写"
        self.notice = base + (f"；{len(todo)} 条记录的向量只在本进程内存中计算，未写入索引" if todo else "")
        status = self._status(name, records, _Plan([], [], False, None))
        status.notice = self.notice
        status.persisted = not todo
        return status, vectors

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


def _is_not_found(err: Exception) -> bool:
    text = f"{type(err).__name__} {err}".lower()
    return "notfound" in text or "does not exist" in text or "not found" in text
