"""The conversation and feedback log: one SQLite file under the state folder, in WAL mode.

Every answered turn is an *exchange* (question, answer, citations, trace, as-of date, time, conversation
id, intent, amount) and staff read them in the 记录 tab. Feedback (有用 / 没用 + a reason + optional text)
points at the exchange it judges, so a complaint "金额错误" always comes with the exact figure and trace
the user saw. A judgement is stored at the click (:meth:`LogStore.add_feedback`); the reason and comment given
afterwards are set on that same record (:meth:`LogStore.update_feedback`, with the same checks), and a
judgement taken back is removed (:meth:`LogStore.delete_feedback`).

Concurrency: WAL lets readers run while one writer writes; each write is a short ``BEGIN IMMEDIATE``
transaction on its own connection with a generous busy timeout, so many threads or processes (the
Gradio queue, several app workers, the load test) can log at once without losing a record.
``synchronous=FULL`` makes every committed feedback survive a crash of the process or the machine.

Damage: a log file that is not SQLite, truncated or has corrupt pages is found at start (``quick_check``)
or by the first statement that trips over it. The damaged file (with its -wal/-shm) is moved aside to
``log.sqlite3.corrupt-<time>``, a Chinese warning is logged, and a new empty log is started: a write is
retried on the new log, a read raises :class:`LogUnavailable` with that Chinese message. The chat never
depends on the log.

Size: questions and answers are stored up to :data:`MAX_LOGGED_CHARS` characters, then cut with a marker,
and CSV cells that a spreadsheet would read as a formula are prefixed with a single quote (OWASP).

The modules: :mod:`~assistant.logstore.store` (:class:`LogStore`: write, read, export),
:mod:`~assistant.logstore.logfile` (connections, transactions, recovery), :mod:`~assistant.logstore.damage`,
:mod:`~assistant.logstore.records` (tables and records), :mod:`~assistant.logstore.limits` (reasons, sizes) and
:mod:`~assistant.logstore.export` (CSV cells, pruning). Import from here: this package re-exports their names.
"""

from __future__ import annotations

from assistant.logstore.damage import Recovery, damage_of, is_corruption
from assistant.logstore.export import (
    CSV_COLUMNS,
    EXPORT_MAX_AGE_S,
    FORMULA_PREFIXES,
    KEEP_EXPORTS,
    csv_cell,
    prune_exports,
)
from assistant.logstore.limits import MAX_COMMENT_CHARS, MAX_LOGGED_CHARS, REASONS, cap_text
from assistant.logstore.logfile import log as log
from assistant.logstore.records import SCHEMA, Exchange, Feedback
from assistant.logstore.store import LogStore

__all__ = [
    "CSV_COLUMNS",
    "EXPORT_MAX_AGE_S",
    "FORMULA_PREFIXES",
    "KEEP_EXPORTS",
    "MAX_COMMENT_CHARS",
    "MAX_LOGGED_CHARS",
    "REASONS",
    "SCHEMA",
    "Exchange",
    "Feedback",
    "LogStore",
    "Recovery",
    "cap_text",
    "csv_cell",
    "damage_of",
    "is_corruption",
    "prune_exports",
]
