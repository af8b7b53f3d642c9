"""The SQLite file of the log: connections (WAL, ``synchronous=FULL``, a generous busy timeout), short
``BEGIN IMMEDIATE`` write transactions, and recovery from damage (the damaged file is moved aside and a new log
started; a write is retried on it, a read raises :class:`~assistant.errors.LogUnavailable`).

:class:`LogFile` is the base of :class:`~assistant.logstore.store.LogStore`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from assistant.errors import InputError, LogUnavailable
from assistant.logstore.damage import Recovery, damage_of, is_corruption
from assistant.logstore.records import SCHEMA, _now

#: The logger the log has always used (its messages keep their name in the app's log).
log = logging.getLogger("assistant.logstore")
T = TypeVar("T")


class LogFile:
    """Connections to the log's SQLite file, and its recovery when it is damaged."""

    def __init__(self, path: Path | str, *, timeout_s: float = 60.0) -> None:
        self.path = Path(path)
        self.timeout_s = timeout_s
        self.recoveries: list[Recovery] = []
        """Damaged logs moved aside by this store, oldest first."""
        self._recover_lock = threading.Lock()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        reason = damage_of(self.path)
        if reason is not None:
            self._recover(reason, force=True)
        try:
            self._create()
        except sqlite3.DatabaseError as err:
            if not is_corruption(err):
                raise LogUnavailable(f"无法打开对话记录 {self.path}：{err}") from err
            self._recover(str(err), force=True)

    def _create(self) -> None:
        with self._connect() as conn:
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if str(mode).lower() != "wal":  # pragma: no cover - only on file systems without shared memory
                raise InputError(f"日志数据库无法启用 WAL 模式（当前 {mode}）：{self.path}")
            conn.executescript(SCHEMA)

    # -- damage ------------------------------------------------------------------------------------

    def _recover(self, reason: str, *, force: bool = False) -> Recovery | None:
        """Move the damaged file (and its -wal/-shm) aside and start a new log.

        Unless ``force``, the file is checked again under the lock first: another thread or process may
        already have replaced it, and a sound log is never moved (then None is returned).
        """
        with self._recover_lock:
            if not force and self.path.exists() and damage_of(self.path) is None:
                return None
            stamp = time.strftime("%Y%m%d-%H%M%S")
            target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
            n = 1
            while target.exists():
                target, n = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{n}"), n + 1
            try:
                for suffix in ("", "-wal", "-shm", "-journal"):
                    source = Path(f"{self.path}{suffix}")
                    if source.exists():
                        os.replace(source, Path(f"{target}{suffix}"))
                self._create()
            except (OSError, sqlite3.Error) as err:
                log.error("对话记录文件已损坏，且无法移走或新建：%s（%s）", self.path, err)
                raise LogUnavailable("对话记录文件已损坏，且无法移走或新建；详情见服务器日志。") from err
            recovery = Recovery(target, _now(), reason)
            self.recoveries.append(recovery)
            log.warning("%s（SQLite：%s）", recovery.message, " ".join(reason.split())[:300])
            return recovery

    def _run(self, op: Callable[[], T], *, write: bool) -> T:
        """Run one read or write. On a damaged file: recover, then retry a write on the new log; a read
        raises :class:`LogUnavailable` with the Chinese message (its rows are in the file moved aside)."""
        what = "写入" if write else "读取"
        for attempt in range(3):
            try:
                return op()
            except sqlite3.DatabaseError as err:
                if not is_corruption(err) or attempt == 2:
                    log.warning("对话记录无法%s：%s（%s）", what, err, self.path)
                    raise LogUnavailable(
                        f"对话记录暂时无法{what}（文件被占用、磁盘已满或没有权限），请稍后再试；详情见服务器日志。"
                    ) from err
                # A second failure after the file looked sound: move it aside anyway.
                recovery = self._recover(str(err), force=attempt > 0)
                if recovery is not None and not write:
                    raise LogUnavailable(recovery.message) from err
        raise AssertionError("unreachable")  # pragma: no cover

    @property
    def last_recovery(self) -> Recovery | None:
        return self.recoveries[-1] if self.recoveries else None

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.path, timeout=self.timeout_s, isolation_level=None, check_same_thread=False)
        try:
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout={int(self.timeout_s * 1000)}")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            yield conn
        finally:
            conn.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One short write transaction; BEGIN IMMEDIATE takes the write lock up front (no upgrade deadlock)."""
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                with contextlib.suppress(sqlite3.Error):  # the original error is the one to report
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    @property
    def journal_mode(self) -> str:
        def op() -> str:
            with self._connect() as conn:
                return str(conn.execute("PRAGMA journal_mode").fetchone()[0])

        return self._run(op, write=False)
