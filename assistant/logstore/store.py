"""The log store: writing exchanges and feedback, reading them back with filters, and exporting them as CSV.

:class:`LogStore` opens and recovers its file through its base, :class:`~assistant.logstore.logfile.LogFile`.
Part of :mod:`assistant.logstore`, which re-exports :class:`LogStore`.
"""

from __future__ import annotations

import csv
import io
import sqlite3
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from assistant.errors import InputError
from assistant.logstore.export import CSV_COLUMNS, csv_cell
from assistant.logstore.limits import MAX_COMMENT_CHARS, REASONS, cap_text
from assistant.logstore.logfile import LogFile
from assistant.logstore.records import Exchange, Feedback, _as_dict, _exchange, _feedback, _json, _now


class LogStore(LogFile):
    """The SQLite log. Cheap to construct; safe to share between threads and to open from many processes."""

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
        reason, comment = _checked(reason, comment)

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

    def update_feedback(
        self, feedback_id: int, reason: str | None, comment: str | None, *, helpful: bool | None = None
    ) -> None:
        """Set the reason and comment of a stored judgement (None or blank clears them) and, when given, its
        verdict. The same checks as :meth:`add_feedback`; raises :class:`InputError` for an unknown record."""
        reason, comment = _checked(reason, comment)

        def op() -> None:
            with self._write() as conn:
                cur = conn.execute(
                    "UPDATE feedback SET reason = ?, comment = ?, helpful = COALESCE(?, helpful) WHERE id = ?",
                    (reason, comment, None if helpful is None else int(helpful), feedback_id),
                )
                if cur.rowcount == 0:
                    raise InputError(f"找不到编号为 {feedback_id} 的反馈记录，无法更新。")

        self._run(op, write=True)

    def delete_feedback(self, feedback_id: int) -> bool:
        """Remove a judgement its author took back; False when there was no such record."""

        def op() -> bool:
            with self._write() as conn:
                return conn.execute("DELETE FROM feedback WHERE id = ?", (feedback_id,)).rowcount > 0

        return bool(self._run(op, write=True))

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


def _checked(reason: str | None, comment: str | None) -> tuple[str | None, str | None]:
    """A feedback's reason and comment, stripped (blank → None); raises :class:`InputError` for a reason not in
    :data:`REASONS` or a comment over :data:`MAX_COMMENT_CHARS` characters."""
    reason = (reason or "").strip() or None
    if reason is not None and reason not in REASONS:
        raise InputError(f"反馈原因“{reason}”无效，请从：{'、'.join(REASONS)} 中选择。")
    comment = (comment or "").strip() or None
    if comment is not None and len(comment) > MAX_COMMENT_CHARS:
        raise InputError(f"补充说明过长（{len(comment)} 字），请控制在 {MAX_COMMENT_CHARS} 字以内。")
    return reason, comment
