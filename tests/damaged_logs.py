"""Real damaged SQLite logs for the tests: not SQLite at all, truncated, or with corrupt pages."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from assistant.logstore import LogStore

DAMAGE = ("not_sqlite", "truncated", "corrupt_pages")


def fill_log(path: Path, rows: int = 400) -> None:
    """A real log with enough rows to span many pages, checkpointed into the main file."""
    LogStore(path)
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO exchanges (conversation_id, turn, created_at, question, answer) VALUES (?,?,?,?,?)",
            [(f"c{i}", 0, "2025-06-01T10:00:00+08:00", f"问题{i}" * 30, "答复" * 60) for i in range(rows)],
        )
        conn.commit()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def damage_log(path: Path, how: str) -> None:
    """Damage (or create damaged) the log at ``path`` in one of the :data:`DAMAGE` ways."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if how == "not_sqlite":
        path.write_bytes(b"this is not a SQLite file\n" * 200)
    elif how == "truncated":
        fill_log(path)
        with path.open("r+b") as f:
            f.truncate(path.stat().st_size // 2)
    elif how == "corrupt_pages":
        if not path.exists() or path.stat().st_size < 4096 * 12:
            fill_log(path)
        with sqlite3.connect(path) as conn:  # everything in the main file, so the garbage is what is read
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        with path.open("r+b") as f:  # garbage over pages 3..12 (b-tree pages of the exchanges table)
            f.seek(4096 * 2)
            f.write(bytes((i * 37 + 11) % 256 for i in range(4096 * 10)))
    else:  # pragma: no cover
        raise ValueError(how)


def moved_aside(folder: Path) -> list[Path]:
    """The damaged logs moved aside in ``folder`` (``log.sqlite3.corrupt-<time>``)."""
    return sorted(p for p in folder.iterdir() if re.fullmatch(r"log\.sqlite3\.corrupt-\d{8}-\d{6}(-\d+)?", p.name))
