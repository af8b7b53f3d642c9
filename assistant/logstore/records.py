"""The log's tables (:data:`SCHEMA`: exchanges, and the feedback that points at them) and the records read back
from them (:class:`Exchange`, :class:`Feedback`), with the conversions between rows and values.

Part of :mod:`assistant.logstore`, which re-exports the public names here.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS exchanges (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id TEXT NOT NULL,
    turn            INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    as_of           TEXT,
    question        TEXT NOT NULL,
    answer          TEXT NOT NULL,
    intent          TEXT,
    amount_yuan     INTEGER,
    in_force        INTEGER,
    citations       TEXT NOT NULL DEFAULT '[]',
    trace           TEXT NOT NULL DEFAULT '[]',
    reply           TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS exchanges_created ON exchanges(created_at);
CREATE INDEX IF NOT EXISTS exchanges_conversation ON exchanges(conversation_id, turn);
CREATE TABLE IF NOT EXISTS feedback (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    exchange_id INTEGER NOT NULL REFERENCES exchanges(id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    helpful     INTEGER NOT NULL,
    reason      TEXT,
    comment     TEXT
);
CREATE INDEX IF NOT EXISTS feedback_exchange ON feedback(exchange_id);
CREATE INDEX IF NOT EXISTS feedback_reason ON feedback(reason);
"""

CSV_COLUMNS: tuple[str, ...] = (
    "exchange_id", "conversation_id", "turn", "created_at", "as_of", "question", "answer", "intent",
    "amount_yuan", "in_force", "citations", "feedback", "reason", "comment", "feedback_at",
)


@dataclass(frozen=True)
class Feedback:
    """One user judgement of an exchange."""

    id: int
    exchange_id: int
    created_at: str
    helpful: bool
    reason: str | None
    comment: str | None

    @property
    def verdict(self) -> str:
        return "有用" if self.helpful else "没用"


@dataclass(frozen=True)
class Exchange:
    """One logged question and answer, with the feedback given on it (oldest first)."""

    id: int
    conversation_id: str
    turn: int
    created_at: str
    as_of: str | None
    question: str
    answer: str
    intent: str | None
    amount_yuan: int | None
    in_force: bool | None
    citations: list[dict[str, Any]]
    trace: list[dict[str, Any]]
    reply: dict[str, Any]
    feedback: list[Feedback] = field(default_factory=list)

    @property
    def latest_feedback(self) -> Feedback | None:
        return self.feedback[-1] if self.feedback else None

    @property
    def citation_labels(self) -> list[str]:
        return [str(c.get("label") or c.get("clause_id") or "") for c in self.citations]


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _as_dict(reply: Any) -> dict[str, Any]:
    if reply is None:
        return {}
    if isinstance(reply, dict):
        return dict(reply)
    return dict(reply.to_dict())


def _loads(text: str | None, default: Any) -> Any:
    try:
        return json.loads(text or "null") or default
    except ValueError:
        return default


def _feedback(r: sqlite3.Row) -> Feedback:
    return Feedback(
        id=int(r["id"]),
        exchange_id=int(r["exchange_id"]),
        created_at=r["created_at"],
        helpful=bool(r["helpful"]),
        reason=r["reason"],
        comment=r["comment"],
    )


def _exchange(r: sqlite3.Row, feedback: list[Feedback]) -> Exchange:
    return Exchange(
        id=int(r["id"]),
        conversation_id=r["conversation_id"],
        turn=int(r["turn"]),
        created_at=r["created_at"],
        as_of=r["as_of"],
        question=r["question"],
        answer=r["answer"],
        intent=r["intent"],
        amount_yuan=r["amount_yuan"],
        in_force=None if r["in_force"] is None else bool(r["in_force"]),
        citations=_loads(r["citations"], []),
        trace=_loads(r["trace"], []),
        reply=_loads(r["reply"], {}),
        feedback=feedback,
    )
