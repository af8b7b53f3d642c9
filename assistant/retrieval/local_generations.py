"""The local index folder, laid out for safe concurrent use: generations of a Chroma folder, a ``CURRENT``
pointer swapped atomically, a writers' lock, and readers' shared locks (see :class:`LocalGenerations`); and the
errors of a folder that cannot be written.

Part of :mod:`assistant.retrieval.index`, which re-exports :class:`LocalGenerations`.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO

from assistant.errors import IndexUnavailable

#: Seconds a process waits for another one's index build before giving up with a message.
LOCK_TIMEOUT_S = 900.0


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
