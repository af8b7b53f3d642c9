"""The conversation and feedback log: one SQLite file under the state folder, in WAL mode.

Every answered turn is an *exchange* (question, answer, citations, trace, as-of date, time, conversation
id, intent, amount) and staff read them in the 记录 tab. Feedback (有用 / 没用 + a reason + optional text)
points at the exchange it judges, so a complaint "金额错误" always comes with the exact figure and trace
the user saw.

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
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from assistant.errors import InputError, LogUnavailable

log = logging.getLogger(__name__)
T = TypeVar("T")

#: Reasons a user can give with 没用 (or 有用, rarely); the 记录 tab filters by them.
REASONS: tuple[str, ...] = ("金额错误", "条款引用错误", "政策已过期", "没有回答问题", "其他")

#: Longest free-text feedback comment kept, in characters.
MAX_COMMENT_CHARS = 2000

#: Longest question or answer stored, in characters; longer text is cut and marked (see :func:`cap_text`).
MAX_LOGGED_CHARS = 4000

#: A cell starting with one of these is a formula to Excel/LibreOffice (OWASP "CSV injection").
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")

#: Exports kept in the exports folder: the newest KEEP_EXPORTS files, and none older than a day.
KEEP_EXPORTS = 20
EXPORT_MAX_AGE_S = 24 * 3600

# SQLite primary result codes that mean the file itself is damaged.
_SQLITE_CORRUPT, _SQLITE_NOTADB = 11, 26

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


def cap_text(text: str, limit: int = MAX_LOGGED_CHARS) -> str:
    """``text`` itself when it is at most ``limit`` characters, else its start and a marker saying so."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}…［已截断：原文共 {len(text)} 字，只记录前 {limit} 字］"


def csv_cell(value: Any) -> Any:
    """A cell a spreadsheet shows as text: a string starting with = + - @ tab or CR gets a leading ' (OWASP)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


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


class LogStore:
    """The SQLite log. Cheap to construct; safe to share between threads and to open from many processes."""

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

    # -- writing -----------------------------------------------------------------------------------

    def log_exchange(
        self, conversation_id: str, question: str, reply: Any, *, turn: int = 0, created_at: str | None = None
    ) -> int:
        """Store one answered turn; ``reply`` is a :class:`~assistant.dialogue.reply.Reply` or its ``to_dict()``.

        The question and the answer are stored up to :data:`MAX_LOGGED_CHARS` characters each."""
        data = _as_dict(reply)
        answer = cap_text(str(data.get("answer") or ""))
        if "answer" in data:
            data["answer"] = answer
        citations = data.get("citation_details") or [{"clause_id": c} for c in data.get("citations") or []]
        in_force = data.get("in_force")
        row = (
            conversation_id,
            turn,
            created_at or _now(),
            data.get("as_of"),
            cap_text(question if isinstance(question, str) else ""),
            answer,
            data.get("intent"),
            data.get("amount_yuan"),
            None if in_force is None else int(bool(in_force)),
            _json(citations),
            _json(data.get("trace") or []),
            _json(data),
        )

        def op() -> int:
            with self._write() as conn:
                cur = conn.execute(
                    "INSERT INTO exchanges (conversation_id, turn, created_at, as_of, question, answer, intent,"
                    " amount_yuan, in_force, citations, trace, reply) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    row,
                )
                return int(cur.lastrowid or 0)

        return self._run(op, write=True)

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

        def op() -> int:
            with self._write() as conn:
                if conn.execute("SELECT 1 FROM exchanges WHERE id = ?", (exchange_id,)).fetchone() is None:
                    raise InputError(f"找不到编号为 {exchange_id} 的问答记录，无法保存反馈。")
                cur = conn.execute(
                    "INSERT INTO feedback (exchange_id, created_at, helpful, reason, comment) VALUES (?,?,?,?,?)",
                    (exchange_id, created_at or _now(), int(bool(helpful)), reason, comment),
                )
                return int(cur.lastrowid or 0)

        return self._run(op, write=True)

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

        def op() -> list[Exchange]:
            with self._connect() as conn:
                rows = conn.execute(sql, params).fetchall()
                feedback = self._feedback_for(conn, [int(r["id"]) for r in rows])
            return [_exchange(r, feedback.get(int(r["id"]), [])) for r in rows]

        return self._run(op, write=False)

    def exchange(self, exchange_id: int) -> Exchange:
        def op() -> Exchange:
            with self._connect() as conn:
                row = conn.execute("SELECT * FROM exchanges WHERE id = ?", (exchange_id,)).fetchone()
                if row is None:
                    raise InputError(f"找不到编号为 {exchange_id} 的问答记录。")
                feedback = self._feedback_for(conn, [exchange_id])
            return _exchange(row, feedback.get(exchange_id, []))

        return self._run(op, write=False)

    def feedback(self, *, reason: str | None = None) -> list[Feedback]:
        sql, params = "SELECT * FROM feedback", []
        if reason:
            sql, params = sql + " WHERE reason = ?", [reason]

        def op() -> list[Feedback]:
            with self._connect() as conn:
                return [_feedback(r) for r in conn.execute(sql + " ORDER BY id", params).fetchall()]

        return self._run(op, write=False)

    def counts(self) -> dict[str, int]:
        def op() -> dict[str, int]:
            with self._connect() as conn:
                ex = conn.execute("SELECT COUNT(*) FROM exchanges").fetchone()[0]
                fb = conn.execute("SELECT COUNT(*) FROM feedback").fetchone()[0]
            return {"exchanges": int(ex), "feedback": int(fb)}

        return self._run(op, write=False)

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

        Every cell that a spreadsheet would take for a formula is written as text (:func:`csv_cell`).
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
            rows = [[*base, fb.verdict, fb.reason or "", fb.comment or "", fb.created_at] for fb in items]
            for row in rows or [[*base, "", "", "", ""]]:
                writer.writerow([csv_cell(cell) for cell in row])
        text = buf.getvalue()
        if target is not None:
            Path(target).parent.mkdir(parents=True, exist_ok=True)
            Path(target).write_text(text, encoding="utf-8-sig")
        return text


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
