"""Exporting the log as CSV safely: the columns, the cells a spreadsheet would take for a formula written as text
(OWASP "CSV injection"), and the pruning of old exports.

Part of :mod:`assistant.logstore`, which re-exports every public name here.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

#: A cell starting with one of these is a formula to Excel/LibreOffice (OWASP "CSV injection").
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")

#: Exports kept in the exports folder: the newest KEEP_EXPORTS files, and none older than a day.
KEEP_EXPORTS = 20
EXPORT_MAX_AGE_S = 24 * 3600

CSV_COLUMNS: tuple[str, ...] = (
    "exchange_id", "conversation_id", "turn", "created_at", "as_of", "question", "answer", "intent",
    "amount_yuan", "in_force", "citations", "feedback", "reason", "comment", "feedback_at",
)


def csv_cell(value: Any) -> Any:
    """A cell a spreadsheet shows as text: a string starting with = + - @ tab or CR gets a leading ' (OWASP)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def prune_exports(folder: Path, *, keep: int = KEEP_EXPORTS, max_age_s: float = EXPORT_MAX_AGE_S) -> list[Path]:
    """Delete old CSV exports: keep at most the ``keep`` newest, none older than ``max_age_s``. Returns the
    deleted files. Only ``*.csv`` directly in ``folder`` are touched."""
    try:
        files = sorted((p for p in folder.glob("*.csv") if p.is_file()), key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return []
    now = time.time()
    deleted = []
    for index, path in enumerate(files):
        try:
            if index >= keep or now - path.stat().st_mtime > max_age_s:
                path.unlink()
                deleted.append(path)
        except OSError:  # deleted meanwhile by another export
            continue
    return deleted
