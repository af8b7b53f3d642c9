"""The conversation and feedback log: one SQLite file under the state folder, in WAL mode.

Every answered turn is an *exchange* (question, answer, citations, trace, as-of date, time, conversation
id, intent, amount) and staff read them in the 记录 tab. Feedback (有用 / 没用 + a reason + optional text)
points at the exchange it judges, so a complaint "金额错误" always comes with the exact figure and trace
the user saw.

Concurrency: WAL lets readers run while one writer writes; each write is a short ``BEGIN IMMEDIATE``
transaction on its own connection with a generous busy timeout, so many threads or processes (the
Gradio queue, several app workers, the load test) can log at once without losing a record.
``synchronous=FULL`` makes every committed feedback survive a crash of the process or the machine.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from assistant.errors import InputError

#: Reasons a user can give with 没用 (or 有用, rarely); the 记录 tab filters by them.
REASONS: tuple[str, ...] = ("金额错误", "条款引用错误", "政策已过期", "没有回答问题", "其他")

#: Longest free-text feedback comment kept, in characters.
MAX_COMMENT_CHARS = 2000

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


class LogStore:
    """The SQLite log. Cheap to construct; safe to share between threads and to open from many processes."""

    def __init__(self, path: Path | str, *, timeout_s: float = 60.0) -> None:
        self.path = Path(path)
        self.timeout_s = timeout_s
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if str(mode).lower() != "wal":  # pragma: no cover - only on file systems without shared memory
                raise InputError(f"日志数据库无法启用 WAL 模式（当前 {mode}）：{self.path}")
            conn.executescript(SCHEMA)

    # -- connections -------------------------------------------------------------------------------

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
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    @property
    def journal_mode(self) -> str:
        with self._connect() as conn:
            return str(conn.execute("PRAGMA journal_mode").fetchone()[0])

    # -- writing -----------------------------------------------------------------------------------

    def log_exchange(
        self, conversation_id: str, question: str, reply: Any, *, turn: int = 0, created_at: str | None = None
    ) -> int:
        """Store one answered turn; ``reply`` is a :class:`~assistant.dialogue.reply.Reply` or its ``to_dict()``."""
        data = _as_dict(reply)
        citations = data.get("citation_details") or [{"clause_id": c} for c in data.get("citations") or []]
        in_force = data.get("in_force")
        with self._write() as conn:
            cur = conn.execute(
                "INSERT INTO exchanges (conversation_id, turn, created_at, as_of, question, answer, intent,"
                " amount_yuan, in_force, citations, trace, reply) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    conversation_id,
                    turn,
                    created_at or _now(),
                    data.get("as_of"),
                    question,
                    str(data.get("answer") or ""),
                    data.get("intent"),
                    data.get("amount_yuan"),
                    None if in_force is None else int(bool(in_force)),
                    _json(citations),
                    _json(data.get("trace") or []),
                    _json(data),
                ),
            )
            return int(cur.lastrowid or 0)

    def add_feedback(
        self,
        exchange_id: int,
        helpful: bool,
        reason: str | None = None,
        comment: str | None = None,
        *,
        created_at: str | None = None,
    ) -> int:
        """Store a judgement of an exchange. Raises :class:`InputError` for an unknown reason or exchange."""
        reason = (reason or "").strip() or None
        if reason is not None and reason not in REASONS:
            raise InputError(f"反馈原因“{reason}”无效，请从：{'、'.join(REASONS)} 中选择。")
        comment = (comment or "").strip() or None
        if comment is not None and len(comment) > MAX_COMMENT_CHARS:
            raise InputError(f"补充说明过长（{len(comment)} 字），请控制在 {MAX_COMMENT_CHARS} 字以内。")
        with self._write() as conn:
            if conn.execute("SELECT 1 FROM exchanges WHERE id = ?", (exchange_id,)).fetchone() is None:
                raise InputError(f"找不到编号为 {exchange_id} 的问答记录，无法保存反馈。")
            cur = conn.execute(
                "INSERT INTO feedback (exchange_id, created_at, helpful, reason, comment) VALUES (?,?,?,?,?)",
                (exchange_id, created_at or _now(), int(bool(helpful)), reason, comment),
            )
            return int(cur.lastrowid or 0)

    # -- reading -----------------------------------------------------------------------------------

    def exchanges(
        self,
        *,
        reason: str | None = None,
        helpful: bool | None = None,
        with_feedback: bool = False,
        since: date | str | None = None,
        until: date | str | None = None,
        conversation_id: str | None = None,
        limit: int | None = 500,
    ) -> list[Exchange]:
        """Exchanges, newest first. ``reason``/``helpful`` keep exchanges with such feedback; ``since`` and
        ``until`` are inclusive dates of the exchange."""
        where: list[str] = []
        params: list[Any] = []
        if reason:
            where.append("id IN (SELECT exchange_id FROM feedback WHERE reason = ?)")
            params.append(reason)
        if helpful is not None:
            where.append("id IN (SELECT exchange_id FROM feedback WHERE helpful = ?)")
            params.append(int(helpful))
        if with_feedback:
            where.append("id IN (SELECT exchange_id FROM feedback)")
        if since:
            where.append("substr(created_at, 1, 10) >= ?")
            params.append(str(since))
        if until:
            where.append("substr(created_at, 1, 10) <= ?")
            params.append(str(until))
        if conversation_id:
            where.append("conversation_id = ?")
            params.append(conversation_id)
        sql = "SELECT * FROM exchanges"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY id DESC"
        if limit:
            sql += f" LIMIT {int(limit)}"
        with self._connect() as conn:
            rows = conn.execute(sql, params).fetchall()
            feedback = self._feedback_for(conn, [int(r["id"]) for r in rows])
        return [_exchange(r, feedback.get(int(r["id"]), [])) for r in rows]

    def exchange(self, exchange_id: int) -> Exchange:
        with self._connect() as conn:
            row = conn.execute("SELECT * FROM exchanges WHERE id = ?", (exchange_id,)).fetchone()
            if row is None:
                raise InputError(f"找不到编号为 {exchange_id} 的问答记录。")
            feedback = self._feedback_for(conn, [exchange_id])
        return _exchange(row, feedback.get(exchange_id, []))

    def feedback(self, *, reason: str | None = None) -> list[Feedback]:
        sql, params = "SELECT * FROM feedback", []
        if reason:
            sql, params = sql + " WHERE reason = ?", [reason]
        with self._connect() as conn:
            return [_feedback(r) for r in conn.execute(sql + " ORDER BY id", params).fetchall()]

    def counts(self) -> dict[str, int]:
        with self._connect() as conn:
            ex = conn.execute("SELECT COUNT(*) FROM exchanges").fetchone()[0]
            fb = conn.execute("SELECT COUNT(*) FROM feedback").fetchone()[0]
        return {"exchanges": int(ex), "feedback": int(fb)}

    @staticmethod
    def _feedback_for(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, list[Feedback]]:
        out: dict[int, list[Feedback]] = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            for r in conn.execute(
                f"SELECT * FROM feedback WHERE exchange_id IN ({marks}) ORDER BY id", chunk
            ).fetchall():
                out.setdefault(int(r["exchange_id"]), []).append(_feedback(r))
        return out

    # -- export ------------------------------------------------------------------------------------

    def export_csv(self, target: Path | str | None = None, **filters: Any) -> str:
        """Write the (filtered) log as CSV, one row per feedback (or per exchange without feedback).

        Returns the CSV text; also writes it to ``target`` when given (UTF-8 with BOM so Excel opens it).
        """
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(CSV_COLUMNS)
        reason = filters.get("reason")
        for ex in self.exchanges(limit=None, **filters):
            base = [
                ex.id, ex.conversation_id, ex.turn, ex.created_at, ex.as_of or "", ex.question, ex.answer,
                ex.intent or "", "" if ex.amount_yuan is None else ex.amount_yuan,
                "" if ex.in_force is None else ("是" if ex.in_force else "否"), " ".join(ex.citation_labels),
            ]
            items = [f for f in ex.feedback if not reason or f.reason == reason]
            if not items:
                writer.writerow([*base, "", "", "", ""])
            for fb in items:
                writer.writerow([*base, fb.verdict, fb.reason or "", fb.comment or "", fb.created_at])
        text = buf.getvalue()
        if target is not None:
            Path(target).parent.mkdir(parents=True, exist_ok=True)
            Path(target).write_text(text, encoding="utf-8-sig")
        return text


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
        citations=json.loads(r["citations"] or "[]"),
        trace=json.loads(r["trace"] or "[]"),
        reply=json.loads(r["reply"] or "{}"),
        feedback=feedback,
    )
