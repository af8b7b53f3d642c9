"""Bringing the local Chroma folder up to date (see
:class:`~assistant.retrieval.local_generations.LocalGenerations`): read the live generation under a shared lock
when it is current; otherwise, under the writers' lock, look again and build a new generation aside and publish
it; a corrupt generation is moved aside, and a state folder that cannot be written is read from a private copy,
with the missing vectors computed in memory only.

:class:`LocalSync` is a base of :class:`~assistant.retrieval.chroma_index.ChromaIndex`.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import IndexUnavailable
from assistant.retrieval.chroma_collection import _Collection
from assistant.retrieval.chroma_store import ChromaStore
from assistant.retrieval.embedders import Embedder
from assistant.retrieval.index_status import IndexStatus
from assistant.retrieval.local_generations import _is_permission, _read_only
from assistant.retrieval.records import Record
from assistant.retrieval.sync_plan import Progress, _embed, _Plan, _plan

#: The logger the index has always used (its messages keep their name in the app's log).
log = logging.getLogger("assistant.retrieval.index")


class LocalSync(ChromaStore):
    """Syncing the local generations of :class:`~assistant.retrieval.chroma_index.ChromaIndex`."""

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
