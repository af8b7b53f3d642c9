"""Damage to the log file: whether a SQLite error says the file is damaged (not merely locked, full or read-only),
a ``quick_check`` of the file, and the :class:`Recovery` record of a damaged log moved aside.

Part of :mod:`assistant.logstore`, which re-exports every public name here.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

# SQLite primary result codes that mean the file itself is damaged.
_SQLITE_CORRUPT, _SQLITE_NOTADB = 11, 26


def is_corruption(err: BaseException) -> bool:
    """Whether a sqlite3 error says the file is damaged (not merely locked, full or read-only)."""
    if not isinstance(err, sqlite3.DatabaseError):
        return False
    code = getattr(err, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB)
    text = str(err).lower()
    return "malformed" in text or "not a database" in text


def damage_of(path: Path) -> str | None:
    """Why the SQLite file at ``path`` is damaged (``quick_check``), or None when it is sound or absent."""
    if not path.exists():
        return None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
        try:
            problems = [str(r[0]) for r in conn.execute("PRAGMA quick_check(5)").fetchall()]
        finally:
            conn.close()
    except sqlite3.DatabaseError as err:
        return str(err) if is_corruption(err) else None
    return None if problems == ["ok"] else "；".join(problems)


@dataclass(frozen=True)
class Recovery:
    """A damaged log moved aside and replaced by a new, empty one."""

    moved_to: Path
    at: str
    reason: str

    @property
    def message(self) -> str:
        """For staff: Chinese only (SQLite's own words are in :attr:`reason` and the server log)."""
        return (
            f"对话记录文件已损坏，已移至 {self.moved_to.name} 并新建了空的记录文件；"
            "此前的记录保存在该文件中，可请管理员尝试恢复。"
        )
